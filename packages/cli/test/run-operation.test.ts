import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * `sm run-operation` against what `dbt run-operation` (dbt-core 1.11.16, dbt-duckdb 1.11.1) did
 * with the same macros: the lines the macro logs, the exit code, the tables it leaves and the
 * run_results.json entry. dbt prints every line on stdout behind a timestamp; sm prints what the
 * macro says on stdout and errors on stderr, and leaves out dbt's "Compilation Error in macro"
 * framing of the message.
 */
const MACROS = `
{% macro hello(name, greeting='hello') %}
{% do log(greeting ~ ' ' ~ name, info=True) %}
{% do log('only in the debug log') %}
{% endmacro %}
{% macro count_rows() %}
{% set r = run_query('select 42 as n') %}
{% if execute %}{% do log('n=' ~ r.columns[0].values()[0], info=True) %}{% endif %}
{% endmacro %}
{% macro write(name) %}
{% do run_query('create table main.' ~ name ~ ' as select 1 as x') %}
{% do log('wrote ' ~ name, info=True) %}
{% endmacro %}
{% macro fails() %}
{{ exceptions.raise_compiler_error('boom') }}
{% endmacro %}
{% macro bad_sql() %}
{% do run_query('select * from nope') %}
{% endmacro %}
{% macro ren() %}
{% set t = run_query('select 1 as "A", 2 as b') %}
{% set r = t.rename({'A': 'a'}) %}
{% do log('dict: ' ~ r.column_names ~ ' ' ~ r.rows[0]['a'] ~ ' ' ~ r.columns['a'].values() ~ ' orig ' ~ t.column_names, info=True) %}
{% set r2 = t.rename(['x', 'y']) %}
{% do log('list: ' ~ r2.column_names ~ ' ' ~ r2.rows[0]['y'] ~ ' ' ~ (r2.rows[0].items() | list), info=True) %}
{% set r3 = t.rename(column_names={'b': 'bee'}) %}
{% do log('kw: ' ~ r3.column_names ~ ' ' ~ (r3 | length), info=True) %}
{% endmacro %}
{% macro colit() %}
{% set c = run_query("select * from (values ('h1', 1), ('h2', 2)) t(h, n) order by n").columns['h'] %}
{% do log('in: ' ~ ('h1' in c) ~ ' ' ~ ('zz' in c) ~ ' list: ' ~ (c | list) ~ ' first: ' ~ c[0] ~ ' last: ' ~ c[-1] ~ ' len: ' ~ (c | length) ~ ' join: ' ~ (c | join(',')), info=True) %}
{% for v in c %}{% do log('it ' ~ v, info=True) %}{% endfor %}
{% endmacro %}
{% macro temprel() %}
{% set base = api.Relation.create(schema='main', identifier='t') %}
{% set tmp = make_temp_relation(base) %}
{% do run_query('create temporary table ' ~ tmp ~ " as select 1 as id, 'x' as name") %}
{% set cols = adapter.get_columns_in_relation(tmp) %}
{% set i = make_intermediate_relation(base) %}
{% do log('temp: ' ~ (tmp | string)[:11] ~ ' ' ~ (tmp.identifier | length) ~ ' ' ~ (cols | map(attribute='name') | list) ~ ' ' ~ (cols | map(attribute='dtype') | list) ~ ' intermediate: ' ~ i.schema ~ '.' ~ i.identifier, info=True) %}
{% endmacro %}
{% macro grouped() %}
{% set t = run_query("select * from (values ('a', 1), ('b', 2), ('a', 3), (null, 4)) v(k, h) order by h") %}
{% set gs = t.group_by('k') %}
{% for k, sub in gs.items() %}{% do log(k ~ ': ' ~ (sub.columns['h'] | list) ~ ' ' ~ (sub | length) ~ ' ' ~ (sub.column_names | list), info=True) %}{% endfor %}
{% do log((gs.keys() | list) ~ ' ' ~ (gs | length) ~ ' ' ~ gs['b'].rows[0]['h'] ~ ' ' ~ t.group_by('k', key_name='kk').key_name, info=True) %}
{% for sub in gs %}{% do log('rows ' ~ (sub.rows | length), info=True) %}{% endfor %}
{% endmacro %}
{% macro prints() %}
{{ print('printed line') }}
select 1
{% endmacro %}
`;

