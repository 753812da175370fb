/**
 * The error fuzzer's project and its mutations. The project is small and valid on dbt 1.11 and
 * sm: a source (made by on-run-start), seeds, models in folders with folder configs, ref,
 * source, config, var, is_incremental, a project macro and a local package's macro, schema YAML
 * with generic tests and a docs block, a singular test, a snapshot and selectors.yml. Each
 * mutation breaks (or oddly reshapes) one thing; `file` is the file a good error names.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Rng } from './rng.ts';

export const PROFILE = 'efuzz';

const FILES: Record<string, string> = {
  'dbt_project.yml': `name: efuzz
version: '1.0'
config-version: 2
profile: efuzz
vars:
  threshold: 5
on-run-start:
  - "create table if not exists main.app_events as select 1 as id, 'x' as kind"
models:
  efuzz:
    staging:
      +materialized: view
      +tags: [staging]
    marts:
      +materialized: table
seeds:
  efuzz:
    +tags: [raw]
`,
  'packages.yml': 'packages:\n  - local: pkgs/helpers\n',
  'pkgs/helpers/dbt_project.yml': "name: helpers\nversion: '1.0'\nconfig-version: 2\n",
  'pkgs/helpers/macros/double.sql': '{% macro double(x) %}({{ x }} * 2){% endmacro %}\n',
  'pkgs/helpers/models/helper_model.sql': 'select 1 as id\n',
  'seeds/raw_customers.csv': 'id,name\n1,alice\n2,bob\n',
  'seeds/raw_orders.csv': 'id,customer_id,amount\n1,1,10\n2,2,20\n3,1,5\n',
  'macros/cents.sql': '{% macro cents(col) -%}\n  ({{ col }} * 100)::bigint\n{%- endmacro %}\n',
  'models/staging/stg_customers.sql': "select id, name from {{ ref('raw_customers') }}\n",
  'models/staging/stg_orders.sql': "{{ config(tags=['orders']) }}\nselect id, customer_id, amount from {{ ref('raw_orders') }}\n",
  'models/staging/stg_events.sql': "select id, kind from {{ source('app', 'app_events') }}\n",
  'models/staging/sources.yml': `version: 2
sources:
  - name: app
    schema: main
    tables:
      - name: app_events
        columns:
          - name: id
            data_tests: [not_null]
`,
  'models/marts/customer_orders.sql': `{{ config(materialized='incremental', unique_key='id') }}
select o.id, c.name, {{ cents('o.amount') }} as amount_cents, {{ helpers.double('o.amount') }} as doubled
from {{ ref('stg_orders') }} o
join {{ ref('stg_customers') }} c on c.id = o.customer_id
where o.amount >= {{ var('threshold') }}
{% if is_incremental() %}
  and o.id > (select coalesce(max(id), 0) from {{ this }})
{% endif %}
`,
  'models/marts/orders_summary.sql': "select name, sum(amount_cents) as total from {{ ref('customer_orders') }} group by name\n",
  'models/marts/schema.yml': `version: 2
models:
  - name: customer_orders
    description: '{{ doc("customer_orders") }}'
    columns:
      - name: id
        data_tests:
          - unique
          - not_null
      - name: name
        data_tests:
          - accepted_values:
              arguments:
                values: [alice, bob]
  - name: orders_summary
    columns:
      - name: name
        data_tests: [not_null]
`,
  'models/marts/docs.md': '{% docs customer_orders %}\nOne row per order of 5 or more.\n{% enddocs %}\n',
  'tests/assert_positive.sql': "select * from {{ ref('customer_orders') }} where amount_cents < 0\n",
  'snapshots/orders_snapshot.sql': `{% snapshot orders_snapshot %}
{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols='all') }}
select * from {{ ref('stg_orders') }}
{% endsnapshot %}
`,
  'selectors.yml': "selectors:\n  - name: marts\n    definition: 'path:models/marts'\n",
};

export function writeErrorFuzzProject(dir: string): void {
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

/** One mutation: what it does to a copy, the file a good error names ('' for none), and extra arguments for every command. */
export interface Mutation { name: string; file: string; args?: string[]; apply(dir: string): void }

