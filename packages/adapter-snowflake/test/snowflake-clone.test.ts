import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, execute, type InvocationOptions, type NodeResult } from '@smsql/core';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';
import { password, type SnowflakeEmulator, startEmulator } from '@smsql/test-kit';

/** `sm clone` on Snowflake (the wire emulator, the real driver): tables cloned without a copy, views as views, relations the target has left alone. */
const profile = (schema: string) => [`    ${schema}:`, '      type: snowflake', '      account: emu', '      user: alice', "      password: \"{{ env_var('SF_PASSWORD') }}\"", '      database: analytics', `      schema: ${schema}`, '      warehouse: wh_default', "      access_url: \"{{ env_var('SF_URL') }}\"", '      threads: 2'];
const files: Record<string, string> = {
  'sm_project.yml': 'name: demo\nprofile: demo\n',
  'profiles.yml': ['demo:', '  target: prod', '  outputs:', ...profile('prod'), ...profile('dev'), ''].join('\n'),
  'seeds/plays.csv': 'play_id,level\n1,free\n2,paid\n',
  'models/stg_plays.sql': "select play_id, level from {{ ref('plays') }}",
  'models/dim_levels.sql': "{{ config(materialized='table') }}\nselect level, count(*) as plays from {{ ref('stg_plays') }} group by level",
};

let dir: string;
let emulator: SnowflakeEmulator;
let results: NodeResult[];
let again: NodeResult[];
const opts = (extra: Partial<InvocationOptions> = {}): InvocationOptions => ({
  projectDir: dir,
  adapters: { snowflake: () => createSnowflakeAdapter() },
  env: { ...process.env, SF_PASSWORD: password, SF_URL: emulator.url },
  ...extra,
});

beforeAll(async () => {
  emulator = (await startEmulator()).emulator;
  dir = mkdtempSync(join(tmpdir(), 'sm-sf-clone-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  expect((await build(opts())).status).toBe('success');
  const state = join(dir, 'prod-state');
  rmSync(state, { recursive: true, force: true });
  // The production run's artifacts are the state.
  const { cpSync } = await import('node:fs');
  cpSync(join(dir, 'target'), state, { recursive: true });
  emulator.log.length = 0;
  results = (await execute(opts({ target: 'dev', state }), 'clone')).results;
  again = (await execute(opts({ target: 'dev', state }), 'clone')).results;
}, 120_000);

afterAll(async () => {
  await emulator?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sm clone on Snowflake', () => {
  it('clones the tables (zero-copy) and makes the view a view of the state', () => {
    expect(results.map((r) => `${r.name}:${r.status}:${r.message}`).sort()).toEqual(['dim_levels:success:OK', 'plays:success:OK', 'stg_plays:success:OK']);
    const sqls = emulator.log.map((e) => e.sql);
    // Transient as the tables sm builds there (the model's `transient` config says otherwise); the state's database is the session's.
    expect(sqls).toContain('create or replace transient table analytics.dev.dim_levels clone prod.dim_levels');
    expect(sqls).toContain('create or replace transient table analytics.dev.plays clone prod.plays');
    expect(sqls.some((s) => /^create or replace view analytics\.dev\.stg_plays as \(\s*select \* from prod\.stg_plays\s*\)$/.test(s))).toBe(true);
  });

  it('leaves what the target has alone the second time (No-op)', () => {
    expect(again.map((r) => `${r.name}:${r.message}`).sort()).toEqual(['dim_levels:No-op', 'plays:No-op', 'stg_plays:No-op']);
  });
});
