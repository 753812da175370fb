import { join } from 'node:path';
import { createDuckDbAdapter } from '../src/index.ts';
import { conformanceSuite, normaliseRows } from '@smsql/test-kit';

conformanceSuite({
  name: 'duckdb',
  profile: 'type: duckdb\npath: target/conf.duckdb\nschema: main\nthreads: 2',
  adapters: { duckdb: () => createDuckDbAdapter() },
  env: () => ({ ...process.env }),
  slowSql: 'select count(*) as n from range(1000000000000) a',
  query: async (dir, sql) => {
    const adapter = createDuckDbAdapter();
    const session = await adapter.connect({ type: 'duckdb', name: 'it', schema: 'main', threads: 1, path: join(dir, 'target/conf.duckdb') }, { projectDir: dir });
    try {
      const c = await session.acquire();
      return normaliseRows((await c.execute(sql)).rows);
    } finally {
      await session.close();
    }
  },
});
