import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from '../src/index.ts';
import { execute, type InvocationOptions } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n';

async function sm(dir: string, command: 'build' | 'test' | 'run', extra: Partial<InvocationOptions> = {}) {
  const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, ...extra }, command);
  const by = (name: string) => o.results.find((r) => r.name === name);
  return { o, by, order: o.results.map((r) => r.name) };
}

const MODELS = {
  'profiles.yml': PROFILE,
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: users\n        columns:\n          - name: id\n            data_type: integer\n',
  'models/stg_users.sql': "select id, lower(name) as name, level, ts::timestamp as ts from {{ source('raw', 'users') }}",
  // Type-2 on level: a row per contiguous run of the same level.
  'models/dim_users.sql': `{{ config(materialized='table') }}
with ordered as (
  select *, level is distinct from lag(level) over (partition by id order by ts) as starts from {{ ref('stg_users') }}
), runs as (
  select *, sum(case when starts then 1 else 0 end) over (partition by id order by ts) as run from ordered
)
select id, name, level, min(ts) as valid_from,
  lead(min(ts)) over (partition by id order by min(ts)) as valid_to
from runs
{% if var('only_paid', false) %}where level = 'paid'{% endif %}
group by id, name, level, run`,
  'models/counts.sql': "{{ config(materialized='incremental', unique_key='level') }}select level, count(*) as n from {{ ref('dim_users') }}{% if is_incremental() %} where level not in (select level from {{ this }}){% endif %} group by level",
};

function project(unitYaml: string, extra: Record<string, string> = {}): string {
  return writeProject({ ...MODELS, 'models/unit.yml': unitYaml, ...extra });
}

const DIM_UNIT = `unit_tests:
  - name: dim_users_type2
    model: dim_users
    given:
      - input: ref('stg_users')
        rows:
          - {id: 1, name: ann, level: free, ts: '2024-01-01 00:00:00'}
          - {id: 1, name: ann, level: paid, ts: '2024-01-02 00:00:00'}
          - {id: 1, name: ann, level: paid, ts: '2024-01-03 00:00:00'}
          - {id: 1, name: ann, level: free, ts: '2024-01-04 00:00:00'}
    expect:
      rows:
        - {id: 1, level: free, valid_from: '2024-01-04', valid_to: null}
        - {id: 1, level: free, valid_from: '2024-01-01', valid_to: '2024-01-02'}
        - {id: 1, level: paid, valid_from: '2024-01-02', valid_to: '2024-01-04'}
`;

