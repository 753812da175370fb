import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from '../src/index.ts';
import { compile, execute, type Diagnostic } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

const SCHEMA = `version: 2
models:
  - name: dim
    columns:
      - name: id
        tests:
          - unique
          - uniq
      - name: level
        tests:
          - accepted_values:
              quote: true
      - name: nope
        tests: [not_null]
  - name: fact
    columns:
      - name: dim_id
        data_tests:
          - relationships:
              to: ref('dim')
`;

/** What compile reports of the tests: the errors that stopped it, or the warnings it went on with. */
async function diagnostics(files: Record<string, string>): Promise<Diagnostic[]> {
  const dir = writeProject({ 'profiles.yml': PROFILE, ...files });
  try {
    const c = await compile({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter } }, 'compile');
    return c.diagnostics.filter((d) => d.code === 'SM_TEST_INVALID');
  } catch (e) {
    return [...((e as { diagnostics: Diagnostic[] }).diagnostics ?? [])];
  }
}

describe('malformed test declarations are compile errors with the YAML file and line', () => {
  it('reports every problem of one file in one run', async () => {
    const ds = await diagnostics({
      'models/dim.sql': "select 1 as id, 'free' as level",
      'models/fact.sql': "select id as dim_id from {{ ref('dim') }}",
      'models/schema.yml': SCHEMA,
    });
    const msg = (d: Diagnostic) => `${d.location?.file}:${d.location?.line} ${d.message} | ${d.hint}`;
    const all = ds.map(msg);
    expect(ds.every((d) => d.code === 'SM_TEST_INVALID')).toBe(true);
    expect(all).toContainEqual(expect.stringMatching(/^models\/schema\.yml:8 Unknown test "uniq" on dim.*Known tests: unique/));
    expect(all).toContainEqual(expect.stringMatching(/^models\/schema\.yml:11 Test "accepted_values" on dim is missing its argument "values".*accepted_values: \{values: \[a, b\]\}/));
    expect(all).toContainEqual(expect.stringMatching(/^models\/schema\.yml:14 Test "not_null" is declared on column "nope" of dim, which has no such column \(it has: id, level\)/));
    expect(all).toContainEqual(expect.stringMatching(/^models\/schema\.yml:19 Test "relationships" on fact is missing its argument "field"/));
    expect(ds).toHaveLength(4);
  });

  it('knows seed columns from the CSV header; relationships without to and field names both', async () => {
    const ds = await diagnostics({
      'seeds/codes.csv': 'code,name\na,A\n',
      'seeds/schema.yml': 'version: 2\nseeds:\n  - name: codes\n    columns:\n      - name: kode\n        tests: [unique]\n      - name: code\n        tests: [relationships]\n',
    });
    expect(ds.map((d) => `${d.location?.line} ${d.message}`).sort()).toEqual([
      '6 Test "unique" is declared on column "kode" of codes, which has no such column (it has: code, name)',
      '8 Test "relationships" on codes is missing its arguments "to" and "field"',
    ]);
  });

  it('does not guess when the columns are unknowable offline (select *), and then says it at test time', async () => {
    const files = {
      'models/base.sql': "{{ config(materialized='table') }}select 1 as id",
      'models/dim.sql': "{{ config(materialized='table') }}select * from {{ ref('base') }}",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: dim\n    columns:\n      - name: idd\n        tests: [not_null]\n',
    };
    expect(await diagnostics(files)).toEqual([]);
    const dir = writeProject({ 'profiles.yml': PROFILE, ...files });
    const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter } }, 'build');
    const t = o.results.find((r) => r.resourceType === 'test')!;
    expect(t.status).toBe('error');
    expect(t.message).toContain('models/schema.yml:6: test not_null_dim_idd checks column "idd" of dim, which "main"."dim" does not have (it has: id)');
  });

  // dbt 1.11.16 on a test of a column the model does not select: parse, ls and compile exit 0; build and
  // test fail that test with the warehouse's error (exit 1). sm refused test, compile and ls (exit 2).
  it('in build and test the same problem is a warning before the run and an error of that test naming the YAML line', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/dim.sql': "{{ config(materialized='table') }}select 1 as id",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: dim\n    columns:\n      - name: idd\n        tests: [unique]\n',
    });
    const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter } }, 'build');
    expect(o.compilation.diagnostics.filter((d) => d.code === 'SM_TEST_INVALID').map((d) => `${d.severity} ${d.location?.file}:${d.location?.line}`)).toEqual(['warning models/schema.yml:6']);
    expect(o.results.find((r) => r.name === 'dim')!.status).toBe('success');
    expect(o.results.find((r) => r.resourceType === 'test')!.message).toMatch(/^models\/schema\.yml:6: test unique_dim_idd checks column "idd"/);
    // sm test, on the built table, runs the test, which fails naming the YAML line.
    const t = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter } }, 'test');
    expect(t.compilation.diagnostics.filter((d) => d.code === 'SM_TEST_INVALID').map((d) => d.severity)).toEqual(['warning']);
    expect(t.results.map((r) => [r.status, r.message?.split(':')[0]])).toEqual([['error', 'models/schema.yml']]);
  });
});

describe('the columns a model selects, read before anything runs', () => {
  it('a comment line before a qualified column does not eat its first letters', async () => {
    const ds = await diagnostics({
      'models/base.sql': "select 1 as daily_id, 2 as age",
      'models/dim.sql': "select\n    -- Identifiers\n    b.daily_id,\n\n    -- Lifecycle\n    b.age\nfrom {{ ref('base') }} b",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: dim\n    columns:\n      - name: daily_id\n        tests: [not_null]\n      - name: age\n        tests: [unique]\n      - name: nope\n        tests: [unique]\n',
    });
    expect(ds.map((d) => d.message)).toEqual(['Test "unique" is declared on column "nope" of dim, which has no such column (it has: daily_id, age)']);
  });
});
