import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type InvocationOptions, type NodeResult } from '@smsql/core';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';
import type { SnowflakeConnection } from '../src/snowflake-connection.ts';
import { password, type SnowflakeEmulator, startEmulator } from '@smsql/test-kit';

/**
 * A small project through core's `build` on the Snowflake adapter and the real driver: seed,
 * view, table, the three incremental strategies and tests, twice (full, then incremental).
 */
const files: Record<string, string> = {
  'sm_project.yml': 'name: demo\nprofile: demo\n',
  'profiles.yml': [
    'demo:',
    '  target: prod',
    '  outputs:',
    '    prod:',
    '      type: snowflake',
    "      account: emu",
    "      user: alice",
    "      password: \"{{ env_var('SF_PASSWORD') }}\"",
    '      database: analytics',
    '      schema: demo',
    '      warehouse: wh_default',
    "      access_url: \"{{ env_var('SF_URL') }}\"",
    '      threads: 3',
    '',
  ].join('\n'),
  'seeds/plays.csv': 'play_id,user_id,level,ts\n1,10,free,2024-01-01 00:00:00\n2,11,paid,2024-01-01 01:00:00\n3,10,paid,2024-01-02 00:00:00\n',
  'models/stg_plays.sql': "select play_id, user_id, lower(level) as level, ts from {{ ref('plays') }}",
  'models/dim_users.sql': "{{ config(materialized='table', cluster_by=['user_id'], query_tag='sm:dim_users', snowflake_warehouse='wh_big') }}\nselect user_id, max(level) as level from {{ ref('stg_plays') }} group by user_id",
  'models/fct_merge.sql': "{{ config(materialized='incremental', unique_key='play_id') }}\nselect play_id, user_id, level, ts from {{ ref('stg_plays') }}{% if is_incremental() %} where ts >= (select max(ts) from {{ this }}){% endif %}",
  // Batches chosen by a var, so the append strategy is checked independently of is_incremental().
  'models/fct_append.sql': "{{ config(materialized='incremental') }}\nselect play_id, ts from {{ ref('stg_plays') }} where {% if var('batch') == 1 %}play_id <= 3{% else %}play_id > 3{% endif %}",
  'models/fct_delins.sql': "{{ config(materialized='incremental', unique_key='user_id', incremental_strategy='delete+insert', transient=false) }}\nselect user_id, count(*) as plays from {{ ref('stg_plays') }} group by user_id",
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: dim_users',
    '    columns:',
    '      - name: user_id',
    '        tests:',
    '          - not_null',
    "          - unique: {config: {query_tag: 'sm:test_dim_users', snowflake_warehouse: wh_test}}",
    '  - name: fct_merge',
    '    columns:',
    '      - name: play_id',
    '        tests: [unique]',
    '',
  ].join('\n'),
};

