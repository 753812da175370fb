import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb, writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

type Entry = Record<string, any>;
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, Entry> };

/**
 * Constraints of models that enforce a contract, recorded from dbt-core 1.11.16 + dbt-duckdb
 * 1.11.1 (8 Dec 2026) on these files:
 * - `dbt run`: m_bad failed ("Constraint Error: NOT NULL constraint failed: m_bad__dbt_tmp.id"),
 *   exit 1; the others built. m_ok's run file created the table with
 *   `id integer not null primary key check (id > 0)`, `name varchar unique default 'q'`,
 *   `constraint uq_idname unique (id, name)`, `check (length(name) > 0)` and then inserted
 *   `select id, name from (...) as model_subq`; m_fk's with `id integer references "main"."m_ok" (id)`.
 * - parse warned "Constraint types are not supported for view materializations and will be
 *   ignored." for m_view; m_fk depends on base then m_ok (its foreign key's ref); the manifest
 *   after compile has m_ok's model-level constraints, `to: '"c"."main"."m_ok"'` (parse: `ref('m_ok')`),
 *   and these contract checksums.
 * sm created no constraint (m_bad built with a null id), wrote `constraints: []` and checksum null.
 */
const MODELS = {
  'models/base.sql': "select 1 as id, 'a' as name union all select 2, 'b'",
  'models/m_view.sql': "{{ config(materialized='view') }} select id, name from {{ ref('base') }}",
  'models/m_bad.sql': "{{ config(materialized='table') }} select id, name from {{ ref('base') }} union all select null, 'z'",
  'models/m_ok.sql': "{{ config(materialized='table') }} select id, name from {{ ref('base') }}",
  'models/m_inc.sql': "{{ config(materialized='incremental', unique_key='id', on_schema_change='fail') }} select id, name from {{ ref('base') }}",
  'models/m_fk.sql': "{{ config(materialized='table') }} select id, 'x' as name from {{ ref('base') }}",
  'models/s.yml': `version: 2
models:
  - name: m_view
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: integer, constraints: [{type: not_null}]}
      - {name: name, data_type: varchar}
  - name: m_bad
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: integer, constraints: [{type: not_null}]}
      - {name: name, data_type: varchar}
  - name: m_ok
    config: {contract: {enforced: true}}
    constraints:
      - {type: unique, columns: [id, name], name: uq_idname}
      - {type: check, expression: "length(name) > 0"}
    columns:
      - name: id
        data_type: integer
        constraints: [{type: not_null}, {type: primary_key}, {type: check, expression: "id > 0"}]
      - name: name
        data_type: varchar
        constraints: [{type: unique}, {type: custom, expression: "default 'q'"}]
  - name: m_inc
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: integer, constraints: [{type: not_null}, {type: primary_key}]}
      - {name: name, data_type: varchar}
  - name: m_fk
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: integer, constraints: [{type: foreign_key, to: "ref('m_ok')", to_columns: [id]}]}
      - {name: name, data_type: varchar}
`,
};

