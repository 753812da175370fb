import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

/**
 * `sm compile` asks the warehouse where dbt's compile does, recorded with dbt-core 1.11.16 +
 * dbt-duckdb 1.11.1 on these files: after `dbt run`, `dbt compile` writes (target/compiled,
 * manifest.json and run_results.json `compiled_code`) and prints `select id, name from ...` for
 * a model listing its parent's columns with adapter.get_columns_in_relation, `select 42 as n`
 * for one reading run_query, and an incremental model's incremental SQL once its table exists
 * (the full SQL before, and with --full-refresh). A run_query that fails stops it: "Runtime Error
 * in model d (models/d.sql)", exit 2; so does --no-introspect on a template that queries.
 * The compiled text is dbt's byte for byte, re-recorded 8 Dec 2026 (same versions): the newline
 * a first line of `{% set %}` or config() leaves, and the space inside `{% if is_incremental() %}`.
 */
const PROFILE = (path: string) => `demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: '${path}', schema: main, threads: 1}\n`;
const files = (path = 'target/demo.duckdb') => ({
  'profiles.yml': PROFILE(path),
  'models/a.sql': "select 1 as id, 'x' as name",
  'models/b.sql': "{% set cols = adapter.get_columns_in_relation(ref('a')) %}\nselect {% for c in cols %}{{ c.name }}{% if not loop.last %}, {% endif %}{% endfor %} from {{ ref('a') }}",
  'models/c.sql': '{% set r = run_query("select 42 as n") %}\nselect {% if execute %}{{ r.columns[0].values()[0] }}{% else %}0{% endif %} as n',
  'models/inc.sql': "{{ config(materialized='incremental', unique_key='id') }}\nselect id from {{ ref('a') }}\n{% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}",
});

const INCREMENTAL = '\nselect id from "demo"."main"."a"\n where id > (select max(id) from "demo"."main"."inc") ';
/** inc before its table exists, and with --full-refresh. */
const FULL = '\nselect id from "demo"."main"."a"\n';