function writeFiles(root: string, project: Record<string, string>): void {
  for (const [rel, text] of Object.entries(project)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

let dir: string;
let fixture: Awaited<ReturnType<typeof startEmulator>>;
let emulator: SnowflakeEmulator;
let first: NodeResult[];
let second: NodeResult[];

const opts = (batch: number): InvocationOptions => ({
  projectDir: dir,
  vars: { batch },
  adapters: { snowflake: () => createSnowflakeAdapter() },
  env: { ...process.env, SF_PASSWORD: password, SF_URL: emulator.url },
});

async function query(sql: string) {
  const session = await createSnowflakeAdapter().connect(fixture.target(), { projectDir: dir });
  try {
    const c = (await session.acquire()) as SnowflakeConnection;
    return (await c.execute(sql)).rows;
  } finally {
    await session.close();
  }
}

beforeAll(async () => {
  fixture = await startEmulator();
  emulator = fixture.emulator;
  dir = mkdtempSync(join(tmpdir(), 'sm-sf-build-'));
  writeFiles(dir, files);
  first = (await build(opts(1))).results;
  // New data arrives: one more play for an existing user and one for a new user.
  writeFileSync(join(dir, 'seeds/plays.csv'), `${files['seeds/plays.csv']}4,11,paid,2024-01-03 00:00:00\n5,12,free,2024-01-04 00:00:00\n`);
  second = (await build(opts(2))).results;
}, 120_000);

afterAll(async () => {
  await emulator?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('build on Snowflake through the real driver', () => {
  it('succeeds on every node, twice', () => {
    for (const rs of [first, second]) {
      expect(rs.length).toBeGreaterThanOrEqual(8);
      for (const r of rs) expect(['success', 'pass'], `${r.uniqueId}: ${r.message}`).toContain(r.status);
    }
  });

  it('builds tables transient with cluster by unless transient is false', () => {
    const dim = emulator.log.find((e) => /create or replace transient table analytics\.demo\.dim_users cluster by \(user_id\)/.test(e.sql));
    expect(dim).toBeDefined();
    expect(emulator.log.some((e) => /create or replace table analytics\.demo\.fct_delins/.test(e.sql))).toBe(true);
  });

  it('applies query_tag and warehouse to every statement of a node, tests included', () => {
    const dim = emulator.log.filter((e) => e.sql.includes('demo.dim_users') && !e.sql.includes('failures'));
    expect(dim.length).toBeGreaterThanOrEqual(2);
    for (const e of dim) expect([e.queryTag, e.warehouse], e.sql).toEqual(['sm:dim_users', 'WH_BIG']);
    const tests = emulator.log.filter((e) => e.sql.includes('failures') && e.sql.includes('demo.dim_users'));
    const unique = tests.filter((e) => !/is null/i.test(e.sql));
    const notNull = tests.filter((e) => /is null/i.test(e.sql));
    expect([unique.length, notNull.length]).toEqual([2, 2]);
    for (const e of unique) expect([e.queryTag, e.warehouse], e.sql).toEqual(['sm:test_dim_users', 'WH_TEST']);
    for (const e of notNull) expect([e.queryTag, e.warehouse], e.sql).toEqual([undefined, 'WH_DEFAULT']);
    const others = emulator.log.filter((e) => e.sql.includes('demo.fct_append'));
    expect(others.length).toBeGreaterThan(0);
    for (const e of others) expect([e.queryTag, e.warehouse], e.sql).toEqual([undefined, 'WH_DEFAULT']);
  });

  it('merge updates and inserts; append adds only new rows; delete+insert replaces by key', async () => {
    expect(await query('select play_id, user_id from analytics.demo.fct_merge order by play_id')).toEqual([1, 2, 3, 4, 5].map((p) => ({ play_id: p, user_id: [10, 11, 10, 11, 12][p - 1] })));
    expect(emulator.log.some((e) => e.sql.startsWith('merge into analytics.demo.fct_merge'))).toBe(true);
    expect(await query('select count(*) as n, count(distinct play_id) as d from analytics.demo.fct_append')).toEqual([{ n: 5, d: 5 }]);
    expect(await query('select user_id, plays from analytics.demo.fct_delins order by user_id')).toEqual([{ user_id: 10, plays: 2 }, { user_id: 11, plays: 2 }, { user_id: 12, plays: 1 }]);
  });

  it('loads the seed with array binds, not a statement per row', () => {
    const inserts = emulator.log.filter((e) => /^insert into analytics\.demo\.plays__sm_tmp/.test(e.sql));
    expect(inserts).toHaveLength(2);
  });

  it('keeps the password out of every artifact', () => {
    const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
    const artifacts = files(join(dir, 'target'));
    expect(artifacts.some((f) => f.endsWith('run_results.json'))).toBe(true);
    for (const f of artifacts) expect(readFileSync(f, 'utf8'), f).not.toContain(password);
  });

  it("writes dbt-snowflake's default quote policy in manifest.json (nothing quoted)", () => {
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { metadata: { adapter_type: string; quoting: unknown } };
    expect(m.metadata.adapter_type).toBe('snowflake');
    expect(m.metadata.quoting).toEqual({ database: false, schema: false, identifier: false, column: null });
  });

  it('a refused login fails the build naming the account and method, never the password', async () => {
    const wrong = 'Wrong-Secret-9931';
    const e = await build({ ...opts(2), env: { ...opts(2).env, SF_PASSWORD: wrong } }).then(
      () => undefined,
      (x: unknown) => x as Error,
    );
    expect(e?.message).toMatch(/account "emu" with password authentication: Incorrect username or password/);
    expect(e?.message).not.toContain(wrong);
  });

  it('never ran SQL the emulator had to reject', () => {
    expect(emulator.unknownRequests).toEqual([]);
  });
});

describe('interrupting a build on Snowflake', () => {
  it('aborts the running query in Snowflake and reports the node cancelled', async () => {
    const slowDir = mkdtempSync(join(tmpdir(), 'sm-sf-cancel-'));
    try {
      const project: Record<string, string> = {
        'sm_project.yml': files['sm_project.yml']!,
        'profiles.yml': files['profiles.yml']!,
        'models/slow.sql': "{{ config(materialized='table') }}\nselect system$wait(60) as waited",
      };
      writeFiles(slowDir, project);
      const controller = new AbortController();
      const aborts = emulator.stats.aborts;
      const running = build({ ...opts(1), projectDir: slowDir, signal: controller.signal });
      while (!emulator.log.some((e) => e.sql.includes('.slow') && e.sql.includes('system$wait'))) await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      const outcome = await running;
      expect(outcome.interrupted).toBe(true);
      expect(outcome.results.find((r) => r.uniqueId === 'model.demo.slow')?.status).toBe('cancelled');
      expect(emulator.stats.aborts - aborts).toBe(1);
    } finally {
      rmSync(slowDir, { recursive: true, force: true });
    }
  });
});

describe('a statement Snowflake refuses', () => {
  // dbt-snowflake raises what Snowflake refuses as a DbtDatabaseError: "Database Error in model
  // <name> (<file>)" in run_results.json, where dbt-duckdb says "Runtime Error".
  it("is worded as dbt-snowflake's database error in run_results.json, and its dependent skipped", async () => {
    const badDir = mkdtempSync(join(tmpdir(), 'sm-sf-bad-'));
    try {
      const project: Record<string, string> = {
        'sm_project.yml': files['sm_project.yml']!,
        'profiles.yml': files['profiles.yml']!,
        'models/bad.sql': 'select * from no_such_table_here',
        'models/after_bad.sql': "select * from {{ ref('bad') }}",
      };
      writeFiles(badDir, project);
      const outcome = await build({ ...opts(1), projectDir: badDir });
      expect(outcome.results.find((r) => r.uniqueId === 'model.demo.bad')?.status).toBe('error');
      const rr = JSON.parse(readFileSync(join(badDir, 'target', 'run_results.json'), 'utf8')) as { results: Record<string, any>[] };
      const bad = rr.results.find((x) => x.unique_id === 'model.demo.bad')!;
      expect(bad.message).toMatch(/^Database Error in model bad \(models\/bad\.sql\)\n {2}\S/);
      expect(bad.message.toUpperCase()).toContain('NO_SUCH_TABLE_HERE');
      expect(rr.results.find((x) => x.unique_id === 'model.demo.after_bad')).toMatchObject({ status: 'skipped', message: null, timing: [] });
    } finally {
      rmSync(badDir, { recursive: true, force: true });
    }
  });
});
