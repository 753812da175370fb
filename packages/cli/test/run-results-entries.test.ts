import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
type Entry = Record<string, any>;

/** Run sm in `dir`, expect exit 1, and read the run_results.json it wrote. */
async function failingRun(dir: string, ...argv: string[]) {
  const r = await sm(...argv, '--project-dir', dir);
  expect(r.code).toBe(1);
  return { r, rr: JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Entry[] } };
}

// Every expected value was recorded from `dbt build` (dbt-core 1.11.16, dbt-duckdb 1.11.1) on the
// same files, 6 Dec 2026. Where sm's value differs on purpose (a model's message, relation names
// without the target's database) the test says so.
describe("run_results.json's entries, as dbt 1.11 writes them", () => {
  it('writes each result with dbt keys in dbt order, and the values dbt gives a seed, a passing, failing and warning test, a unit test and a failed model', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'seeds/s.csv': 'id,name\n1,a\n2,b\n3,\n',
      'models/t.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('s') }}\n",
      'models/bad.sql': 'select * from nonexistent_tbl\n',
      'models/schema.yml': `version: 2
models:
  - name: t
    columns:
      - name: id
        data_tests: [unique, not_null]
      - name: name
        data_tests:
          - not_null:
              config: {severity: warn}
          - accepted_values:
              arguments: {values: ['a']}
unit_tests:
  - name: ut_t
    model: t
    given:
      - input: ref('s')
        rows: [{id: 1, name: a}]
    expect:
      rows: [{id: 1, name: a}]
`,
      'tests/sing.sql': "select * from {{ ref('t') }} where id > 1\n",
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code).toBe(1);
    const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Entry[] };
    const by = (id: string) => rr.results.find((x) => x.unique_id === id)!;
    for (const x of rr.results) {
      expect(Object.keys(x), x.unique_id).toEqual(['status', 'timing', 'thread_id', 'execution_time', 'adapter_response', 'message', 'failures', 'unique_id', 'compiled', 'compiled_code', 'relation_name', 'batch_results']);
      expect(x.thread_id).toBe('Thread-1 (worker)');
    }
    expect(by('seed.demo.s')).toMatchObject({ status: 'success', adapter_response: { _message: 'INSERT 3', code: 'INSERT', rows_affected: 3 }, message: 'INSERT 3', failures: null, compiled: null, compiled_code: null, relation_name: null });
    expect(by('model.demo.t')).toMatchObject({ status: 'success', adapter_response: { _message: 'OK' }, compiled: true, relation_name: '"dev"."main"."t"' });
    // dbt-duckdb's message for a model is "OK"; sm says what it did.
    expect(by('model.demo.t').message).toBe('CREATE TABLE');
    expect(by('model.demo.bad')).toMatchObject({ status: 'error', adapter_response: {}, failures: null, compiled: true, compiled_code: 'select * from nonexistent_tbl', relation_name: '"dev"."main"."bad"' });
    expect(by('model.demo.bad').message).toContain('nonexistent_tbl');
    expect(by('unit_test.demo.t.ut_t')).toMatchObject({ status: 'pass', adapter_response: { _message: 'OK' }, message: null, failures: 0, compiled: true, relation_name: null });
    expect(by('test.demo.not_null_t_id.a3af787eb8')).toMatchObject({ status: 'pass', adapter_response: { _message: 'OK' }, message: null, failures: 0, compiled: true, relation_name: null });
    expect(by('test.demo.unique_t_id.8ad39b758b')).toMatchObject({ status: 'pass', message: null, failures: 0 });
    expect(by('test.demo.not_null_t_name.2e6ed18fa1')).toMatchObject({ status: 'warn', adapter_response: { _message: 'OK' }, message: 'Got 1 result, configured to warn if != 0', failures: 1 });
    expect(by('test.demo.accepted_values_t_name__a.2af9e9265b')).toMatchObject({ status: 'fail', adapter_response: { _message: 'OK' }, message: 'Got 1 result, configured to fail if != 0', failures: 1 });
    expect(by('test.demo.sing')).toMatchObject({ status: 'fail', adapter_response: { _message: 'OK' }, message: 'Got 2 results, configured to fail if != 0', failures: 2, compiled_code: 'select * from "dev"."main"."t" where id > 1' });
    // dbt's seed materialization says CREATE under --full-refresh (recorded 7 Dec 2026: `dbt seed --full-refresh` wrote
    // "CREATE 3" with code CREATE; `dbt seed` again "INSERT 3").
    expect((await sm('seed', '--full-refresh', '--project-dir', dir)).code).toBe(0);
    const seeded = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Entry[] }).results[0]!;
    expect([seeded.message, seeded.adapter_response]).toEqual(['CREATE 3', { _message: 'CREATE 3', code: 'CREATE', rows_affected: 3 }]);
  });

  // Recorded from `dbt build --threads 1`, `dbt run --fail-fast --threads 1` and `dbt run -s cerr uerr` on the
  // same files, 6 Dec 2026 (dbt-core 1.11.16, dbt-duckdb 1.11.1). dbt's relation names have the
  // database too, and its DuckDB error says LINE 5 of the statement it wrapped around the model.
  it('words failures and skips as dbt 1.11 does: the kind of error, the node and its file; skips without a message or timings', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/bad.sql': 'select 1 as a from nonexistent_tbl\n',
      'models/child.sql': "select * from {{ ref('bad') }}\n",
      'models/grandchild.sql': "{{ config(materialized='view') }} select * from {{ ref('child') }}\n",
      'models/good.sql': 'select 1 as x\n',
      'models/after_good.sql': "{{ config(materialized='table') }} select * from {{ ref('good') }}\n",
      'models/cerr.sql': "{% if execute %}{{ exceptions.raise_compiler_error('boom here') }}{% endif %}\nselect 1 as a\n",
      'models/uerr.sql': "{% if execute %}{% set x = run_query('select * from nope_tbl') %}{% endif %}\nselect 1 as a\n",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: good\n    columns:\n      - name: x\n        data_tests:\n          - accepted_values:\n              arguments: {values: [2]}\n',
      'tests/bad_test.sql': 'select * from nonexistent2\n',
      'models/tabel.sql': "{{ config(materialized='tabel') }} select 1\n",
    });
    const results = () => JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Entry[] };
    const r = await sm('build', '--project-dir', dir, '--exclude', 'cerr', 'uerr', 'tabel');
    expect(r.code).toBe(1);
    let rr = results();
    const by = (id: string) => rr.results.find((x) => x.unique_id === id)!;
    const bad = by('model.demo.bad');
    expect(bad.message).toMatch(/^Runtime Error in model bad \(models\/bad\.sql\)\n  Catalog Error: Table with name nonexistent_tbl does not exist!\n  Did you mean "[a-z_]+"\?\n  \n  LINE \d+: /);
    expect(bad).toMatchObject({ compiled: true, relation_name: '"dev"."main"."bad"' });
    expect(bad.timing.map((t: Entry) => t.name)).toEqual(['compile', 'execute']);
    // Times with dbt's six digits of fraction.
    for (const t of bad.timing) expect([t.started_at, t.completed_at]).toEqual([expect.stringMatching(/T\d\d:\d\d:\d\d\.\d{6}Z$/), expect.stringMatching(/\.\d{6}Z$/)]);
    expect((rr as unknown as { metadata: Entry }).metadata.generated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')).metadata.generated_at).toMatch(/\.\d{6}Z$/);
    expect(by('test.demo.bad_test').message).toMatch(/^Runtime Error in test bad_test \(tests\/bad_test\.sql\)\n  Catalog Error: Table with name nonexistent2 does not exist!\n/);
    // Skipped for a failed model (child, grandchild) or a failed test (after_good): no message, no timings, the relation named.
    for (const name of ['child', 'grandchild', 'after_good'])
      expect(by(`model.demo.${name}`)).toEqual({
        status: 'skipped', timing: [], thread_id: 'Thread-1 (worker)', execution_time: 0, adapter_response: {}, message: null, failures: null,
        unique_id: `model.demo.${name}`, compiled: false, compiled_code: null, relation_name: `"dev"."main"."${name}"`, batch_results: null,
      });
    // The console still says why.
    expect(r.out).toContain('3 skipped: child, after_good, grandchild');

    expect((await sm('run', '--project-dir', dir, '--fail-fast', '--exclude', 'cerr', 'uerr', 'tabel')).code).toBe(1);
    rr = results();
    const skipped = rr.results.filter((x) => x.status === 'skipped');
    expect(skipped.map((x) => x.unique_id).sort()).toEqual(['model.demo.after_good', 'model.demo.child', 'model.demo.good', 'model.demo.grandchild']);
    for (const x of skipped) expect(x).toMatchObject({ timing: [], thread_id: 'MainThread', message: 'Skipping due to fail_fast', relation_name: `"dev"."main"."${x.unique_id.split('.')[2]}"` });

    // A template that fails at execution fails dbt's compile step: one timing, nothing compiled.
    expect((await sm('run', '--project-dir', dir, '-s', 'cerr', 'uerr')).code).toBe(1);
    rr = results();
    expect(by('model.demo.cerr')).toMatchObject({ status: 'error', message: 'Compilation Error in model cerr (models/cerr.sql)\n  boom here', compiled: false, compiled_code: null, relation_name: '"dev"."main"."cerr"' });
    expect(by('model.demo.cerr').timing.map((t: Entry) => t.name)).toEqual(['compile']);
    // A statement the template ran that the warehouse refused: dbt-duckdb's runtime error, with the warehouse's words.
    expect(by('model.demo.uerr')).toMatchObject({ status: 'error', compiled: false, compiled_code: null });
    expect(by('model.demo.uerr').message).toMatch(/^Runtime Error in model uerr \(models\/uerr\.sql\)\n  Catalog Error: Table with name nope_tbl does not exist!\n/);
    // A materialization no macro defines: dbt's compiler error, after compiling (dbt: "No materialization 'tabel' was found for adapter duckdb!").
    expect((await sm('run', '--project-dir', dir, '-s', 'tabel')).code).toBe(1);
    rr = results();
    expect(by('model.demo.tabel')).toMatchObject({ status: 'error', compiled: true, message: expect.stringMatching(/^Compilation Error in model tabel \(models\/tabel\.sql\)\n  \S.*"tabel"/) });
  });

  // Recorded from `dbt build --fail-fast --threads 1` on the same files, 7 Dec 2026 (dbt-core 1.11.16, dbt-duckdb 1.11.1):
  // dbt lists every selected node it has no result for as skipped, the ephemeral model too, though m inlined it before a failed.
  it('reports an ephemeral model skipped when --fail-fast stops the run, as dbt does', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'seeds/s.csv': 'id\n1\n',
      'models/e.sql': "{{ config(materialized='ephemeral') }}select * from {{ ref('s') }}",
      'models/m.sql': "select * from {{ ref('e') }}",
      'models/a.sql': "select * from {{ ref('m') }}, nowhere_at_all",
    });
    const { rr } = await failingRun(dir, 'build', '--fail-fast', '--threads', '1');
    expect(Object.fromEntries(rr.results.map((x) => [x.unique_id, x.status]))).toEqual({ 'seed.demo.s': 'success', 'model.demo.m': 'success', 'model.demo.a': 'error', 'model.demo.e': 'skipped' });
    expect(rr.results.at(-1)).toEqual({
      status: 'skipped', timing: [], thread_id: 'MainThread', execution_time: 0, adapter_response: {}, message: 'Skipping due to fail_fast', failures: null,
      unique_id: 'model.demo.e', compiled: false, compiled_code: null, relation_name: null, batch_results: null,
    });
  });

  // Recorded from `dbt run -s a2 c2` on the same files, 7 Dec 2026 (dbt-core 1.11.16): c2 descends from a2 through b2, which is
  // not selected; dbt's graph of the selection keeps that edge, so c2 waits for a2 and is skipped when it fails ("SKIP relation main.c2").
  it('skips a selected node whose selected ancestor failed, through nodes left out of the selection', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a2.sql': 'select * from nowhere_at_all',
      'models/b2.sql': "select * from {{ ref('a2') }}",
      'models/c2.sql': "select * from {{ ref('b2') }}",
    });
    const { r, rr } = await failingRun(dir, 'run', '-s', 'a2', 'c2');
    expect(rr.results.map((x) => [x.unique_id, x.status, x.status === 'skipped' ? x.message : ''])).toEqual([
      ['model.demo.a2', 'error', ''],
      ['model.demo.c2', 'skipped', null],
    ]);
    expect(r.out).toContain('1 skipped: c2');
  });

  // Recorded from `dbt compile`, `dbt compile -s +u`, `dbt compile --inline` and `dbt docs generate --empty-catalog`
  // on the same files (relation names there have the database too, as above).
  it('compile and docs generate write a success for each node compiled, with its code, as dbt 1.11 does', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'seeds/s.csv': 'id\n1\n',
      'models/m.sql': "select * from {{ ref('s') }}\n",
      'models/e.sql': "{{ config(materialized='ephemeral') }}select 1 as e\n",
      'models/u.sql': "select * from {{ ref('e') }}\n",
      'analyses/an.sql': "select * from {{ ref('m') }}\n",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - unique\n          - not_null:\n              config: {store_failures: true}\n',
    });
    const results = () => JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Entry[]; args: Entry };
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    let rr = results();
    const by = (id: string) => rr.results.find((x) => x.unique_id === id)!;
    // No ephemeral model: dbt keeps its result only when --select chose it.
    expect(rr.results.map((x) => x.unique_id).sort()).toEqual(['analysis.demo.an', 'model.demo.m', 'model.demo.u', 'seed.demo.s', 'test.demo.not_null_m_id.41ed50364b', 'test.demo.unique_m_id.4dffd0a90e']);
    for (const x of rr.results) {
      expect(Object.keys(x), x.unique_id).toEqual(['status', 'timing', 'thread_id', 'execution_time', 'adapter_response', 'message', 'failures', 'unique_id', 'compiled', 'compiled_code', 'relation_name', 'batch_results']);
      expect(x, x.unique_id).toMatchObject({ status: 'success', adapter_response: {}, message: null, failures: null, batch_results: null });
    }
    expect(by('seed.demo.s')).toMatchObject({ compiled: null, compiled_code: null, relation_name: null });
    expect(by('model.demo.m')).toMatchObject({ compiled: true, compiled_code: 'select * from "dev"."main"."s"', relation_name: '"dev"."main"."m"' });
    expect(by('analysis.demo.an')).toMatchObject({ compiled: true, compiled_code: 'select * from "dev"."main"."m"', relation_name: null });
    expect(by('test.demo.not_null_m_id.41ed50364b')).toMatchObject({ compiled: true, relation_name: '"dev"."main_dbt_test__audit"."not_null_m_id"' });
    expect(by('test.demo.unique_m_id.4dffd0a90e')).toMatchObject({ compiled: true, relation_name: null });
    expect(rr.args).toMatchObject({ which: 'compile', select: [], exclude: [], empty: false, output: 'text' });
    expect((await sm('compile', '--project-dir', dir, '-s', '+u')).code).toBe(0);
    rr = results();
    expect(rr.results.map((x) => [x.unique_id, x.relation_name])).toEqual([['model.demo.e', null], ['model.demo.u', '"dev"."main"."u"']]);
    expect(by('model.demo.e').compiled_code).toBe('select 1 as e');
    // dbt's compile times an ephemeral model's compile step only (recorded 7 Dec 2026 with `dbt compile -s eph`).
    expect(rr.results.map((x) => x.timing.map((t: Entry) => t.name))).toEqual([['compile'], ['compile', 'execute']]);
    expect(rr.args.select).toEqual(['+u']);
    expect((await sm('compile', '--project-dir', dir, '--inline', "select * from {{ ref('m') }}")).code).toBe(0);
    rr = results();
    expect(rr.results).toMatchObject([{ status: 'success', unique_id: 'sql_operation.demo.inline_query', compiled: true, compiled_code: 'select * from "dev"."main"."m"', relation_name: null }]);
    expect(rr.args).toMatchObject({ which: 'compile', inline: "select * from {{ ref('m') }}" });
    expect((await sm('docs', 'generate', '--project-dir', dir, '--empty-catalog')).code).toBe(0);
    rr = results();
    expect(rr.results.map((x) => x.unique_id).sort()).toEqual(['analysis.demo.an', 'model.demo.m', 'model.demo.u', 'seed.demo.s', 'test.demo.not_null_m_id.41ed50364b', 'test.demo.unique_m_id.4dffd0a90e']);
    expect(rr.args).toMatchObject({ which: 'generate', compile: true, static: false, empty_catalog: true });
    // The site's last results are a run's: a compile's successes are not shown as if the nodes ran.
    const docs = JSON.parse(readFileSync(join(dir, 'target', 'docs', 'docs.json'), 'utf8')) as { nodes: Entry[] };
    expect(docs.nodes.find((n) => n.id === 'model.demo.m')!.lastResult).toBeNull();
  });

  it('a warm compile writes the same results as the compile before it, at its own time; a changed model or selection is written afresh', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/m.sql': 'select 1 as id\n',
      'models/n.sql': "select * from {{ ref('m') }}\n",
    });
    const results = () => JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { metadata: Entry; results: Entry[] };
    const untimed = (r: { results: Entry[] }) => r.results.map(({ timing: _t, ...rest }) => rest);
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    const cold = results();
    await new Promise((r) => setTimeout(r, 5));
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    const warm = results();
    expect(untimed(warm)).toEqual(untimed(cold));
    expect(warm.metadata.invocation_id).not.toBe(cold.metadata.invocation_id);
    const times = (r: { results: Entry[] }) => new Set(r.results.flatMap((x) => (x.timing as Entry[]).flatMap((t) => [t.started_at, t.completed_at])));
    expect([...times(warm)]).toHaveLength(1);
    expect([...times(warm)][0]).not.toBe([...times(cold)][0]);
    expect((await sm('compile', '--project-dir', dir, '-s', 'n')).code).toBe(0);
    expect(results().results.map((x) => x.unique_id)).toEqual(['model.demo.n']);
    writeFileSync(join(dir, 'models', 'm.sql'), 'select 2 as id\n');
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    expect(results().results.find((x) => x.unique_id === 'model.demo.m')!.compiled_code).toBe('select 2 as id');
  });

  it("leaves in manifest.json the SQL each model ran, as dbt's after a run: an incremental model's incremental SQL, a template rendered with the connection", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/inc.sql': "{{ config(materialized='incremental', unique_key='id') }}\nselect 1 as id\n{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}\n",
      'models/asks.sql': "{% set q %}select 42 as answer{% endset %}\n{% if execute %}{% set a = run_query(q).columns[0].values()[0] %}{% else %}{% set a = 0 %}{% endif %}\nselect {{ a }} as answer\n",
      'models/plain.sql': "select 'x' as v -- a },\"compiled_code\":\"x\n",
    });
    const manifestCode = (id: string) => (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as Entry).nodes[id].compiled_code as string;
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    // First run: the table is created from the full SQL; the template asked the warehouse. The texts are
    // dbt-core 1.11.16's (dbt run twice, then dbt compile, 8 Dec 2026), with the newlines the first lines leave.
    expect(manifestCode('model.demo.inc')).toBe('\nselect 1 as id\n');
    expect(manifestCode('model.demo.asks')).toBe('\n\nselect 42 as answer');
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const ran = '\nselect 1 as id\nwhere id > (select max(id) from "dev"."main"."inc")';
    expect(manifestCode('model.demo.inc')).toBe(ran);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/inc.sql'), 'utf8')).toBe(ran);
    expect(manifestCode('model.demo.plain')).toBe('select \'x\' as v -- a },"compiled_code":"x');
    // sm compile then asks the warehouse as dbt's compile does (compile-introspect.test.ts): the table exists, the query runs.
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    expect(manifestCode('model.demo.inc')).toBe(ran);
    expect(manifestCode('model.demo.asks')).toBe('\n\nselect 42 as answer');
    // --no-introspect refuses the template that queries (exit 2), as dbt's.
    expect((await sm('compile', '--project-dir', dir, '--no-introspect')).code).toBe(2);
  });

  // dbt-core 1.11.16 on these files (6 Dec 2026), `dbt run`, exit 1: the hook rendering to nothing
  // passed with compiled_code '' and failures 0; the failing one failures 1; the one skipped after
  // it failures 1, nothing compiled.
  it("gives on-run-end hooks dbt's failures and compiled code: 0 when passed, 1 when failed or skipped, what an empty one rendered", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\non-run-end:\n  - \"{% if execute %}{% endif %}\"\n  - \"select * from nope\"\n  - \"select 1\"\n",
      'models/a.sql': 'select 1 as id\n',
    });
    expect((await sm('run', '--project-dir', dir)).code).toBe(1);
    const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Entry[] };
    const hooks = rr.results.filter((r) => String(r.unique_id).startsWith('operation.'));
    expect(hooks.map((r) => [r.unique_id, r.status, r.failures, r.compiled, r.compiled_code])).toEqual([
      ['operation.demo.demo-on-run-end-0', 'success', 0, true, ''],
      ['operation.demo.demo-on-run-end-1', 'error', 1, true, 'select * from nope'],
      ['operation.demo.demo-on-run-end-2', 'skipped', 1, false, null],
    ]);
  });
  // dbt-core 1.11.16 on these files (7 Dec 2026), `dbt deps` then `dbt run`, exit 1: a package's
  // failing model is named relative to its package, "Runtime Error in model bad (models/bad.sql)",
  // and so is one whose template fails, "Compilation Error in model bad_compile (models/bad_compile.sql)"
  // (fivetran/dbt_shopify's integration tests, a local package: sm wrote dbt_packages/shopify/models/...).
  it("names a package's failing node by its path in the package, as dbt's message does", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'packages.yml': 'packages:\n  - local: pkg\n',
      'pkg/dbt_project.yml': "name: helper\nversion: '1.0'\n",
      'pkg/models/bad.sql': 'select no_such_col from (select 1 as a)\n',
      'pkg/models/bad_compile.sql': 'select {{ undefined_macro_x() }} as a\n',
      'models/ok.sql': 'select 1 as a\n',
    });
    expect((await sm('deps', '--project-dir', dir)).code).toBe(0);
    const { rr } = await failingRun(dir, 'run');
    const first = (id: string) => String(rr.results.find((r) => r.unique_id === id)?.message).split('\n')[0];
    expect(first('model.helper.bad')).toBe('Runtime Error in model bad (models/bad.sql)');
    expect(first('model.helper.bad_compile')).toBe('Compilation Error in model bad_compile (models/bad_compile.sql)');
  });

  // Recorded from `dbt build --threads 1` then `dbt build --fail-fast --threads 1` on the same files, 7 Dec 2026
  // (dbt-core 1.11.16, dbt-duckdb 1.11.1). dbt names a skipped store_failures test's audit table; a skipped
  // unit test has `compiled` null; under --fail-fast dbt lists no unit test of a model it did not reach
  // (its build runs them in the model's turn). dbt's relation names have the database ("dev"."main"."t").
  it("names a skipped store_failures test's audit table and lists unit tests as dbt's build does", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/bad.sql': 'select 1 as id from nonexistent_tbl\n',
      'models/t.sql': "select * from {{ ref('bad') }}\n",
      'models/schema.yml': `models:
  - name: t
    columns:
      - name: id
        data_tests:
          - not_null:
              config: {store_failures: true}
unit_tests:
  - name: ut_t
    model: t
    given:
      - input: ref('bad')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1}]
`,
    });
    const row = (x: Entry) => [x.unique_id, x.status, x.message, x.relation_name, x.compiled, x.thread_id];
    let { rr } = await failingRun(dir, 'build');
    expect(rr.results.slice(1).map(row)).toEqual([
      ['unit_test.demo.t.ut_t', 'skipped', null, null, null, 'Thread-1 (worker)'],
      ['model.demo.t', 'skipped', null, '"dev"."main"."t"', false, 'Thread-1 (worker)'],
      ['test.demo.not_null_t_id.a3af787eb8', 'skipped', null, '"dev"."main_dbt_test__audit"."not_null_t_id"', false, 'Thread-1 (worker)'],
    ]);
    ({ rr } = await failingRun(dir, 'build', '--fail-fast'));
    expect(rr.results.map((x) => x.unique_id).sort()).toEqual(['model.demo.bad', 'model.demo.t', 'test.demo.not_null_t_id.a3af787eb8']);
    expect(rr.results.find((x) => x.unique_id.startsWith('test.'))!.relation_name).toBe('"dev"."main_dbt_test__audit"."not_null_t_id"');
  });

  // Recorded from `dbt test -s t` (dbt-core 1.11.16, dbt-duckdb 1.11.1), 7 Dec 2026: a unit test whose actual rows
  // differ from the expected in two rows is `fail` with failures 1 (dbt counts the unit test, console `FAIL 1`).
  // Where sm differs: the message is sm's table of the rows, where dbt's is daff's coloured diff.
  it('counts a failed unit test as one failure, as dbt does', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/v.sql': 'select 1 as id\n',
      'models/t.sql': "select * from {{ ref('v') }}\n",
      'models/ut.yml': `unit_tests:
  - name: ut_fail
    model: t
    given:
      - input: ref('v')
        rows: [{id: 1}, {id: 2}]
    expect:
      rows: [{id: 1}, {id: 3}]
`,
    });
    const { rr } = await failingRun(dir, 'test');
    expect(rr.results.map((x) => [x.unique_id, x.status, x.failures])).toEqual([['unit_test.demo.t.ut_fail', 'fail', 1]]);
  });
});
