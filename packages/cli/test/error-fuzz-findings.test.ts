import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * What bench/src/error-fuzz.ts found sm answering differently from dbt 1.11.16 (dbt-duckdb
 * 1.11.1) on one damaged project, each with dbt's recorded answer.
 */
const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';
const PROJECT = "name: demo\nversion: '1.0'\nconfig-version: 2\nprofile: demo\n";

/** A project of these files (a dbt_project.yml and profiles.yml unless given) and what `sm <command>` answered on it. */
async function smOn(files: Record<string, string>, command = 'parse') {
  const dir = writeProject({ 'dbt_project.yml': PROJECT, 'profiles.yml': PROFILE, ...files });
  return { dir, ...(await sm(command, '--project-dir', dir, '--profiles-dir', dir)) };
}

describe('two resources built as one relation', () => {
  // dbt parse, exit 2: "dbt found two resources with the database representation
  // ""warehouse"."main"."raw_orders"". dbt cannot create two resources with identical database
  // representations. To fix this, change the configuration of one of these resources:
  // - model.efuzz.raw_orders (models/marts/raw_orders.sql) - seed.efuzz.raw_orders (seeds/raw_orders.csv)".
  // sm built the model over the seed's table, then failed the seed (exit 1).
  it('a model named as a seed is a project error naming both, and nothing is built', async () => {
    const { dir, ...r } = await smOn({ 'seeds/orders.csv': 'id\n1\n', 'models/orders.sql': 'select 2 as id\n' }, 'build');
    expect(r.code).toBe(2);
    expect(r.err).toContain('Two resources would be built as the one relation "demo"."main"."orders": model.demo.orders (models/orders.sql) and seed.demo.orders (seeds/orders.csv)');
    expect(existsSync(join(dir, 'demo.duckdb'))).toBe(false);
  });

  // A test that stores its failures is a relation (dbt's is_relational): two tests of one column whose
  // names come out alike (accepted_values ['a@'] and ['a&']) pass `dbt build` side by side, but with
  // --store-failures, or store_failures: true in both configs, dbt 1.11.16 exits 2: "dbt found two resources
  // with the database representation ""demo"."main_dbt_test__audit"."accepted_values_t_x__a_"" ...
  // - test.demo.accepted_values_t_x__a_.0f136db682 (models/t.yml) - test.demo.accepted_values_t_x__a_.6d1ea264b0".
  // sm stored both tests' rows in the one table, the second replacing the first.
  it('two tests storing their failures in one relation are the same error, only when they store them', async () => {
    const yml = (config: string) =>
      `version: 2\nmodels:\n  - name: t\n    columns:\n      - name: x\n        data_tests:\n${["'a@'", "'a&'"].map((v) => `          - accepted_values:\n              arguments:\n                values: [${v}]\n${config}`).join('')}`;
    const files = { 'models/t.sql': "select 'a@' as x\n", 'models/t.yml': yml('') };
    expect((await smOn(files, 'parse')).code).toBe(0);
    const dir = writeProject({ 'dbt_project.yml': PROJECT, 'profiles.yml': PROFILE, ...files });
    const flagged = { dir, ...(await sm('build', '--store-failures', '--project-dir', dir, '--profiles-dir', dir)) };
    expect(flagged.code).toBe(2);
    expect(flagged.err).toMatch(/Two resources would be built as the one relation "demo"."main_dbt_test__audit"."accepted_values_t_x__a_": test\.demo\.accepted_values_t_x__a_\.\w+ \(models\/t\.yml\) and test\.demo\.accepted_values_t_x__a_\.\w+ \(models\/t\.yml\)/);
    expect(existsSync(join(flagged.dir, 'demo.duckdb'))).toBe(false);
    const configured = await smOn({ ...files, 'models/t.yml': yml('              config: {store_failures: true}\n') }, 'parse');
    expect(configured.code).toBe(2);
    expect(configured.err).toContain('Two resources would be built as the one relation "demo"."main_dbt_test__audit"."accepted_values_t_x__a_"');
  });

  // The same with a local package's model of the model's name: dbt parse exit 2, naming
  // model.efuzz.helper_model (models/marts/helper_model.sql) and model.helpers.helper_model (models/helper_model.sql).
  it('a model named as a package model, and an alias that lands on another model, are the same error', async () => {
    const dir = writeProject({
      'dbt_project.yml': PROJECT,
      'profiles.yml': PROFILE,
      'packages.yml': 'packages:\n  - local: pkg\n',
      'pkg/dbt_project.yml': "name: helpers\nversion: '1.0'\nconfig-version: 2\n",
      'pkg/models/shared.sql': 'select 1 as id\n',
      'models/shared.sql': 'select 2 as id\n',
      'models/a.sql': 'select 1 as id\n',
      'models/b.sql': "{{ config(alias='a') }}\nselect 2 as id\n",
    });
    expect((await sm('deps', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error SM_DUPLICATE_NODE at models/shared.sql: Two resources would be built as the one relation "demo"."main"."shared": model.helpers.shared (dbt_packages/helpers/models/shared.sql) and model.demo.shared (models/shared.sql)');
    expect(r.err).toContain('Two resources would be built as the one relation "demo"."main"."a": model.demo.a (models/a.sql) and model.demo.b (models/b.sql)');
  });
});

describe('the project file', () => {
  // dbt parse, exit 2: "at path []: Additional properties are not allowed ('modles' was unexpected)
  // Error encountered in .../dbt_project.yml". sm ignored the key (the folder configs under it with it).
  it('a key dbt_project.yml does not have is a project error naming the key, its line and the nearest key', async () => {
    const r = await smOn({ 'dbt_project.yml': `${PROJECT}modles:\n  demo:\n    +materialized: table\n`, 'models/a.sql': 'select 1 as id\n' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('error SM_PROJECT_INVALID at dbt_project.yml:5');
    expect(r.err).toContain('`modles` is not a key of the project file (dbt 1.11 refuses the project)');
    expect(r.err).toContain('Did you mean `models`?');
  });

  it("in sm's own sm_project.yml it is a warning", async () => {
    const dir = writeProject({ 'sm_project.yml': 'name: demo\nprofile: demo\nmodles: {}\n', 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id\n' });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out + r.err).toContain('warning SM_PROJECT_INVALID at sm_project.yml:3:1: `modles` is not a key of the project file');
  });

  // dbt parse, exit 2: "Internal Error: Got an unexpected project version=1, expected 2" (and =3); sm parsed.
  it.each([1, 3])('config-version: %i is a project error', async (v) => {
    const r = await smOn({ 'dbt_project.yml': PROJECT.replace('config-version: 2', `config-version: ${v}`), 'models/a.sql': 'select 1 as id\n' });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`dbt_project.yml:3`);
    expect(r.err).toContain(`\`config-version\` is the number ${v}; dbt 1.11 reads only config-version 2`);
  });
});

describe('sources', () => {
  // dbt parse, exit 2: "Invalid sources config given in models/staging/sources.yml @ sources: {'name': 'app',
  // 's(chema': 'main', ...} - at path []: Additional properties are not allowed ('s(chema' was unexpected)".
  // sm read past the key: the source's schema fell back to its name and its test failed at run (exit 1).
  it('a key a source does not have is a project error naming the file, line and key', async () => {
    const r = await smOn({ 'models/src.yml': 'version: 2\nsources:\n  - name: app\n    s(chema: main\n    tables:\n      - name: events\n' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('error SM_SCHEMA_YAML at models/src.yml:4:5: source "app": `s(chema:` is not a key of a source');
    expect(r.err).toContain('Did you mean `schema`?');
  });

  // dbt parse and build, exit 0 (a source without tables has none). sm: 'Source "app" needs a list of `tables:`', exit 2.
  it('a source without tables parses, as in dbt', async () => {
    const r = await smOn({ 'models/a.sql': 'select 1 as id\n', 'models/src.yml': 'version: 2\nsources:\n  - name: app\n    schema: main\n' });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('tests: and data_tests: on one entry', () => {
  // dbt parse, exit 2: "Invalid models config given in models/marts/schema.yml @ models: {...} - at path []:
  // Invalid test config: cannot have both 'tests' and 'data_tests' defined" (a column's, and a source table's,
  // likewise). sm read data_tests and dropped the rest without a word.
  it('is a project error at the line of tests:, on a column and on a source table', async () => {
    const r = await smOn({
      'models/a.sql': 'select 1 as id\n',
      'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null]\n        tests: [unique]\nsources:\n  - name: app\n    tables:\n      - name: t\n        data_tests: [x]\n        tests: [y]\n',
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain('error SM_SCHEMA_YAML at models/s.yml:7:9: "id" has both `tests:` and `data_tests:`; dbt 1.11 refuses the file');
    expect(r.err).toContain('error SM_SCHEMA_YAML at models/s.yml:13:9: "t" has both `tests:` and `data_tests:`');
  });
});

describe('a column test on a column the model does not select', () => {
  // dbt 1.11.16: parse, ls and compile exit 0; build exits 1 with the test's error ("Runtime Error in test
  // not_null_customer_orders_no_such_column (models/marts/schema.yml) Binder Error: Referenced column
  // "no_such_column" not found"), everything else built. sm refused parse, ls, compile and test (exit 2).
  it('parses with a warning naming the YAML line, and build fails only that test (exit 1)', async () => {
    const files = { 'models/a.sql': 'select 1 as id\n', 'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: nope\n        data_tests: [not_null]\n' };
    const { dir, ...p } = await smOn(files);
    expect(p.code).toBe(0);
    expect(p.out + p.err).toContain('warning SM_TEST_INVALID at models/s.yml:6');
    for (const command of ['ls', 'compile']) expect((await sm(command, '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    const b = await sm('build', '--project-dir', dir, '--profiles-dir', dir);
    expect(b.code).toBe(1);
    expect(b.out + b.err).toContain('models/s.yml:6: test not_null_a_nope checks column "nope" of a');
  });
});

describe('a generic test with nothing under its name', () => {
  // dbt parse, exit 2: "Invalid test config given in models/marts/schema.yml: test arguments must be a dict,
  // got <class 'NoneType'> (value None)". sm ran it without arguments and failed it at build (exit 1).
  it('`- accepted_values:` alone is a project error at its line', async () => {
    const r = await smOn({ 'models/a.sql': "select 'x' as k\n", 'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: k\n        data_tests:\n          - accepted_values:\n' }, 'build');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error SM_TEST_INVALID at models/s.yml:7:13: Test "accepted_values" has nothing under it: its arguments must be a mapping');
  });
});

describe('a SQL file under snapshots/ without a snapshot block', () => {
  // dbt 1.11.16 ignores it without a word: parse and build exit 0. sm refused the project (exit 2).
  it('is ignored with a warning naming the file', async () => {
    const r = await smOn({ 'models/a.sql': 'select 1 as id\n', 'snapshots/s.sql': 'select * from {{ ref(\'a\') }}\n' }, 'build');
    expect(r.code).toBe(0);
    expect(r.out + r.err).toContain('warning SM_SNAPSHOT_INVALID at snapshots/s.sql:1: snapshots/s.sql is under a snapshot path but holds no {% snapshot name %} ... {% endsnapshot %} block: it is ignored');
  });
});

describe('config() called with other than keyword arguments or one mapping', () => {
  // dbt 1.11.16 parse, exit 2: "Compilation Error in model a (models/a.sql) dictionary update sequence
  // element #0 has length 1; 2 is required" for config('table'), "Invalid inline model config" for config();
  // config({'materialized': 'table'}) parses. sm ignored the first two (exit 0).
  it("config('table') and config() are errors at their line; config({...}) is not", async () => {
    const r = await smOn({
      'models/a.sql': "{{ config('table') }}select 1 as id\n",
      'models/b.sql': '{{ config() }}select 1 as id\n',
      'models/c.sql': "{{ config({'materialized': 'table'}) }}select 1 as id\n",
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain("error SM_TEMPLATE_RENDER at models/a.sql:1:10: config() takes keyword arguments or one mapping, not a str: write config(materialized='table'), not config('table')");
    expect(r.err).toContain('error SM_TEMPLATE_RENDER at models/b.sql:1:10: Invalid inline model config');
    expect(r.err).not.toContain('models/c.sql');
  });
});

describe('an end tag that closes no block, outside any block', () => {
  // dbt 1.11.16 parse exit 0 (its block searcher skips the tag): a macro file whose first line was deleted
  // (its build then failed, exit 1, the macro being undefined), and a snapshot file with
  // {% endsnapshot %} twice (build exit 0). sm refused both files (exit 2, "Encountered 'endmacro' with no block open to close").
  it('is skipped with a warning naming the file and line; the rest of the file is read', async () => {
    const r = await smOn({
      'macros/m.sql': "{% macro one() %}1{% endmacro %}\n{%- endmacro %}\n",
      'models/a.sql': 'select {{ one() }} as id\n',
      'snapshots/s.sql': "{% snapshot s %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('a') }}\n{% endsnapshot %}\n{% endsnapshot %}\n",
    }, 'build');
    expect(r.code).toBe(0);
    expect(r.out + r.err).toContain('warning SM_TEMPLATE_SYNTAX at macros/m.sql:2: {% endmacro %} closes no block: it is ignored');
    expect(r.out + r.err).toContain('warning SM_TEMPLATE_SYNTAX at snapshots/s.sql:5: {% endsnapshot %} closes no block: it is ignored');
  });
});

describe('columns: or tables: with nothing under it', () => {
  // dbt parse, exit 2: "Invalid sources config given in models/staging/sources.yml @ sources: {... 'tables':
  // [{'name': 'app_events', 'columns': None}]} - at path ['tables'][0]['columns']: None is not of type 'array'"
  // (a model's `columns:` and a source's `tables:` likewise, checked against dbt's contracts). sm read nothing there (exit 0).
  it('is a project error at its line', async () => {
    const r = await smOn({
      'models/a.sql': 'select 1 as id\n',
      'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\nsources:\n  - name: app\n    tables:\n      - name: t\n        columns:\n  - name: other\n    tables:\n',
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain('error SM_SCHEMA_YAML at models/s.yml:4:5: model "a": `columns:` must be a list, not empty');
    expect(r.err).toContain('models/s.yml:9:9: source "app", table "t": `columns:` must be a list, not empty');
    expect(r.err).toContain('models/s.yml:11:5: source "other": `tables:` must be a list, not empty');
  });
});