describe('unit tests', () => {
  it('run on mocked rows before any table exists, and pass', async () => {
    const dir = project(DIM_UNIT);
    const { o, by } = await sm(dir, 'test', { select: ['test_type:unit'] });
    expect(by('dim_users_type2')?.status, by('dim_users_type2')?.message).toBe('pass');
    expect(o.results).toHaveLength(1);
    // Nothing was built: the real source does not even exist.
    expect(existsSync(join(dir, 'target/compiled/demo/models/unit.yml/models/dim_users_type2.sql'))).toBe(true);
  });

  it('fail with a readable diff that names missing and unexpected rows', async () => {
    const dir = project(DIM_UNIT.replace("valid_to: '2024-01-04'", "valid_to: '2024-01-05'"));
    const { o, by } = await sm(dir, 'test');
    const r = by('dim_users_type2')!;
    expect(r.status).toBe('fail');
    expect(o.status).toBe('failure');
    // dbt 1.11 counts a failed unit test as one failure (run_results and `FAIL 1`), whatever the rows.
    expect(r.failures).toBe(1);
    expect(r.message).toContain('1 expected row missing, 1 unexpected');
    expect(r.message).toMatch(/- 1 +\| paid +\| 2024-01-02 00:00:00 \| 2024-01-05 00:00:00/);
    expect(r.message).toMatch(/\+ 1 +\| paid +\| 2024-01-02 00:00:00 \| 2024-01-04 00:00:00/);
  });

  it('run first in build: the model waits for them, and a failing one skips the model and its children', async () => {
    const bad = project(DIM_UNIT.replace("valid_to: '2024-01-04'", "valid_to: '2024-01-05'"), {
      'seeds/users.csv': 'id,name,level,ts\n1,Ann,free,2024-01-01 00:00:00\n',
      'models/sources.yml': '',
      'models/stg_users.sql': "select id, lower(name) as name, level, ts::timestamp as ts from {{ ref('users') }}",
    });
    const b = await sm(bad, 'build');
    expect(b.by('dim_users_type2')!.status).toBe('fail');
    expect(b.by('dim_users')!.status).toBe('skipped');
    expect(b.by('counts')!.status).toBe('skipped');
    expect(b.by('stg_users')!.status).toBe('success');
    // The unit test ran after the model's parents (it types its inputs from them) and before the model.
    expect(b.order.indexOf('stg_users')).toBeLessThan(b.order.indexOf('dim_users_type2'));
  });

  it('csv and sql formats, vars and is_incremental overrides, and `this`', async () => {
    const dir = project(`unit_tests:
  - name: paid_only
    model: dim_users
    overrides:
      vars: {only_paid: true}
    given:
      - input: ref('stg_users')
        format: csv
        rows: |
          id,name,level,ts
          1,ann,free,2024-01-01 00:00:00
          2,bob,paid,2024-01-01 00:00:00
    expect:
      format: sql
      rows: select 2 as id, 'bob' as name, 'paid' as level, timestamp '2024-01-01' as valid_from, null::timestamp as valid_to
  - name: counts_incremental
    model: counts
    overrides:
      macros: {is_incremental: true}
    given:
      - input: ref('dim_users')
        rows: [{level: free}, {level: paid}, {level: paid}]
      - input: this
        rows: [{level: free, n: 7}]
    expect:
      rows: [{level: paid, n: 2}]
  - name: counts_full
    model: counts
    given:
      - input: ref('dim_users')
        rows: [{level: free}, {level: paid}, {level: paid}]
    expect:
      rows: [{level: paid, n: 2}, {level: free, n: 1}]
`);
    const { by } = await sm(dir, 'test', { select: ['test_type:unit'] });
    for (const n of ['paid_only', 'counts_incremental', 'counts_full']) expect(by(n)?.status, `${n}: ${by(n)?.message}`).toBe('pass');
  });

  it('types inputs from the real relation when it exists (strings become timestamps)', async () => {
    const dir = project(`unit_tests:
  - name: typed
    model: counts
    given:
      - input: ref('dim_users')
        rows: [{level: free, valid_from: '2024-01-01'}]
    expect:
      rows: [{level: free, n: 1}]
`, {
      'seeds/users.csv': 'id,name,level,ts\n1,Ann,free,2024-01-01 00:00:00\n',
      'models/sources.yml': '',
      'models/stg_users.sql': "select id, lower(name) as name, level, ts::timestamp as ts from {{ ref('users') }}",
    });
    const first = await sm(dir, 'build');
    expect(first.by('typed')!.status, first.by('typed')!.message).toBe('pass');
    const c = first.o.results.find((r) => r.name === 'typed')!.compiledCode!;
    expect(c).toContain("cast('2024-01-01' as TIMESTAMP)");
    // Columns the rows leave out are null of the real type.
    expect(c).toMatch(/cast\(null as (INTEGER|BIGINT)\) as "id"/);
  });

  it('reads given and expected rows from fixture files under tests/fixtures', async () => {
    const dir = project(`unit_tests:
  - name: from_fixtures
    model: counts
    given:
      - input: ref('dim_users')
        format: csv
        fixture: levels
    expect:
      format: sql
      fixture: expected_counts
  - name: missing_fixture
    model: counts
    given:
      - input: ref('dim_users')
        fixture: nope
    expect:
      rows: []
`, {
      'tests/fixtures/levels.csv': 'level\nfree\npaid\npaid\n',
      'tests/fixtures/expected_counts.sql': "select 'paid' as level, 2 as n union all select 'free', 1",
    });
    const { by, o } = await sm(dir, 'test');
    // Fixture files are data, not singular tests.
    expect(o.results.map((r) => r.name).sort()).toEqual(['from_fixtures', 'missing_fixture']);
    expect(by('from_fixtures')?.status, by('from_fixtures')?.message).toBe('pass');
    expect(by('missing_fixture')?.status).toBe('error');
    expect(by('missing_fixture')?.message).toContain('fixture "nope" not found; looked for tests/fixtures/nope.csv');
  });

  it('a missing input is an error that says what to add', async () => {
    const dir = project(`unit_tests:
  - name: nogiven
    model: dim_users
    given: []
    expect:
      rows: []
`);
    const { by } = await sm(dir, 'test');
    expect(by('nogiven')!.status).toBe('error');
    expect(by('nogiven')!.message).toContain("dim_users reads ref('stg_users') but the test gives no rows for it");
  });
});
