import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const target = (name: string) => `    ${name}:\n      type: duckdb\n      path: demo.duckdb\n      schema: ${name}\n      threads: 1\n`;
const PROFILE = `demo:\n  target: dev\n  outputs:\n${target('dev')}${target('prod')}${target('ci')}`;

// The answers below are dbt-core 1.11.16's (dbt-duckdb 1.11.1) on the same project, production
// built with -t prod and its target/ kept as the state: summary refs big_orders (a table) and
// stg_orders (a view); dbt compiled `"demo"."prod"."big_orders"` where a ref deferred and
// `"demo"."dev"...` where it did not (the database is the DuckDB file's name, as sm prints it).
const files = {
  'profiles.yml': PROFILE,
  'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n3,30\n',
  'models/stg_orders.sql': "select id, amount from {{ ref('raw_orders') }}",
  'models/big_orders.sql': "{{ config(materialized='table') }}\nselect id, amount * 2 as doubled from {{ ref('stg_orders') }} where amount > 15",
  'models/summary.sql': "{{ config(materialized='table') }}\nselect count(*) as n, '{{ ref(\"stg_orders\") }}' as upstream from {{ ref('big_orders') }}",
};

// The compiled file as dbt writes it: the newline config() leaves first (dbt compile of summary, 8 Dec 2026).
const compiled = (dir: string, model: string) => readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', `${model}.sql`), 'utf8');
// The table summary's run built (`show summary` would run its query again, as dbt's does).
const summaryRow = async (dir: string, t: string) => shownRows((await sm('show', '--inline', "select * from {{ ref('summary') }}", '--project-dir', dir, '-t', t, '--log-format', 'json')).out)[0] as { n: number; upstream: string };

