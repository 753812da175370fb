import { describe, expect, it } from 'vitest';
import { checkFiles, SNOWFLAKE_PROFILE, where } from './check-fixture.ts';

const SOURCES = `version: 2
sources:
  - name: raw
    schema: raw
    tables:
      - name: orders
        columns:
          - {name: id, data_type: integer}
          - {name: customer_id, data_type: varchar}
          - {name: amount, data_type: 'decimal(12,2)'}
          - {name: ordered_at, data_type: timestamp}
      - name: customers
        columns:
          - {name: id, data_type: varchar}
          - {name: name, data_type: varchar}
`;

/** A project with typed sources, a seed, and the model (and YAML) under test. */
const project = (model: string, yaml = '') => ({
  'models/sources.yml': SOURCES,
  'seeds/countries.csv': 'code,name,population\nnl,Netherlands,17900000\nbe,Belgium,11800000\n',
  'models/m.sql': model,
  ...(yaml ? { 'models/m.yml': yaml } : {}),
});

/** Each kind of problem: a model that has it, and the fixed model that checks clean. */
const CASES: { kind: string; broken: [string, string?]; fixed: [string, string?]; expect: string[] }[] = [
  {
    kind: 'an unknown column',
    broken: ["select id,\n    amount_total\nfrom {{ source('raw', 'orders') }}"],
    fixed: ["select id,\n    amount\nfrom {{ source('raw', 'orders') }}"],
    expect: ['SM_CHECK_UNKNOWN_COLUMN at models/m.sql:2:5'],
  },
  {
    kind: 'an unknown column of a qualified relation',
    broken: ["select o.id, c.nme\nfrom {{ source('raw', 'orders') }} o\njoin {{ source('raw', 'customers') }} c on c.id = o.customer_id"],
    fixed: ["select o.id, c.name\nfrom {{ source('raw', 'orders') }} o\njoin {{ source('raw', 'customers') }} c on c.id = o.customer_id"],
    expect: ['SM_CHECK_UNKNOWN_COLUMN at models/m.sql:1:14'],
  },
  {
    kind: 'an ambiguous column',
    broken: ["select id\nfrom {{ source('raw', 'orders') }} o\njoin {{ source('raw', 'customers') }} c on c.id = o.customer_id"],
    fixed: ["select o.id\nfrom {{ source('raw', 'orders') }} o\njoin {{ source('raw', 'customers') }} c on c.id = o.customer_id"],
    expect: ['SM_CHECK_AMBIGUOUS_COLUMN at models/m.sql:1:8'],
  },
  {
    kind: 'types that cannot be compared',
    broken: ["select id from {{ source('raw', 'orders') }}\nwhere ordered_at > amount"],
    fixed: ["select id from {{ source('raw', 'orders') }}\nwhere ordered_at > '2024-01-01'"],
    expect: ['SM_CHECK_TYPE_MISMATCH at models/m.sql:2:7'],
  },
  {
    kind: 'values coalesce cannot mix',
    broken: ["select coalesce(amount, 'none') as amount from {{ source('raw', 'orders') }}"],
    fixed: ['select coalesce(amount, 0) as amount from {{ source(\'raw\', \'orders\') }}'],
    expect: ['SM_CHECK_TYPE_MISMATCH at models/m.sql:1:25'],
  },
  {
    kind: 'a join on keys of different types',
    broken: ["select o.id, c.name\nfrom {{ source('raw', 'orders') }} o\njoin {{ source('raw', 'customers') }} c\n  on o.id = c.id"],
    fixed: ["select o.id, c.name\nfrom {{ source('raw', 'orders') }} o\njoin {{ source('raw', 'customers') }} c\n  on o.customer_id = c.id"],
    expect: ['SM_CHECK_JOIN_KEY_TYPE at models/m.sql:4:6'],
  },
  {
    kind: 'a type clash across a union',
    broken: ["select id from {{ source('raw', 'orders') }}\nunion all\nselect name from {{ source('raw', 'customers') }}"],
    fixed: ["select cast(id as varchar) as id from {{ source('raw', 'orders') }}\nunion all\nselect name from {{ source('raw', 'customers') }}"],
    expect: ['SM_CHECK_UNION_TYPE at models/m.sql:3:8'],
  },
  {
    kind: 'a union of different widths',
    broken: ["select id, amount from {{ source('raw', 'orders') }}\nunion all\nselect id from {{ source('raw', 'orders') }}"],
    fixed: ["select id, amount from {{ source('raw', 'orders') }}\nunion all\nselect id, 0 from {{ source('raw', 'orders') }}"],
    expect: ['SM_CHECK_UNION_COLUMNS at models/m.sql:2:1'],
  },
  {
    kind: 'a union with a text the column cannot hold',
    broken: ["select code, population from {{ ref('countries') }}\nunion all\nselect 'xx', 'unknown'"],
    fixed: ["select code, population from {{ ref('countries') }}\nunion all\nselect 'xx', null"],
    expect: ['SM_CHECK_UNION_TYPE at models/m.sql:3:14'],
  },
  {
    kind: 'a broken contract',
    broken: [
      "select id, amount as total, customer_id from {{ source('raw', 'orders') }}",
      'version: 2\nmodels:\n  - name: m\n    config: {contract: {enforced: true}}\n    columns:\n      - {name: id, data_type: integer}\n      - {name: total, data_type: decimal}\n',
    ],
    fixed: [
      "select id, amount as total from {{ source('raw', 'orders') }}",
      'version: 2\nmodels:\n  - name: m\n    config: {contract: {enforced: true}}\n    columns:\n      - {name: id, data_type: integer}\n      - {name: total, data_type: decimal}\n',
    ],
    expect: ['SM_CHECK_CONTRACT at models/m.yml:undefined:undefined'],
  },
  {
    kind: 'a contract type the model does not produce',
    broken: [
      "select id, ordered_at from {{ source('raw', 'orders') }}",
      'version: 2\nmodels:\n  - name: m\n    config: {contract: {enforced: true}}\n    columns:\n      - {name: id, data_type: integer}\n      - {name: ordered_at, data_type: integer}\n',
    ],
    fixed: [
      "select id, ordered_at from {{ source('raw', 'orders') }}",
      'version: 2\nmodels:\n  - name: m\n    config: {contract: {enforced: true}}\n    columns:\n      - {name: id, data_type: integer}\n      - {name: ordered_at, data_type: timestamp}\n',
    ],
    expect: ['SM_CHECK_CONTRACT at models/m.yml:7:9'],
  },
  {
    kind: 'a documented column the model does not select',
    broken: ["select id, amount from {{ source('raw', 'orders') }}", 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n      - name: total\n'],
    fixed: ["select id, amount as total from {{ source('raw', 'orders') }}", 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n      - name: total\n'],
    expect: ['SM_CHECK_DOCUMENTED_COLUMN at models/m.yml:6:9'],
  },
  {
    kind: 'an unknown column only an incremental run reads',
    broken: ["{{ config(materialized='incremental', unique_key='id') }}\nselect id, amount from {{ source('raw', 'orders') }}\n{% if is_incremental() %}\nwhere id > (select max(order_id) from {{ this }})\n{% endif %}"],
    fixed: ["{{ config(materialized='incremental', unique_key='id') }}\nselect id, amount from {{ source('raw', 'orders') }}\n{% if is_incremental() %}\nwhere id > (select max(id) from {{ this }})\n{% endif %}"],
    expect: ['SM_CHECK_UNKNOWN_COLUMN at models/m.sql:4:24'],
  },
  {
    kind: 'a test on a column that does not exist',
    broken: ["select id, amount from {{ source('raw', 'orders') }}", 'version: 2\nmodels:\n  - name: m\n    data_tests:\n      - unique:\n          column_name: order_id\n'],
    fixed: ["select id, amount from {{ source('raw', 'orders') }}", 'version: 2\nmodels:\n  - name: m\n    data_tests:\n      - unique:\n          column_name: id\n'],
    expect: ['SM_CHECK_TEST_COLUMN at models/m.yml:5:9'],
  },
];

describe('sm check reports, with file, line and column', () => {
  for (const c of CASES) {
    it(`${c.kind}, and not once it is fixed`, async () => {
      const broken = await checkFiles(project(...c.broken));
      expect(where(broken.diagnostics), broken.diagnostics.map((d) => d.message).join('\n')).toEqual(c.expect);
      const fixed = await checkFiles(project(...c.fixed));
      expect(fixed.diagnostics.map((d) => d.message)).toEqual([]);
      expect(fixed.c!.check!.notChecked.map((n) => n.id)).toEqual([]);
    });
  }

  it('a test whose own SQL reads a missing column, at the YAML that declares it', async () => {
    const yaml = (field: string) =>
      `version: 2\nmodels:\n  - name: m\n    columns:\n      - name: customer_id\n        data_tests:\n          - relationships:\n              to: source('raw', 'customers')\n              field: ${field}\n`;
    const broken = await checkFiles(project("select id, customer_id from {{ source('raw', 'orders') }}", yaml('customer_key')));
    expect(where(broken.diagnostics)).toEqual(['SM_CHECK_UNKNOWN_COLUMN at models/m.yml:7:13']);
    const fixed = await checkFiles(project("select id, customer_id from {{ source('raw', 'orders') }}", yaml('id')));
    expect(fixed.diagnostics).toEqual([]);
  });

  it('SQL the checker does not read: not checked, with the reason, and no error', async () => {
    // DuckDB's PIVOT statement form is not a query the checker parses.
    const r = await checkFiles(project("pivot {{ source('raw', 'orders') }} on customer_id using sum(amount)"));
    expect(r.diagnostics).toEqual([]);
    const n = r.c!.check!.notChecked.map((x) => [x.id, x.reason]);
    expect(n).toHaveLength(1);
    expect(n[0]![0]).toBe('model.demo.m');
    expect(n[0]![1]).toMatch(/does not parse .*compiled line 1/);
  });

  it('a column of a source whose YAML types only some columns is unknown, not an error', async () => {
    const r = await checkFiles({
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n        columns:\n          - {name: id, data_type: integer}\n          - name: payload\n',
      'models/m.sql': "select id, whatever from {{ source('raw', 'events') }}",
    });
    expect(r.diagnostics).toEqual([]);
    const cols = r.c!.check!.nodes.get('model.demo.m')!.shape.cols.map((c) => [c.name, c.type.k]);
    expect(cols).toEqual([['id', 'int'], ['whatever', 'unknown']]);
  });

  it('a misspelt CTE: a warning naming the CTE meant (the table might exist), and its columns unknown', async () => {
    const r = await checkFiles(project("with recent as (select id from {{ source('raw', 'orders') }})\nselect id, anything from recnt"));
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code} at ${d.location?.line}:${d.location?.column}`)).toEqual(['warning SM_CHECK_UNKNOWN_RELATION at 2:26']);
    expect(r.diagnostics[0]!.hint).toMatch(/Did you mean the CTE "recent"/);
    // A warning: --strict still runs.
    expect((await checkFiles(project("with recent as (select id from {{ source('raw', 'orders') }})\nselect id from recnt"), { strict: true })).c).toBeDefined();
  });

  it('exposures and unit tests have no SQL to check and are not reported', async () => {
    const r = await checkFiles({
      ...project("select id, amount from {{ source('raw', 'orders') }}"),
      'models/exposures.yml': "version: 2\nexposures:\n  - name: dashboard\n    type: dashboard\n    owner: {name: Ana}\n    depends_on: [ref('m')]\n",
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.c!.check!.notChecked).toEqual([]);
    expect(r.c!.check!.nodes.has('exposure.demo.dashboard')).toBe(false);
  });

  it('--strict stops before anything runs, with the same diagnostics', async () => {
    const r = await checkFiles(project("select id, amount_total from {{ source('raw', 'orders') }}"), { strict: true });
    expect(r.c).toBeUndefined();
    expect(where(r.diagnostics)).toEqual(['SM_CHECK_UNKNOWN_COLUMN at models/m.sql:1:12']);
  });

  it('reads the Snowflake rendering with its own rules', async () => {
    const files = {
      ...project("select ID, dateadd(hour, 1, ordered_at) as later, iff(amount > 0, 'yes', 'no') as paid from {{ source('raw', 'orders') }} where AMOUNT > 0"),
      'profiles.yml': SNOWFLAKE_PROFILE,
    };
    const ok = await checkFiles(files);
    expect(ok.diagnostics.map((d) => d.message)).toEqual([]);
    const cols = ok.c!.check!.nodes.get('model.demo.m')!.shape.cols.map((c) => [c.name, c.type.k]);
    expect(cols).toEqual([['ID', 'decimal'], ['later', 'timestamp'], ['paid', 'varchar']]);
    const bad = await checkFiles({ ...files, 'models/m.sql': "select ID, AMOUNTS from {{ source('raw', 'orders') }}" });
    expect(where(bad.diagnostics)).toEqual(['SM_CHECK_UNKNOWN_COLUMN at models/m.sql:1:12']);
  });
});