function project(): string {
  return writeProject({
    'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\non-run-start:\n  - \"create table if not exists main.started as select 1 as x\"\n",
    'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/op.duckdb\n      schema: main\n      threads: 1\n',
    'macros/ops.sql': MACROS,
  });
}

const op = (dir: string, ...argv: string[]) => sm('run-operation', ...argv, '--project-dir', dir);

describe('sm run-operation, as dbt run-operation', () => {
  it('calls the macro with --args, shows what it logs with info=True or prints, and exits 0', async () => {
    const dir = project();
    expect(await op(dir, 'hello', '--args', '{name: world}')).toEqual({ code: 0, out: 'hello world', err: '' });
    expect(await op(dir, 'hello', '--args', '{name: x, greeting: hi}')).toEqual({ code: 0, out: 'hi x', err: '' });
    // No --args: the macro's own defaults (dbt: "hello " and exit 0 for a missing argument).
    expect(await op(dir, 'hello')).toEqual({ code: 0, out: 'hello ', err: '' });
    expect(await op(dir, 'demo.hello', '--args', '{name: ns}')).toEqual({ code: 0, out: 'hello ns', err: '' });
    expect(await op(dir, 'prints')).toEqual({ code: 0, out: 'printed line', err: '' });
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: Record<string, unknown>[]; args: Record<string, unknown> };
    expect(rr.results).toHaveLength(1);
    expect(rr.results[0]).toMatchObject({ unique_id: 'macro.demo.prints', status: 'success', message: null, failures: 0, thread_id: 'MainThread', compiled: false, compiled_code: null, adapter_response: {} });
    // The project's on-run-start hook did not run (dbt's run-operation runs none).
    const started = await sm('show', '--project-dir', dir, '--inline', "select count(*) as n from information_schema.tables where table_name = 'started'");
    expect(started.code, started.err).toBe(0);
    expect(started.out).toMatch(/\|\s*0\s*\|/);
    expect(rr.args).toMatchObject({ which: 'run-operation', macro: 'prints' });
  });

  it('runs its statements on the target with execute true (run_query answers, writes stay), and no project hook', async () => {
    const dir = project();
    expect(await op(dir, 'count_rows')).toEqual({ code: 0, out: 'n=42', err: '' });
    expect(await op(dir, 'write', '--args', '{name: op_t}')).toEqual({ code: 0, out: 'wrote op_t', err: '' });
    const tables = await sm('show', '--inline', "select string_agg(table_name, ',' order by table_name) as t from information_schema.tables", '--project-dir', dir);
    expect(tables.out).toContain('| op_t |');
  });

  it("renames a run_query table's columns as agate's rename does (elementary lower-cases every result's names)", async () => {
    // dbt 1.11.16 logged these three lines for the same macro.
    expect(await op(project(), 'ren')).toEqual({
      code: 0,
      out: "dict: ('a', 'b') 1 (1,) orig ('A', 'b')\nlist: ('x', 'y') 2 [('x', 1), ('y', 2)]\nkw: ('A', 'bee') 1",
      err: '',
    });
  });

  it("iterates a run_query column as agate's Column, a sequence of its values (elementary tests `hash in columns['metadata_hash']`)", async () => {
    // dbt 1.11.16 logged these three lines for the same macro.
    expect(await op(project(), 'colit')).toEqual({ code: 0, out: "in: True False list: ['h1', 'h2'] first: h1 last: h2 len: 2 join: h1,h2\nit h1\nit h2", err: '' });
  });

  it("groups a run_query table as agate's group_by does, a TableSet by value in first-seen order (elementary's artifact upload)", async () => {
    // dbt 1.11.16 logged these lines for the same macro.
    expect(await op(project(), 'grouped')).toEqual({ code: 0, out: "a: [1, 3] 2 ['k', 'h']\nb: [2] 1 ['k', 'h']\nNone: [4] 1 ['k', 'h']\n['a', 'b', None] 3 2 kk\nrows 2\nrows 1\nrows 1", err: '' });
  });

  it("makes a temporary relation as dbt-duckdb does (no schema, the time in its name) and reads its columns (elementary's temp tables)", async () => {
    // dbt 1.11.16 with dbt-duckdb 1.11.1 logged this line for the same macro.
    expect(await op(project(), 'temprel')).toEqual({ code: 0, out: `temp: "t__dbt_tmp 30 ['id', 'name'] ['INTEGER', 'VARCHAR'] intermediate: main.t__dbt_tmp`, err: '' });
  });

  it("gives the runtime config's vars as dbt's VarProvider: the project file's vars as written, through to_dict()", async () => {
    // dbt 1.11.16 logged this line for the same project (elementary records these vars per invocation).
    const dir = writeProject({
      'dbt_project.yml': "name: agt\nversion: '1.0'\nprofile: demo\nvars:\n  a: \"{{ env_var('X', 'y') }}\"\n  n: 3\n  agt:\n    scoped: 1\n",
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/op.duckdb\n      schema: main\n',
      'macros/m.sql': "{% macro cvars() %}{% set c = builtins.ref.config %}{% do log('vars: ' ~ (c.vars.to_dict() | tojson) ~ ' ' ~ (c.vars is mapping) ~ ' ' ~ (not not c.vars), info=True) %}{% endmacro %}",
    });
    expect(await op(dir, 'cvars')).toEqual({ code: 0, out: 'vars: {"a": "{{ env_var(\\u0027X\\u0027, \\u0027y\\u0027) }}", "agt": {"scoped": 1}, "n": 3} False True', err: '' });
  });

  it('exits 1 when the macro raises or a statement fails, and says why', async () => {
    const dir = project();
    const raised = await op(dir, 'fails');
    expect(raised.code).toBe(1);
    expect(raised.err).toBe('Encountered an error while running operation: boom');
    const failed = await op(dir, 'bad_sql');
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/^Encountered an error while running operation: Catalog Error: Table with name nope does not exist!/);
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: Record<string, unknown>[] };
    expect(rr.results[0]).toMatchObject({ unique_id: 'macro.demo.bad_sql', status: 'error', message: null, failures: 1 });
    const kw = await op(dir, 'hello', '--args', '{nme: x}');
    expect(kw.code).toBe(1);
    expect(kw.err).toContain("takes no keyword argument 'nme'");
  });

  it('exits 2 for a macro that does not exist or --args that is not a YAML mapping, running nothing', async () => {
    const dir = project();
    const missing = await op(dir, 'nosuch');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('No macro named "nosuch" in any package');
    for (const args of ['[1,2]', '{name:']) {
      const bad = await op(dir, 'hello', '--args', args);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('--args');
    }
    expect(existsSync(join(dir, 'target/run_results.json'))).toBe(false);
  });

  // dbt 1.11.16 (recorded 7 Dec 2026): `dbt run-operation generate_source --args ...` runs dbt-codegen's
  // macro unqualified; with packages aaa and zzz each defining hello(who) and helper(), and the root
  // project its own helper(), `dbt run-operation hello --args '{who: me}'` printed "hello me from aaa
  // aaa-helper" (exit 0), `only_zzz` ran zzz's, `nothere` exited 2 ("could not find a macro with the
  // name 'nothere' in any package"). sm looked only in the root project and dbt's own macros (exit 2).
  it("runs an installed package's macro named without its package, as dbt looks in every package", async () => {
    const pkgMacros = (p: string) =>
      `{% macro hello(who='x') %}{{ print('hello ' ~ who ~ ' from ${p} ' ~ helper()) }}{% endmacro %}\n{% macro helper() %}${p}-helper{% endmacro %}\n{% macro only_${p}() %}{{ print('only ${p}') }}{% endmacro %}\n`;
    const dir = writeProject({
      'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\n",
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: op.duckdb\n      schema: main\n      threads: 1\n',
      'macros/r.sql': '{% macro helper() %}root-helper{% endmacro %}\n{% macro root_only() %}{{ print(helper()) }}{% endmacro %}\n',
      'packages.yml': 'packages:\n  - local: dbt_packages/aaa\n',
      'dbt_packages/aaa/dbt_project.yml': "name: aaa\nversion: '1.0'\n",
      'dbt_packages/aaa/macros/m.sql': pkgMacros('aaa'),
    });
    expect(await op(dir, 'hello', '--args', '{who: me}')).toEqual({ code: 0, out: 'hello me from aaa aaa-helper', err: '' });
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: Record<string, unknown>[] };
    expect(rr.results[0]).toMatchObject({ unique_id: 'macro.aaa.hello', status: 'success' });
    expect(await op(dir, 'only_aaa')).toEqual({ code: 0, out: 'only aaa', err: '' });
    // The root project's macro comes before a package's of the same name.
    expect(await op(dir, 'helper')).toEqual({ code: 0, out: '', err: '' });
    expect(await op(dir, 'root_only')).toEqual({ code: 0, out: 'root-helper', err: '' });
    expect((await op(dir, 'nothere')).code).toBe(2);
  });

  // dbt 1.11.16 (recorded 7 Dec 2026) stops the macro at a ref()/source() of nothing, exit 1, what it printed
  // before shown and nothing after: "before" then "Macro 'macro.proj.bad_ref' (macros/bad.sql) depends on a
  // node named 'nope' which was not found" (`... named 'nope' in package or project 'aaa' ...`, `... named
  // 'off' which is disabled`, `... a source named 's.t' which was not found`). sm rendered the whole macro
  // (dbt-codegen's generate_base_model printed its model) and then failed naming a "Model".
  it('stops the macro at a ref() or source() that names nothing, as dbt does', async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\n",
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: op.duckdb\n      schema: main\n      threads: 1\n',
      'models/off.sql': '{{ config(enabled=false) }} select 1 as x',
      'macros/bad.sql': [
        "{% macro bad_ref() %}{{ print('before') }}{% set r = ref('nope') %}{{ print('after') }}{% endmacro %}",
        "{% macro bad_pkg_ref() %}{% set r = ref('aaa', 'nope') %}{% endmacro %}",
        "{% macro off_ref() %}{% set r = ref('off') %}{{ print('after') }}{% endmacro %}",
        "{% macro bad_source() %}{{ print('before') }}{% set r = source('s', 't') %}{{ print('after') }}{% endmacro %}",
      ].join('\n'),
    });
    const expected: [string, string, string][] = [
      ['bad_ref', 'before', "depends on a node named 'nope' which was not found"],
      ['bad_pkg_ref', '', "depends on a node named 'nope' in package or project 'aaa' which was not found"],
      ['off_ref', '', "depends on a node named 'off' which is disabled"],
      ['bad_source', 'before', "depends on a source named 's.t' which was not found"],
    ];
    for (const [macro, out, err] of expected) {
      const r = await op(dir, macro);
      expect(r.code, r.err).toBe(1);
      expect(r.out).toBe(out);
      expect(r.err).toContain(`Macro 'macro.demo.${macro}' (macros/bad.sql) ${err}`);
    }
  });

  // dbt 1.11.16 (recorded 7 Dec 2026) printed "attr=a view 3 missing=False keys=['table_name', 'table_type', 'n']"
  // then "rel=\"d\".\"s\".\"a\" ['a'] []": Jinja's getattr falls back to items, so an agate row's
  // `row.table_name` is that column. sm gave empty attributes, and dbt-codegen's generate_source (through
  // dbt_utils.get_relations_by_pattern) printed tables with no names.
  it("reads an agate row's columns as attributes, as Jinja's getattr falls back to items", async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\n",
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: op.duckdb\n      schema: main\n      threads: 1\n',
      'macros/t.sql': `{% macro rowattr() %}
{%- call statement('get_tables', fetch_result=True) %}
select 'a' as {{ adapter.quote('table_name') }}, 'view' as table_type, 3 as n
{%- endcall -%}
{%- set t = load_result('get_tables') -%}
{% for row in t['table'] %}{{ print('attr=' ~ row.table_name ~ ' ' ~ row.table_type ~ ' ' ~ row.n ~ ' missing=' ~ (row.nope is defined) ~ ' keys=' ~ (row.keys() | list)) }}
{% set r = api.Relation.create(database='d', schema='s', identifier=row.table_name, type=row.table_type) %}{{ print('rel=' ~ r ~ ' ' ~ ([r] | map(attribute='identifier') | list) ~ ' ' ~ (t.rows | map(attribute='n') | list)) }}{% endfor %}
{% endmacro %}`,
    });
    expect(await op(dir, 'rowattr')).toEqual({ code: 0, out: `attr=a view 3 missing=False keys=['table_name', 'table_type', 'n']\nrel="d"."s"."a" ['a'] []`, err: '' });
  });

  // dbt 1.11.16 (recorded 7 Dec 2026, a root project with a local package util): `dbt run-operation
  // hello` ran util's macro ("hello from util world", unique_id macro.util.hello); `shared`, defined
  // in both, ran the root project's (macro.demo.shared); `util.shared` ran util's. sm refused an
  // unqualified package macro (SM_MACRO_NOT_FOUND, exit 2), which is how dbt_project_evaluator's
  // print_dbt_project_evaluator_issues and codegen's generate_model_yaml are usually run.
  it("finds an unqualified macro in an installed package, the root project's first", async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\n",
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/op.duckdb\n      schema: main\n      threads: 1\n',
      'macros/m.sql': "{% macro shared() %}{% do print('root shared') %}{% endmacro %}",
      'dbt_packages/util/dbt_project.yml': "name: util\nversion: '1.0'\n",
      'dbt_packages/util/macros/m.sql': "{% macro hello(who='world') %}{% do print('hello from util ' ~ who ~ ' ' ~ inner()) %}{% endmacro %}{% macro inner() %}inner{% endmacro %}{% macro shared() %}{% do print('util shared') %}{% endmacro %}",
    });
    const ids = () => (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string }[] }).results.map((r) => r.unique_id);
    expect(await op(dir, 'hello')).toEqual({ code: 0, out: 'hello from util world inner', err: '' });
    expect(ids()).toEqual(['macro.util.hello']);
    expect(await op(dir, 'shared')).toEqual({ code: 0, out: 'root shared', err: '' });
    expect(ids()).toEqual(['macro.demo.shared']);
    expect(await op(dir, 'util.shared')).toEqual({ code: 0, out: 'util shared', err: '' });
    expect(ids()).toEqual(['macro.util.shared']);
  });

  // dbt 1.11.16 (recorded 7 Dec 2026) wrote target/run_results.json in a project with no target
  // folder yet; sm failed writing it (SM_FS_ENOENT, exit 2) after the macro had run.
  it('writes run_results.json where there is no target folder yet', async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\n",
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: op.duckdb\n      schema: main\n      threads: 1\n',
      'macros/ops.sql': MACROS,
    });
    expect(await op(dir, 'count_rows')).toEqual({ code: 0, out: 'n=42', err: '' });
    expect(existsSync(join(dir, 'target', 'run_results.json'))).toBe(true);
  });
});