describe('the constraints of a model enforcing its contract, as dbt 1.11 creates them', () => {
  it('creates them with the table: a breach fails the model and keeps the table it had', async () => {
    const dir = writeDuckdbProject(MODELS);
    const r = await sm('run', '--project-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain('NOT NULL constraint failed');
    expect(r.out + r.err).toContain('Constraint types are not supported for view materializations and will be ignored.');
    const run = (m: string) => readFileSync(join(dir, 'target/run/demo/models', `${m}.sql`), 'utf8');
    expect(run('m_ok')).toContain(
      '(\n    id integer not null primary key check (id > 0),\n    name varchar unique default \'q\',\n    constraint uq_idname unique (id, name),\n    check (length(name) > 0)\n)',
    );
    expect(run('m_ok')).toContain('insert into "main"."m_ok" (id, name) (\n    select id, name\n    from (\n');
    expect(run('m_fk')).toContain('id integer references "main"."m_ok" (id)');
    const db = join(dir, 'target/d.duckdb');
    expect(await queryDuckDb(db, 'select count(*)::int as n from main.m_ok')).toEqual([{ n: 2 }]);
    // The key is there: a duplicate id is refused.
    await expect(queryDuckDb(db, "insert into main.m_ok values (1, 'c')")).rejects.toThrow(/PRIMARY KEY|unique/i);
    // A table m_bad had before is still there after the breach.
    writeFileSync(join(dir, 'models/m_bad.sql'), "{{ config(materialized='table') }} select id, name from {{ ref('base') }}");
    expect((await sm('run', '-s', 'm_bad', '--project-dir', dir)).code).toBe(0);
    writeFileSync(join(dir, 'models/m_bad.sql'), "{{ config(materialized='table') }} select null::int as id, 'z' as name");
    expect((await sm('run', '-s', 'm_bad', '--project-dir', dir)).code).toBe(1);
    expect(await queryDuckDb(db, 'select count(*)::int as n from main.m_bad')).toEqual([{ n: 2 }]);
  });

  it("lists them in the manifest with dbt's contract checksum, and a foreign key's target among the refs", async () => {
    const dir = writeDuckdbProject(MODELS);
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    expect(manifestOf(dir).nodes['model.demo.m_fk']!.columns.id.constraints[0].to).toBe("ref('m_ok')");
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    const n = manifestOf(dir).nodes;
    expect(n['model.demo.m_fk']!.depends_on.nodes).toEqual(['model.demo.base', 'model.demo.m_ok']);
    expect(n['model.demo.m_fk']!.refs.map((x: Entry) => x.name)).toEqual(['base', 'm_ok']);
    expect(n['model.demo.m_fk']!.columns.id.constraints[0].to).toBe('"d"."main"."m_ok"');
    expect(n['model.demo.m_ok']!.constraints).toEqual([
      { type: 'unique', name: 'uq_idname', expression: null, warn_unenforced: true, warn_unsupported: true, to: null, to_columns: [], columns: ['id', 'name'] },
      { type: 'check', name: null, expression: 'length(name) > 0', warn_unenforced: true, warn_unsupported: true, to: null, to_columns: [], columns: [] },
    ]);
    // dbt's checksums for the same columns, constraints and materializations (the project's name does not enter them).
    expect(n['model.demo.m_ok']!.contract).toEqual({ enforced: true, alias_types: true, checksum: '264141491eb2697b4150538095f42002ce830f486e4f02012f158eb53ef64025' });
    expect(n['model.demo.m_fk']!.contract.checksum).toBe('6fc80b3e3e822d8222462ae59c5d407ef66abf9463c5ffef5a068c558840f8f7');
    expect(n['model.demo.base']!.contract.checksum).toBeNull();
  });

  // dbt 1.11.16 `dbt parse` on each: "Parsing Error" with these words, exit 2.
  it.each([
    ['an incremental model without on_schema_change', "{{ config(materialized='incremental') }} select 1 as id", 'columns: [{name: id, data_type: int}]', "Invalid value for on_schema_change: ignore. Models materialized as incremental with contracts enabled must set on_schema_change to 'append_new_columns' or 'fail'"],
    ['a foreign key to a name', 'select 1 as id', 'columns: [{name: id, data_type: int, constraints: [{type: foreign_key, to: main.x, to_columns: [id]}]}]', "Invalid 'ref' or 'source' syntax on foreign key constraint 'to' on model a: main.x."],
    ['no columns', 'select 1 as id', '', 'Contract enforcement failed for: (models/a.sql)\nConstraints must be defined in a `yml` schema configuration file like `schema.yml`.'],
    ['an unknown type', "{{ config(materialized='table') }} select 1 as id", 'constraints: [{type: bogus}]\n    columns: [{name: id, data_type: int}]', "Invalid constraint type on model a: Type must be one of ['check', 'not_null', 'unique', 'primary_key', 'foreign_key', 'custom']"],
  ])('refuses %s at parse, exit 2', async (_what, sql, yaml, message) => {
    const dir = writeDuckdbProject({ 'models/a.sql': sql, 'models/s.yml': `version: 2\nmodels:\n  - name: a\n    config: {contract: {enforced: true}}\n    ${yaml}\n` });
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.out + r.err).toContain(message);
  });

  it('refuses a primary key on two columns, contract or not, naming the line', async () => {
    const dir = writeDuckdbProject({
      'models/a.sql': 'select 1 as id, 2 as x',
      'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        constraints: [{type: primary_key}]\n      - name: x\n        constraints: [{type: primary_key}]\n',
    });
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.out + r.err).toContain("Primary key constraint error: (models/a.sql)\nFound 2 columns (['id', 'x']) with primary key constraints defined.");
    expect(r.out + r.err).toMatch(/models\/s\.yml:5/);
  });
});
