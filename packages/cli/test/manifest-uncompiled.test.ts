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

  // dbt 1.11.16 (dbt-duckdb 1.11.1), recorded 8 Dec 2026: seed s, ephemeral e (from s), a, b (a
  // joined to e, with a not_null test), c (from b). After a full `dbt compile`, `dbt compile -s b`
  // leaves a, c, s without compiled, compiled_code, extra_ctes, extra_ctes_injected (compiled_path
  // null) and keeps them on b, its test and e; `-s c` keeps them on c alone; `-s s` on none.
  // sm kept them on every node. (dbt also gives e a compiled_path and writes e.sql; sm does not.)
  it('after compile -s, only on the nodes compiled: the selection and the ephemerals it takes in', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': 'name: demo\nprofile: demo\n',
      'seeds/s.csv': 'id\n1\n',
      'models/e.sql': "{{ config(materialized='ephemeral') }} select * from {{ ref('s') }}",
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select a.id from {{ ref('a') }} a join {{ ref('e') }} e using (id)",
      'models/c.sql': "select * from {{ ref('b') }}",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        tests: [not_null]\n',
    });
    const compiledOnes = async (...sel: string[]) => {
      const r = await sm('compile', ...sel, '--project-dir', dir);
      expect(r.code, r.err).toBe(0);
      const nodes = (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> }).nodes;
      for (const n of Object.values(nodes)) expect(['compiled', 'compiled_code', 'extra_ctes', 'extra_ctes_injected'].filter((k) => k in n).length % 4).toBe(0);
      return Object.keys(nodes).filter((id) => 'compiled_code' in nodes[id]!).sort();
    };
    const all = ['model.demo.a', 'model.demo.b', 'model.demo.c', 'model.demo.e', 'test.demo.not_null_b_id.37be81e63b'];
    expect(await compiledOnes()).toEqual(all);
    expect(await compiledOnes('-s', 'b')).toEqual(['model.demo.b', 'model.demo.e', 'test.demo.not_null_b_id.37be81e63b']);
    expect(await compiledOnes('-s', 'c')).toEqual(['model.demo.c']);
    expect(await compiledOnes('-s', 's')).toEqual([]);
    // The whole compile's manifest again (taken back as it was kept).
    expect(await compiledOnes()).toEqual(all);
  });
});
