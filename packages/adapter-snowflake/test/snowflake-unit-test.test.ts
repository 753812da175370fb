import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type NodeResult } from '@smsql/core';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';
import { emulatorProfile, password, type SnowflakeEmulator, startEmulator } from '@smsql/test-kit';

/**
 * Unit tests on Snowflake through the real driver: the fixtures are cast with the adapter's own
 * safe_cast (`try_cast`), and actual and expected rows come back from one statement, as dbt runs it.
 */
const files: Record<string, string> = {
  'sm_project.yml': 'name: demo\nprofile: demo\n',
  'profiles.yml': emulatorProfile('demo', 1),
  'seeds/plays.csv': 'play_id,user_id,level\n1,10,free\n2,11,paid\n',
  'models/stg_plays.sql': "select play_id, user_id, lower(level) as level from {{ ref('plays') }}",
  'models/paid.sql': "select user_id, count(*) as plays from {{ ref('stg_plays') }} where level = 'paid' group by user_id",
  'models/u.yml': [
    'unit_tests:',
    '  - name: counts_paid',
    '    model: paid',
    '    given:',
    "      - input: ref('stg_plays')",
    '        rows:',
    "          - {play_id: 1, user_id: 7, level: paid}",
    "          - {play_id: 2, user_id: 7, level: paid}",
    "          - {play_id: 3, user_id: 8, level: free}",
    '    expect:',
    '      rows:',
    '        - {user_id: 7, plays: 2}',
    '  - name: wrong_count',
    '    model: paid',
    '    given:',
    "      - input: ref('stg_plays')",
    '        rows:',
    "          - {play_id: 1, user_id: 7, level: paid}",
    '    expect:',
    '      rows:',
    '        - {user_id: 7, plays: 5}',
    '',
  ].join('\n'),
};

let dir: string;
let emulator: SnowflakeEmulator;
let results: NodeResult[];

beforeAll(async () => {
  const fixture = await startEmulator();
  emulator = fixture.emulator;
  dir = mkdtempSync(join(tmpdir(), 'sm-sf-unit-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  results = (await build({ projectDir: dir, adapters: { snowflake: () => createSnowflakeAdapter() }, env: { ...process.env, SF_PASSWORD: password, SF_URL: emulator.url } })).results;
}, 120_000);

afterAll(async () => {
  await emulator?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('unit tests on Snowflake', () => {
  it('pass on the right rows and fail on the wrong ones, the model skipped after a failure', () => {
    const by = (n: string) => results.find((r) => r.name === n);
    expect(by('counts_paid')?.status, by('counts_paid')?.message).toBe('pass');
    expect(by('wrong_count')?.status, by('wrong_count')?.message).toBe('fail');
    expect(by('wrong_count')?.message).toMatch(/- 7 +\| 5/);
    expect(by('paid')?.status).toBe('skipped');
  });

  it("casts each fixture value with the adapter's safe_cast and compares in one statement", () => {
    const sql = readFileSync(join(dir, 'target/run/demo/models/u.yml/models/counts_paid.sql'), 'utf8');
    expect(sql).toContain('with __dbt__cte__stg_plays as (\n\n-- Fixture for stg_plays\nselect');
    // dbt-snowflake 1.11.6's safe_cast gives try_cast a number as text (`try_cast('7' as NUMBER(38,0))`): Snowflake refuses a number there.
    expect(sql).toMatch(/\n    \n        try_cast\('7' as NUMBER\(\d+,0\)\)\n     as /);
    expect(sql).toContain("'expected' as \"actual_or_expected\"");
    // The model's output columns as Snowflake stores them (unquoted names are upper case), as dbt-snowflake's columns quote them.
    expect(sql).toContain('"USER_ID","PLAYS", \'actual\' as "actual_or_expected"');
    expect(emulator.log.some((e) => e.sql.includes('dbt_internal_unit_test_expected'))).toBe(true);
  });
});
