import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * dbt hands every selected ephemeral model to a runner (no run result), which writes its compiled
 * SQL under target/compiled, also when no node inlines it. sm wrote only the inlined ones, so
 * dbt_project_evaluator's integration project (all fake models ephemeral) lacked ten of them.
 * Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 (7 Dec 2026): `dbt run` wrote
 * models/lonely.sql, models/t.sql and models/used.sql; `dbt run -s t` (compiled folder removed)
 * wrote t.sql and used.sql only.
 */
describe('compiled files of ephemeral models, as dbt writes them', () => {
  it('are written for every selected ephemeral model, inlined or not', async () => {
    const dir = writeDuckdbProject({
      'models/lonely.sql': "{{ config(materialized='ephemeral') }} select 1 as id",
      'models/used.sql': "{{ config(materialized='ephemeral') }} select 2 as id",
      'models/t.sql': "select * from {{ ref('used') }}",
    });
    const compiled = (name: string) => join(dir, 'target/compiled/demo/models', `${name}.sql`);
    const run = await sm('run', '--project-dir', dir);
    expect(run.code, run.err).toBe(0);
    expect(['lonely', 't', 'used'].map((n) => existsSync(compiled(n)))).toEqual([true, true, true]);
    expect(readFileSync(compiled('lonely'), 'utf8').trim()).toBe('select 1 as id');
    rmSync(join(dir, 'target/compiled'), { recursive: true });
    expect((await sm('run', '-s', 't', '--project-dir', dir)).code).toBe(0);
    expect(['lonely', 't', 'used'].map((n) => existsSync(compiled(n)))).toEqual([false, true, true]);
  });

  // dbt 1.11.16 + dbt-duckdb 1.11.1 (8 Dec 2026), c reading ephemeral e reading a, and a check
  // snapshot of a: `dbt compile -s c` wrote compiled/.../c.sql and e.sql, and the manifest gave
  // both a compiled_path (a's null); `dbt compile` and `dbt build` wrote no compiled file for the
  // snapshot (build: target/run/.../snapshots/snap.sql only), its compiled_path null.
  it('compile -s writes the inlined ephemeral models too; a snapshot has no compiled file', async () => {
    const dir = writeDuckdbProject({
      'models/a.sql': 'select 1 as id',
      'models/e.sql': "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('a') }}",
      'models/c.sql': "select * from {{ ref('e') }}",
      'snapshots/snap.sql': "{% snapshot snap %}\n{{ config(target_schema='main', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('a') }}\n{% endsnapshot %}",
    });
    const file = (kind: string, folder: string, name: string) => join(dir, 'target', kind, 'demo', folder, `${name}.sql`);
    const paths = () => {
      const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_path: string | null }> };
      return Object.fromEntries(Object.entries(m.nodes).map(([id, n]) => [id, n.compiled_path]));
    };
    const c = await sm('compile', '-s', 'c', '--project-dir', dir);
    expect(c.code, c.err).toBe(0);
    expect(['a', 'c', 'e'].map((n) => existsSync(file('compiled', 'models', n)))).toEqual([false, true, true]);
    expect(paths()).toEqual({
      'model.demo.a': null,
      'model.demo.c': 'target/compiled/demo/models/c.sql',
      'model.demo.e': 'target/compiled/demo/models/e.sql',
      'snapshot.demo.snap': null,
    });
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    expect(existsSync(file('compiled', 'models', 'a'))).toBe(true);
    expect(existsSync(file('compiled', 'snapshots', 'snap'))).toBe(false);
    expect(paths()['snapshot.demo.snap']).toBeNull();
    rmSync(join(dir, 'target'), { recursive: true });
    const b = await sm('build', '--project-dir', dir);
    expect(b.code, b.err).toBe(0);
    expect(existsSync(file('compiled', 'snapshots', 'snap'))).toBe(false);
    expect(existsSync(file('run', 'snapshots', 'snap'))).toBe(true);
  });
});
