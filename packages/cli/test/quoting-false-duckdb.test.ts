import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * A part dbt's quoting config sets to false is printed bare on DuckDB, as dbt-duckdb prints it. Recorded with
 * dbt 1.11.16 + dbt-duckdb 1.11.1, `dbt build` on this fixture: exit 0; compiled n.sql
 * `select * from demo."main".m -- demo."main".n`, o.sql `select * from "demo".main."m"` (the source's own
 * quoting only); manifest relation_name m `demo."main".m`, source s.m `demo.main.m`. sm quoted every part
 * (`"demo"."main"."m"`): dbt-expectations' integration tests (quoting all false) compiled 28 of 162 identical.
 */
describe('quoting: false on DuckDB', () => {
  it('prints the parts bare in ref(), this, source() and relation_name, and builds', async () => {
    const dir = writeProject({
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/demo.duckdb', schema: main, threads: 1}\n",
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nquoting:\n  database: false\n  identifier: false\n",
      'models/m.sql': 'select 1 as id\n',
      'models/n.sql': "select * from {{ ref('m') }} -- {{ this }}\n",
      'models/o.sql': "select * from {{ source('s', 'm') }}\n",
      'models/s.yml': 'version: 2\nsources:\n  - name: s\n    schema: main\n    quoting: {schema: false}\n    tables: [{name: m}]\n',
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const compiled = (m: string) => readFileSync(join(dir, `target/compiled/demo/models/${m}.sql`), 'utf8').trim();
    expect(compiled('n')).toBe('select * from demo."main".m -- demo."main".n');
    expect(compiled('o')).toBe('select * from "demo".main."m"');
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { relation_name: string }>; sources: Record<string, { relation_name: string }> };
    expect(manifest.nodes['model.demo.m']!.relation_name).toBe('demo."main".m');
    expect(manifest.sources['source.demo.s.m']!.relation_name).toBe('demo.main.m');
  });
});