/** compiled_code of each node in manifest.json and run_results.json, and the compiled file's text. */
function written(dir: string, name: string) {
  const t = join(dir, 'target');
  const manifest = JSON.parse(readFileSync(join(t, 'manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_code?: string }> };
  const results = JSON.parse(readFileSync(join(t, 'run_results.json'), 'utf8')) as { results: { unique_id: string; compiled_code?: string }[] };
  const id = `model.demo.${name}`;
  return { manifest: manifest.nodes[id]?.compiled_code, results: results.results.find((r) => r.unique_id === id)?.compiled_code, file: readFileSync(join(t, 'compiled/demo/models', `${name}.sql`), 'utf8') };
}

describe('sm compile renders with the warehouse where dbt compile does', () => {
  it('columns and query results from the warehouse, in the printed SQL and every artifact, compile after compile', async () => {
    const dir = writeProject(files());
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    for (let i = 0; i < 2; i++) {
      const r = await sm('compile', '--project-dir', dir);
      expect(r.code, r.err).toBe(0);
      for (const [name, sql] of [['b', '\nselect id, name from "demo"."main"."a"'], ['c', '\nselect 42 as n'], ['inc', INCREMENTAL]]) {
        expect(written(dir, name!), `${name} after compile ${i + 1}`).toEqual({ manifest: sql, results: sql, file: sql });
      }
    }
    const one = await sm('compile', '--project-dir', dir, '-s', 'b');
    expect(one.out).toContain('Compiled node \'b\' is:\n\nselect id, name from "demo"."main"."a"');
  });

  it('an incremental model compiles to its incremental SQL once its table exists, not with --full-refresh', async () => {
    const dir = writeProject(files());
    const before = await sm('compile', '--project-dir', dir, '-q', '-s', 'inc');
    expect(before.out.trim()).toBe('select id from "demo"."main"."a"');
    // Nothing built yet: no connection was needed, so no database file was made (DuckDB's holdsNothing).
    expect(existsSync(join(dir, 'target/demo.duckdb'))).toBe(false);
    // The database made, the table not: compile asks, finds none, and keeps what it found under the file's stamp.
    expect((await sm('run', '--project-dir', dir, '-s', 'a')).code).toBe(0);
    for (let i = 0; i < 2; i++) expect((await sm('compile', '--project-dir', dir, '-q', '-s', 'inc')).out.trim()).toBe('select id from "demo"."main"."a"');
    expect(existsSync(join(dir, 'target/.sm/compile-live.json'))).toBe(true);
    // The run changes the file: compile asks again, and finds the table.
    expect((await sm('run', '--project-dir', dir, '-s', 'inc')).code).toBe(0);
    expect((await sm('compile', '--project-dir', dir, '-q', '-s', 'inc')).out.trim()).toBe(INCREMENTAL.trim());
    expect((await sm('compile', '--project-dir', dir, '-q', '-s', 'inc')).out.trim()).toBe(INCREMENTAL.trim());
    const incFile = () => readFileSync(join(dir, 'target/compiled/demo/models/inc.sql'), 'utf8');
    expect(incFile()).toBe(INCREMENTAL);
    // --full-refresh: compile's own SQL again, in the file too; and back.
    expect((await sm('compile', '--project-dir', dir, '-q', '-s', 'inc', '--full-refresh')).out.trim()).toBe('select id from "demo"."main"."a"');
    expect(incFile()).toBe(FULL);
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    expect(written(dir, 'inc')).toEqual({ manifest: INCREMENTAL, results: INCREMENTAL, file: INCREMENTAL });
    expect((await sm('compile', '--project-dir', dir, '--full-refresh')).code).toBe(0);
    expect(written(dir, 'inc').file).toBe(FULL);
    // --no-introspect: as dbt's, the incremental SQL still (its relation cache is filled), but a template that queries is an error.
    expect((await sm('compile', '--project-dir', dir, '-q', '-s', 'inc', '--no-introspect')).out.trim()).toBe(INCREMENTAL.trim());
    const refused = await sm('compile', '--project-dir', dir, '-s', 'c', '--no-introspect');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('Runtime Error in model c (models/c.sql)');
    expect(refused.err).toContain('--no-introspect');
  });

  it('a query of the template that fails stops compile (exit 2), naming the model and what the warehouse said', async () => {
    const dir = writeProject({ ...files(), 'models/d.sql': '{% set r = run_query("select * from nope") %}\nselect 1 as x' });
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Runtime Error in model d (models/d.sql)');
    expect(r.err).toMatch(/nope does not exist/);
  });

  it('a warehouse that cannot be reached leaves the SQL rendered without it, with a warning (dbt fails)', async () => {
    const dir = writeProject(files());
    writeFileSync(join(dir, 'blocker'), 'a file, not a folder');
    writeFileSync(join(dir, 'profiles.yml'), PROFILE('blocker/demo.duckdb'));
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Could not reach the warehouse of target "dev"');
    expect(r.out).toContain('b, c, inc compiled as without one');
    // dbt fails here; sm renders as dbt's parse does (execute false), spaced as dbt's compile: the set line's newline first.
    expect(written(dir, 'c').file).toBe('\nselect 0 as n');
  });

  it("sm show runs what dbt's show runs: the incremental query once the table exists, a template rendered with the warehouse", async () => {
    // dbt-core 1.11.16, `dbt show -s inc` after `dbt run`: "Previewing node 'inc'" with no rows (its incremental query).
    const dir = writeProject(files());
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const show = async (name: string) => {
      const r = await sm('show', '--project-dir', dir, '-s', name, '--log-format', 'json');
      expect(r.code, r.err).toBe(0);
      return shownRows(r.out);
    };
    expect(await show('inc')).toEqual([]);
    expect(await show('c')).toEqual([{ n: 42 }]);
    expect(await show('b')).toEqual([{ id: 1, name: 'x' }]);
  });
});