describe('--defer --state, as dbt 1.11', () => {
  it('refs to unselected nodes read the state\'s relations where this target lacks them; --favor-state always; selected nodes never', async () => {
    const dir = writeProject(files);
    expect((await sm('build', '--project-dir', dir, '-t', 'prod', '--target-path', 'prod-artifacts')).code).toBe(0);

    // Nothing in dev: both refs defer, and the model builds from production's tables.
    const first = await sm('run', '--project-dir', dir, '-s', 'summary', '--defer', '--state', join(dir, 'prod-artifacts'));
    expect(first.code).toBe(0);
    expect(compiled(dir, 'summary')).toBe(`\nselect count(*) as n, '"demo"."prod"."stg_orders"' as upstream from "demo"."prod"."big_orders"`);
    expect(await summaryRow(dir, 'dev')).toEqual({ n: 2, upstream: '"demo"."prod"."stg_orders"' });
    // The manifest keeps the dependencies; the compiled SQL it records is the deferred one.
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
    expect(manifest.nodes['model.demo.summary'].depends_on.nodes).toEqual(['model.demo.stg_orders', 'model.demo.big_orders']);

    // stg_orders now exists in dev: without --favor-state it is read there; big_orders still from prod.
    expect((await sm('build', '--project-dir', dir, '-s', 'raw_orders', 'stg_orders')).code).toBe(0);
    expect((await sm('run', '--project-dir', dir, '-s', 'summary', '--defer', '--state', join(dir, 'prod-artifacts'))).code).toBe(0);
    expect(compiled(dir, 'summary')).toBe(`\nselect count(*) as n, '"demo"."dev"."stg_orders"' as upstream from "demo"."prod"."big_orders"`);

    // --favor-state: the state's relation for every unselected node, present here or not.
    expect((await sm('run', '--project-dir', dir, '-s', 'summary', '--defer', '--favor-state', '--state', join(dir, 'prod-artifacts'))).code).toBe(0);
    expect(compiled(dir, 'summary')).toBe(`\nselect count(*) as n, '"demo"."prod"."stg_orders"' as upstream from "demo"."prod"."big_orders"`);

    // A selected node is never deferred.
    expect((await sm('run', '--project-dir', dir, '-s', 'big_orders', 'summary', '--defer', '--favor-state', '--state', join(dir, 'prod-artifacts'))).code).toBe(0);
    expect(compiled(dir, 'summary')).toBe(`\nselect count(*) as n, '"demo"."prod"."stg_orders"' as upstream from "demo"."dev"."big_orders"`);

    // DBT_DEFER / DBT_STATE / DBT_FAVOR_STATE as the flags; --no-defer wins over them; a plain compile after is not deferred.
    Object.assign(process.env, { DBT_DEFER: '1', DBT_STATE: join(dir, 'prod-artifacts'), DBT_FAVOR_STATE: 'true' });
    try {
      expect((await sm('compile', '--project-dir', dir, '-s', 'summary')).code).toBe(0);
      expect(compiled(dir, 'summary')).toBe(`\nselect count(*) as n, '"demo"."prod"."stg_orders"' as upstream from "demo"."prod"."big_orders"`);
      expect((await sm('compile', '--project-dir', dir, '-s', 'summary', '--no-defer')).code).toBe(0);
      expect(compiled(dir, 'summary')).toBe(`\nselect count(*) as n, '"demo"."dev"."stg_orders"' as upstream from "demo"."dev"."big_orders"`);
    } finally {
      for (const k of ['DBT_DEFER', 'DBT_STATE', 'DBT_FAVOR_STATE']) delete process.env[k];
    }
    expect((await sm('compile', '--project-dir', dir, '-s', 'summary')).code).toBe(0);
    expect(compiled(dir, 'summary')).toBe(`\nselect count(*) as n, '"demo"."dev"."stg_orders"' as upstream from "demo"."dev"."big_orders"`);
  });

  it('slim CI: build -s state:modified+ --defer --state builds the change and its children on production\'s parents', async () => {
    const dir = writeProject(files);
    expect((await sm('build', '--project-dir', dir, '-t', 'prod', '--target-path', 'prod-artifacts')).code).toBe(0);
    writeFileSync(join(dir, 'models', 'big_orders.sql'), "{{ config(materialized='table') }}\nselect id, amount * 2 as doubled from {{ ref('stg_orders') }} where amount > 5");
    const ci = await sm('build', '--project-dir', dir, '-t', 'ci', '-s', 'state:modified+', '--defer', '--state', join(dir, 'prod-artifacts'));
    expect(ci.code).toBe(0);
    expect(ci.out).toContain('OK=2');
    expect(compiled(dir, 'big_orders')).toContain('from "demo"."prod"."stg_orders"');
    expect(compiled(dir, 'summary')).toContain('from "demo"."ci"."big_orders"');
    expect(await summaryRow(dir, 'ci')).toEqual({ n: 3, upstream: '"demo"."prod"."stg_orders"' });
  });

  it('sm ls --defer lists the selection as without it', async () => {
    const dir = writeProject(files);
    expect((await sm('build', '--project-dir', dir, '-t', 'prod', '--target-path', 'prod-artifacts')).code).toBe(0);
    const r = await sm('ls', '--project-dir', dir, '-s', 'summary', '--defer', '--state', join(dir, 'prod-artifacts'), '--output', 'name');
    expect(r).toMatchObject({ code: 0, out: 'summary' });
  });

  it('--defer without --state is a usage error (exit 2), as dbt\'s', async () => {
    const dir = writeProject(files);
    const r = await sm('run', '--project-dir', dir, '--defer');
    expect(r.code).toBe(2);
    expect(r.out + r.err).toContain('--defer needs --state');
  });
});

describe('sm test --defer', () => {
  it("a test of an unselected model reads the state's relation (dbt: the test's model is a ref)", async () => {
    const dir = writeProject({ ...files, 'models/schema.yml': 'version: 2\nmodels:\n  - name: big_orders\n    columns:\n      - name: id\n        data_tests: [not_null]\n' });
    expect((await sm('build', '--project-dir', dir, '-t', 'prod', '--target-path', 'prod-artifacts')).code).toBe(0);
    const r = await sm('test', '--project-dir', dir, '-t', 'ci', '-s', 'big_orders', '--defer', '--state', join(dir, 'prod-artifacts'));
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'schema.yml', 'not_null_big_orders_id.sql'), 'utf8')).toContain('from "demo"."prod"."big_orders"');
  });
});
