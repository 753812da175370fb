import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
const KEYS = ['compiled', 'compiled_code', 'compiled_path', 'extra_ctes_injected', 'extra_ctes'] as const;

// dbt 1.11.16 (dbt-duckdb 1.11.1), recorded 7 Dec 2026 on these two models: after `dbt parse` and
// after `dbt ls` (a fresh target, or one `dbt compile` had written), model b's manifest entry has
// no compiled, compiled_code, extra_ctes_injected or extra_ctes keys, and compiled_path null; after
// `dbt compile` it has compiled true, compiled_code 'select * from "dev"."main"."a"',
// extra_ctes_injected true, extra_ctes []. sm wrote the compiled keys after parse and ls too.
describe('the manifest after parse and ls, as dbt writes it', () => {
  it('has no compiled keys on nodes; compile brings them back', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'sm_project.yml': 'name: demo\nprofile: demo\n', 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }}" });
    const entry = () => {
      const n = (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> }).nodes['model.demo.b']!;
      return Object.fromEntries(KEYS.map((k) => [k, k in n ? n[k] : '<absent>']));
    };
    const none = { compiled: '<absent>', compiled_code: '<absent>', compiled_path: null, extra_ctes_injected: '<absent>', extra_ctes: '<absent>' };
    for (const argv of [['parse'], ['ls'], ['compile'], ['ls'], ['compile'], ['parse']]) {
      const r = await sm(...argv, '--project-dir', dir);
      expect(r.code, r.err).toBe(0);
      expect(entry(), argv[0]).toEqual(
        argv[0] === 'compile' ? { compiled: true, compiled_code: 'select * from "dev"."main"."a"', compiled_path: 'target/compiled/demo/models/b.sql', extra_ctes_injected: true, extra_ctes: [] } : none,
      );
    }
  });
});