const write = (rel: string, text: string) => (dir: string) => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
};
const edit = (rel: string, f: (s: string) => string) => (dir: string) => writeFileSync(join(dir, rel), f(readFileSync(join(dir, rel), 'utf8')));
const m = (name: string, file: string, apply: (dir: string) => void, args?: string[]): Mutation => ({ name, file, apply, args });
const model = (name: string, rel: string, text: string) => m(name, rel, write(rel, text));
const SCHEMA = 'models/marts/schema.yml';
const PROJECT = 'dbt_project.yml';
const SNAP = 'snapshots/orders_snapshot.sql';
const SEED = 'seeds/raw_customers.csv';

export const HAND_MUTATIONS: Mutation[] = [
  // YAML syntax and shape
  m('yaml: tab indentation', SCHEMA, edit(SCHEMA, (s) => s.replace('    columns:', '\tcolumns:'))),
  m('yaml: unclosed quote', SCHEMA, edit(SCHEMA, (s) => s.replace("'{{ doc(\"customer_orders\") }}'", "'{{ doc(\"customer_orders\") }}"))),
  m('yaml: duplicate key in a model entry', SCHEMA, edit(SCHEMA, (s) => s.replace('  - name: orders_summary\n', '  - name: orders_summary\n    name: orders_summary\n'))),
  m('yaml: duplicate top-level key', SCHEMA, edit(SCHEMA, (s) => `${s}models:\n  - name: stg_orders\n`)),
  m('yaml: models is a mapping', SCHEMA, write(SCHEMA, 'version: 2\nmodels:\n  name: customer_orders\n')),
  m('yaml: data_tests is a string', SCHEMA, edit(SCHEMA, (s) => s.replace('data_tests: [not_null]', 'data_tests: not_null'))),
  m('yaml: columns is a string', SCHEMA, edit(SCHEMA, (s) => s.replace('  - name: orders_summary\n    columns:\n      - name: name\n        data_tests: [not_null]\n', '  - name: orders_summary\n    columns: name\n'))),
  m('yaml: entry without a name', SCHEMA, edit(SCHEMA, (s) => `${s}  - description: nameless\n`)),
  m('yaml: version missing', SCHEMA, edit(SCHEMA, (s) => s.replace('version: 2\n', ''))),
  m('yaml: version 3', SCHEMA, edit(SCHEMA, (s) => s.replace('version: 2', 'version: 3'))),
  m('yaml: empty schema file', SCHEMA, write(SCHEMA, '')),
  m('yaml: only a comment', SCHEMA, write(SCHEMA, '# nothing here\n')),
  m('yaml: a list at the top', SCHEMA, write(SCHEMA, '- version: 2\n')),
  m('yaml: unknown top-level key', SCHEMA, edit(SCHEMA, (s) => `${s}modles:\n  - name: x\n`)),
  m('yaml: unknown key in a model entry', SCHEMA, edit(SCHEMA, (s) => s.replace('  - name: orders_summary\n', '  - name: orders_summary\n    descripton: typo\n'))),
  m('yaml: unknown config key', SCHEMA, edit(SCHEMA, (s) => s.replace('  - name: orders_summary\n', '  - name: orders_summary\n    config:\n      materialised: table\n'))),
  m('yaml: config is a list', SCHEMA, edit(SCHEMA, (s) => s.replace('  - name: orders_summary\n', '  - name: orders_summary\n    config: [table]\n'))),
  m('yaml: model not found', SCHEMA, edit(SCHEMA, (s) => `${s}  - name: no_such_model\n    description: x\n`)),
  m('yaml: model described twice', SCHEMA, edit(SCHEMA, (s) => `${s}  - name: customer_orders\n`)),
  m('yaml: source table missing name', 'models/staging/sources.yml', edit('models/staging/sources.yml', (s) => `${s}      - description: nameless\n`)),
  m('yaml: source tables is a mapping', 'models/staging/sources.yml', write('models/staging/sources.yml', 'version: 2\nsources:\n  - name: app\n    tables:\n      name: app_events\n')),
  m('yaml: dbt_project.yml tab', PROJECT, edit(PROJECT, (s) => s.replace('      +materialized: view', '\t+materialized: view'))),
  m('yaml: dbt_project.yml duplicate key', PROJECT, edit(PROJECT, (s) => `${s}name: efuzz2\n`)),
  m('yaml: dbt_project.yml models is a list', PROJECT, edit(PROJECT, (s) => s.replace(/models:[\s\S]*?seeds:/, 'models: [efuzz]\nseeds:'))),
  m('yaml: dbt_project.yml unknown top-level key', PROJECT, edit(PROJECT, (s) => `${s}modles:\n  x: 1\n`)),
  m('yaml: dbt_project.yml unknown folder config', PROJECT, edit(PROJECT, (s) => s.replace('      +tags: [staging]', '      +tags: [staging]\n      +materialised: table'))),
  m('yaml: dbt_project.yml name missing', PROJECT, edit(PROJECT, (s) => s.replace('name: efuzz\n', ''))),
  m('yaml: dbt_project.yml name with a dash', PROJECT, edit(PROJECT, (s) => s.replace('name: efuzz', 'name: e-fuzz'))),
  m('yaml: dbt_project.yml empty', PROJECT, write(PROJECT, '')),
  m('yaml: selectors.yml tab', 'selectors.yml', write('selectors.yml', "selectors:\n\t- name: marts\n")),
  m('yaml: selectors.yml definition missing', 'selectors.yml', write('selectors.yml', 'selectors:\n  - name: marts\n')),
  m('yaml: packages.yml unclosed quote', 'packages.yml', write('packages.yml', "packages:\n  - local: 'pkgs/helpers\n")),
  m('yaml: packages.yml is a string', 'packages.yml', write('packages.yml', 'packages: pkgs/helpers\n')),
  // Project versions
  m('project: config-version 1', PROJECT, edit(PROJECT, (s) => s.replace('config-version: 2', 'config-version: 1'))),
  m('project: config-version 3', PROJECT, edit(PROJECT, (s) => s.replace('config-version: 2', 'config-version: 3'))),
  m('project: require-dbt-version unmet', PROJECT, edit(PROJECT, (s) => `${s}require-dbt-version: '>=9.0.0'\n`)),
  m('project: require-dbt-version met', PROJECT, edit(PROJECT, (s) => `${s}require-dbt-version: ['>=1.0.0', '<3.0.0']\n`)),
  m('project: require-dbt-version garbage', PROJECT, edit(PROJECT, (s) => `${s}require-dbt-version: 'soon'\n`)),
  m('project: version not a version', PROJECT, edit(PROJECT, (s) => s.replace("version: '1.0'", 'version: [1]'))),
  m('project: model-paths missing folder', PROJECT, edit(PROJECT, (s) => `${s}model-paths: [nowhere]\n`)),
  m('project: no models at all', 'models', (d) => rmSync(join(d, 'models'), { recursive: true, force: true })),
  m('project: models/ symlink loop', 'models', (d) => symlinkSync('.', join(d, 'models', 'loop'))),
  m('project: models/ symlink to parent', 'models', (d) => symlinkSync('..', join(d, 'models', 'up'))),
  // References
  model('ref: missing model', 'models/marts/bad_ref.sql', "select * from {{ ref('no_such_model') }}\n"),
  model('ref: missing source', 'models/marts/bad_src.sql', "select * from {{ source('app', 'nope') }}\n"),
  model('ref: missing source name', 'models/marts/bad_src2.sql', "select * from {{ source('nope', 'app_events') }}\n"),
  model('ref: undefined macro', 'models/marts/bad_macro.sql', 'select {{ no_such_macro(1) }} as x\n'),
  model('ref: undefined package macro', 'models/marts/bad_pkg_macro.sql', 'select {{ helpers.nope(1) }} as x\n'),
  m('ref: cycle', 'models/staging/stg_customers.sql', edit('models/staging/stg_customers.sql', (s) => `-- {{ ref('orders_summary') }}\n${s}`)),
  model('ref: self', 'models/marts/selfish.sql', "select * from {{ ref('selfish') }}\n"),
  model('ref: no arguments', 'models/marts/ref0.sql', 'select * from {{ ref() }}\n'),
  model('ref: four arguments', 'models/marts/ref4.sql', "select * from {{ ref('a', 'b', 'c', 'd') }}\n"),
  model('ref: not a string', 'models/marts/refnum.sql', 'select * from {{ ref(42) }}\n'),
  model('ref: source with one argument', 'models/marts/src1.sql', "select * from {{ source('app') }}\n"),
  model('ref: package.model', 'models/marts/pkgref.sql', "select * from {{ ref('helpers', 'helper_model') }}\n"),
  model('ref: missing package', 'models/marts/pkgref2.sql', "select * from {{ ref('nopkg', 'helper_model') }}\n"),
  // Duplicates
  model('dup: model name across folders', 'models/staging/customer_orders.sql', 'select 1 as id\n'),
  model('dup: model name as a package model', 'models/marts/helper_model.sql', 'select 2 as id\n'),
  model('dup: model name as a seed', 'models/marts/raw_orders.sql', 'select 2 as id\n'),
  model('dup: docs block', 'models/staging/more_docs.md', '{% docs customer_orders %}\nagain\n{% enddocs %}\n'),
  model('dup: macro name', 'macros/cents_again.sql', '{% macro cents(col) %}{{ col }}{% endmacro %}\n'),
  model('dup: macro overriding a package macro', 'macros/double.sql', '{% macro double(x) %}({{ x }} * 3){% endmacro %}\n'),
  model('dup: snapshot name as a model', 'models/marts/orders_snapshot.sql', 'select 1 as id\n'),
  // Jinja
  model('jinja: unclosed if', 'models/marts/j1.sql', 'select 1 as id\n{% if true %}\n, 2 as y\n'),
  model('jinja: unclosed expression', 'models/marts/j2.sql', 'select {{ 1 as id\n'),
  model('jinja: unknown filter', 'models/marts/j3.sql', "select '{{ 'a' | no_such_filter }}' as id\n"),
  model('jinja: unknown tag', 'models/marts/j4.sql', '{% frobnicate %}\nselect 1 as id\n'),
  model('jinja: endfor without for', 'models/marts/j5.sql', 'select 1 as id\n{% endfor %}\n'),
  model('jinja: unclosed comment', 'models/marts/j6.sql', 'select 1 as id\n{# never closed\n'),
  model('jinja: error on line 5', 'models/marts/j7.sql', 'select\n  1 as id,\n  2 as b,\n  3 as c,\n  {{ 1 + }} as d\n'),
  model('jinja: exceptions.raise_compiler_error', 'models/marts/j8.sql', "{{ exceptions.raise_compiler_error('stop here') }}\nselect 1 as id\n"),
  model('jinja: undefined variable attribute', 'models/marts/j9.sql', 'select {{ nothing.at.all }} as id\n'),
  model('jinja: macro file syntax error', 'macros/broken.sql', '{% macro broken() %}\nselect 1\n'),
  model('jinja: macro file with text outside macros', 'macros/loose.sql', 'select 1\n{% macro loose() %}1{% endmacro %}\n'),
  model('jinja: docs block unclosed', 'models/marts/more.md', '{% docs unclosed %}\ntext\n'),
  // config() and var()
  model('config: non-literal value', 'models/marts/c1.sql', "{% set m = 'table' %}{{ config(materialized=m) }}\nselect 1 as id\n"),
  model('config: value from var()', 'models/marts/c2.sql', "{{ config(materialized=var('mat', 'view')) }}\nselect 1 as id\n"),
  model('config: positional argument', 'models/marts/c3.sql', "{{ config('table') }}\nselect 1 as id\n"),
  model('config: unknown key', 'models/marts/c4.sql', "{{ config(materialised='table') }}\nselect 1 as id\n"),
  model('config: bad materialization', 'models/marts/c5.sql', "{{ config(materialized='tabel') }}\nselect 1 as id\n"),
  model('config: enabled is a string', 'models/marts/c6.sql', "{{ config(enabled='yes') }}\nselect 1 as id\n"),
  model('config: incremental without unique_key', 'models/marts/c7.sql', "{{ config(materialized='incremental') }}\nselect 1 as id\n"),
  model('config: bad incremental_strategy', 'models/marts/c8.sql', "{{ config(materialized='incremental', incremental_strategy='nope') }}\nselect 1 as id\n"),
  model('var: undefined', 'models/marts/v1.sql', "select {{ var('no_such_var') }} as id\n"),
  model('var: undefined with a default', 'models/marts/v2.sql', "select {{ var('no_such_var', 3) }} as id\n"),
  m('vars: invalid YAML', '', () => {}, ['--vars', '{threshold: [}']),
  m('vars: a list', '', () => {}, ['--vars', '[1, 2]']),
  m('vars: a scalar', '', () => {}, ['--vars', 'threshold']),
  m('vars: overrides', '', () => {}, ['--vars', '{threshold: 15}']),
  // SQL that fails at run time
  model('sql: syntax error', 'models/marts/s1.sql', 'selec 1 as id\n'),
  model('sql: missing column', 'models/marts/s2.sql', "select no_such_column from {{ ref('stg_orders') }}\n"),
  model('sql: ends with a semicolon', 'models/marts/s3.sql', 'select 1 as id;\n'),
  // Seeds
  model('seed: ragged rows', SEED, 'id,name\n1,alice,extra\n2\n'),
  model('seed: BOM', SEED, '\ufeffid,name\n1,alice\n2,bob\n'),
  model('seed: empty file', SEED, ''),
  model('seed: header only', SEED, 'id,name\n'),
  model('seed: duplicate header', SEED, 'id,id\n1,2\n'),
  model('seed: unclosed quote', SEED, 'id,name\n1,"alice\n2,bob\n'),
  model('seed: CRLF', SEED, 'id,name\r\n1,alice\r\n2,bob\r\n'),
  model('seed: name with a space', 'seeds/raw customers.csv', 'id\n1\n'),
  // Snapshots
  m('snapshot: no unique_key', SNAP, edit(SNAP, (s) => s.replace("unique_key='id', ", ''))),
  m('snapshot: no strategy', SNAP, edit(SNAP, (s) => s.replace("strategy='check', ", ''))),
  m('snapshot: unknown strategy', SNAP, edit(SNAP, (s) => s.replace("strategy='check'", "strategy='sometimes'"))),
  m('snapshot: timestamp without updated_at', SNAP, edit(SNAP, (s) => s.replace("strategy='check', check_cols='all'", "strategy='timestamp'"))),
  m('snapshot: block unclosed', SNAP, edit(SNAP, (s) => s.replace('{% endsnapshot %}', ''))),
  m('snapshot: two blocks', SNAP, edit(SNAP, (s) => s + s.replace(/orders_snapshot/g, 'orders_snapshot2'))),
  m('snapshot: no block', SNAP, write(SNAP, "select * from {{ ref('stg_orders') }}\n")),
  // Tests
  m('test: missing column', SCHEMA, edit(SCHEMA, (s) => s.replace('      - name: id\n', '      - name: no_such_column\n        data_tests: [not_null]\n      - name: id\n'))),
  m('test: unknown generic test', SCHEMA, edit(SCHEMA, (s) => s.replace('          - unique\n', '          - unique\n          - no_such_test\n'))),
  m('test: accepted_values without values', SCHEMA, edit(SCHEMA, (s) => s.replace('              arguments:\n                values: [alice, bob]\n', ''))),
  m('test: relationships to a missing model', SCHEMA, edit(SCHEMA, (s) => s.replace('          - not_null\n', "          - not_null\n          - relationships:\n              arguments:\n                to: ref('nope')\n                field: id\n"))),
  m('test: singular test fails', 'tests/assert_positive.sql', write('tests/assert_positive.sql', "select * from {{ ref('customer_orders') }}\n")),
  m('test: singular test jinja error', 'tests/assert_positive.sql', write('tests/assert_positive.sql', "select * from {{ ref('customer_orders' }}\n")),
  m('test: tests (old key) and data_tests both', SCHEMA, edit(SCHEMA, (s) => s.replace('        data_tests: [not_null]', '        data_tests: [not_null]\n        tests: [unique]'))),
  // Names and encodings
  model('name: unicode model', 'models/marts/modèle_ü.sql', 'select 1 as id\n'),
  model('name: very long model name', `models/marts/${'m'.repeat(200)}.sql`, 'select 1 as id\n'),
  model('name: model with a dot', 'models/marts/a.b.sql', 'select 1 as id\n'),
  model('name: model with a space', 'models/marts/a b.sql', 'select 1 as id\n'),
  model('name: model with a dash', 'models/marts/a-b.sql', 'select 1 as id\n'),
  model('file: empty model', 'models/marts/empty.sql', ''),
  model('file: only a comment', 'models/marts/comment.sql', '-- nothing here\n'),
  model('file: only a jinja comment', 'models/marts/jcomment.sql', '{# nothing here #}\n'),
  model('file: only whitespace', 'models/marts/blank.sql', '\n  \n'),
  model('file: invalid UTF-8', 'models/marts/latin1.sql', ''),
  m('file: CRLF everywhere', '', (d) => forEachText(d, (t) => t.replace(/\r?\n/g, '\r\n'))),
  m('file: BOM on dbt_project.yml', PROJECT, edit(PROJECT, (s) => `\ufeff${s}`)),
  m('file: BOM on a model', 'models/staging/stg_customers.sql', edit('models/staging/stg_customers.sql', (s) => `\ufeff${s}`)),
  m('file: NUL in a model', 'models/staging/stg_customers.sql', edit('models/staging/stg_customers.sql', (s) => `${s}\0`)),
  m('file: no trailing newline', '', (d) => forEachText(d, (t) => t.replace(/\n+$/, ''))),
  // What users hit that the lists above miss
  m('file: BOM on a schema YAML file', SCHEMA, edit(SCHEMA, (s) => `\ufeff${s}`)),
  m('file: BOM on selectors.yml', 'selectors.yml', edit('selectors.yml', (s) => `\ufeff${s}`)),
  m('file: a .sql directory', 'models/marts/folder.sql', write('models/marts/folder.sql/inner.sql', 'select 1 as id\n')),
  m('file: upper-case .SQL extension', 'models/marts/upper.SQL', write('models/marts/upper.SQL', 'select 1 as id\n')),
  m('file: hidden model file', 'models/marts/.hidden.sql', write('models/marts/.hidden.sql', 'select 1 as id\n')),
  m('file: schema YAML as .yaml describing a described model', 'models/marts/more.yaml', write('models/marts/more.yaml', 'version: 2\nmodels:\n  - name: orders_summary\n    description: again\n')),
  m('file: dangling symlink model', 'models/marts/gone.sql', (d) => symlinkSync('nowhere.sql', join(d, 'models/marts/gone.sql'))),
  m('project: models folder is a symlink', 'models', (d) => { renameSync(join(d, 'models'), join(d, 'real_models')); symlinkSync('real_models', join(d, 'models')); }),
  m('project: model-paths outside the project', PROJECT, (d) => {
    renameSync(join(d, 'models'), join(d, '..', `${basename(d)}-outside`));
    edit(PROJECT, (s) => `${s}model-paths: ['../${basename(d)}-outside']\n`)(d);
  }),
  m('project: model-paths empty list', PROJECT, edit(PROJECT, (s) => `${s}model-paths: []\n`)),
  m('project: on-run-start SQL error', PROJECT, edit(PROJECT, (s) => s.replace('on-run-start:\n', 'on-run-start:\n  - "selec 1"\n'))),
  m('vars: huge integer', PROJECT, (d) => { edit(PROJECT, (s) => s.replace('threshold: 5', 'threshold: 5\n  big: 123456789012345678901234567890'))(d); write('models/marts/big.sql', "select {{ var('big') }} as big\n")(d); }),
  m('vars: a date', PROJECT, (d) => { edit(PROJECT, (s) => s.replace('threshold: 5', 'threshold: 5\n  start: 2024-01-31'))(d); write('models/marts/dated.sql', "select '{{ var(\"start\") }}'::date as d\n")(d); }),
  m('vars: a date from --vars', 'models/marts/dated.sql', write('models/marts/dated.sql', "select '{{ var(\"start\") }}'::date as d\n"), ['--vars', '{start: 2024-01-31}']),
  m('vars: null', PROJECT, edit(PROJECT, (s) => s.replace('threshold: 5', 'threshold: ~'))),
  m('yaml: anchors and merge keys', SCHEMA, edit(SCHEMA, (s) => s.replace('  - name: orders_summary\n', '  - name: orders_summary\n    config: &cfg\n      tags: [x]\n    meta:\n      <<: *cfg\n'))),
  m('yaml: missing doc()', SCHEMA, edit(SCHEMA, (s) => s.replace('doc("customer_orders")', 'doc("nope")'))),
  m('yaml: source table named twice', 'models/staging/sources.yml', edit('models/staging/sources.yml', (s) => `${s}      - name: app_events\n`)),
  model('jinja: raw block unclosed', 'models/marts/raw1.sql', 'select 1 as id\n{% raw %}\n-- {{ x }}\n'),
  model('jinja: macro calling itself forever', 'models/marts/forever.sql', '{% macro forever(n) %}{{ forever(n + 1) }}{% endmacro %}\nselect {{ forever(1) }} as id\n'),
  model('jinja: project macro calling itself forever', 'macros/loop.sql', "{% macro loop_me(n) %}{{ loop_me(n) }}{% endmacro %}\n"),
  m('jinja: a model using a recursive project macro', 'macros/loop.sql', (d) => { write('macros/loop.sql', '{% macro loop_me(n) %}{{ loop_me(n) }}{% endmacro %}\n')(d); write('models/marts/looped.sql', 'select {{ loop_me(1) }} as id\n')(d); }),
  model('jinja: macro given too many arguments', 'models/marts/many.sql', 'select {{ cents(1, 2, 3) }} as id\n'),
  model('jinja: macro given no arguments', 'models/marts/none.sql', 'select {{ cents() }} as id\n'),
  model('ref: three arguments', 'models/marts/ref3.sql', "select * from {{ ref('efuzz', 'stg_orders', 'x') }}\n"),
  model('ref: version of an unversioned model', 'models/marts/refv.sql', "select * from {{ ref('stg_orders', v=2) }}\n"),
  model('config: materialized=none', 'models/marts/cnone.sql', '{{ config(materialized=none) }}\nselect 1 as id\n'),
  model('config: only a config call', 'models/marts/conly.sql', "{{ config(materialized='table') }}\n"),
  model('name: model named as a SQL keyword', 'models/marts/select.sql', 'select 1 as id\n'),
  model('seed: blank header line', SEED, '\n1,alice\n'),
  model('seed: a header with an empty name', SEED, 'id,,name\n1,x,alice\n'),
];
// Invalid UTF-8 needs bytes, not a string.
HAND_MUTATIONS.find((x) => x.name === 'file: invalid UTF-8')!.apply = (d) => writeFileSync(join(d, 'models/marts/latin1.sql'), Buffer.from([0x73, 0x65, 0x6c, 0x65, 0x63, 0x74, 0x20, 0x27, 0xe9, 0x27, 0x20, 0x61, 0x73, 0x20, 0x78, 0x0a]));

function textFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (/^(target|logs|dbt_packages|profiles\.yml)$/.test(f) || f.endsWith('.duckdb')) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(sql|yml|md|csv)$/.test(f)) out.push(relative(dir, p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function forEachText(dir: string, f: (t: string) => string): void {
  for (const rel of textFiles(dir)) writeFileSync(join(dir, rel), f(readFileSync(join(dir, rel), 'utf8')));
}

const NOISE = ['{', '}', '{{', '}}', '{%', '%}', "'", '"', ':', '\t', '- ', '(', ')', ',', '|', '#', '\n', '  ', 'ref(', '- name:', '{% endif %}'];

/** A random damage to one text file of the project (the base project's files, so both tools get the same). */
export function randomMutation(base: string, r: Rng, i: number): Mutation {
  const files = textFiles(base).filter((f) => !f.startsWith('pkgs/') && f !== 'packages.yml');
  const rel = r.pick(files);
  const lines = readFileSync(join(base, rel), 'utf8').split('\n');
  const at = r.int(0, Math.max(0, lines.length - 2));
  const kind = r.pick(['delete line', 'duplicate line', 'insert', 'truncate', 'swap lines', 'indent', 'dedent'] as const);
  let text: string;
  let what: string;
  switch (kind) {
    case 'delete line': text = lines.filter((_, j) => j !== at).join('\n'); what = `line ${at + 1} deleted`; break;
    case 'duplicate line': text = [...lines.slice(0, at + 1), lines[at]!, ...lines.slice(at + 1)].join('\n'); what = `line ${at + 1} doubled`; break;
    case 'swap lines': { const b = Math.min(at + 1, lines.length - 1); const c = [...lines]; [c[at], c[b]] = [c[b]!, c[at]!]; text = c.join('\n'); what = `lines ${at + 1} and ${b + 1} swapped`; break; }
    case 'indent': text = lines.map((l, j) => (j === at ? `  ${l}` : l)).join('\n'); what = `line ${at + 1} indented`; break;
    case 'dedent': text = lines.map((l, j) => (j === at ? l.trimStart() : l)).join('\n'); what = `line ${at + 1} dedented`; break;
    case 'truncate': { const all = lines.join('\n'); const cut = r.int(0, all.length); text = all.slice(0, cut); what = `cut at character ${cut}`; break; }
    default: {
      const all = lines.join('\n');
      const pos = r.int(0, all.length);
      const noise = r.pick(NOISE);
      text = all.slice(0, pos) + noise + all.slice(pos);
      what = `${JSON.stringify(noise)} inserted at character ${pos}`;
    }
  }
  return m(`random ${i}: ${rel} ${what}`, rel, write(rel, text));
}

