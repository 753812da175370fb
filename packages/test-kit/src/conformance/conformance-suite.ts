import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type AdapterFactory, type InvocationOptions, type NodeResult, type RunOutcome } from '@smsql/core';

/** One adapter under test: how to reach it and the little SQL that cannot be portable. */
export interface ConformanceTarget {
  readonly name: string;
  /** The `outputs.<target>` block of profiles.yml, indented two spaces less than it will be. */
  readonly profile: string;
  readonly adapters: Readonly<Record<string, AdapterFactory>>;
  readonly env: () => NodeJS.ProcessEnv;
  /** Rows of a query after a build, values normalised (numbers as numbers, dates as ISO text). */
  readonly query: (projectDir: string, sql: string) => Promise<Record<string, unknown>[]>;
  /** A select that runs until it is cancelled. */
  readonly slowSql: string;
}

const seedCsv = 'play_id,user_id,level,ts\n1,10,free,2024-01-01 00:00:00\n2,11,paid,2024-01-01 01:00:00\n3,10,paid,2024-01-02 00:00:00\n';
const moreCsv = `${seedCsv}4,11,paid,2024-01-03 00:00:00\n5,12,free,2024-01-04 00:00:00\n`;

function project(t: ConformanceTarget): Record<string, string> {
  return {
    'sm_project.yml': 'name: conf\nprofile: conf\n',
    'profiles.yml': `conf:\n  target: it\n  outputs:\n    it:\n${t.profile.replace(/^/gm, '      ')}\n`,
    'seeds/plays.csv': seedCsv,
    'models/stg_plays.sql': "select play_id, user_id, lower(level) as level, ts from {{ ref('plays') }}",
    'models/dim_users.sql': "{{ config(materialized='table') }}\nselect user_id, max(level) as level, count(*) as plays from {{ ref('stg_plays') }} group by user_id",
    'models/fct_merge.sql': "{{ config(materialized='incremental', unique_key='play_id') }}\nselect play_id, user_id, level from {{ ref('stg_plays') }}",
    'models/fct_append.sql': "{{ config(materialized='incremental') }}\nselect play_id from {{ ref('stg_plays') }} where {% if var('batch') == 1 %}play_id <= 3{% else %}play_id > 3{% endif %}",
    'models/fct_delins.sql': "{{ config(materialized='incremental', unique_key='user_id', incremental_strategy='delete+insert') }}\nselect user_id, count(*) as plays from {{ ref('stg_plays') }} group by user_id",
    // Microbatch by year from 2024: a first build makes 2024 to this year; the second rebuilds only
    // the last two years, so the rows added to 2024 by then are not in it.
    'models/fct_yearly.sql': "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='day_start', batch_size='year', begin='2024-01-01') }}\nselect date_trunc('day', ts) as day_start, count(*) as plays from {{ ref('stg_plays') }} group by 1",
    'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect user_id from {{ ref('dim_users') }} where level = 'paid'",
    'models/paid_users.sql': "select user_id from {{ ref('eph') }}",
    'snapshots/users_snapshot.sql': "{% snapshot users_snapshot %}\n{{ config(unique_key='user_id', strategy='check', check_cols='all') }}\nselect user_id, level, plays from {{ ref('dim_users') }}\n{% endsnapshot %}",
    'models/schema.yml': [
      'version: 2',
      'models:',
      '  - name: dim_users',
      '    columns:',
      '      - name: user_id',
      '        tests: [not_null, unique]',
      '      - name: level',
      "        tests: [{accepted_values: {values: ['free', 'paid']}}]",
      '  - name: stg_plays',
      '    config:',
      '      event_time: ts',
      '  - name: fct_merge',
      '    columns:',
      '      - name: play_id',
      '        tests: [unique]',
      '',
    ].join('\n'),
  };
}

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

const byName = (rs: readonly NodeResult[]) => Object.fromEntries(rs.map((r) => [r.uniqueId.startsWith('test.') ? r.uniqueId.split('.').slice(2).join('.') : r.name, r.status]));

/**
 * The adapter conformance suite: the same project, the same runs and the same expected rows on
 * every adapter, so the adapters cannot drift apart. Each adapter's test file calls this once.
 */
export function conformanceSuite(t: ConformanceTarget): void {
  describe(`adapter conformance: ${t.name}`, () => {
    let dir: string;
    let first: RunOutcome;
    let second: RunOutcome;
    const opts = (batch: number, extra: Partial<InvocationOptions> = {}): InvocationOptions => ({ projectDir: dir, adapters: t.adapters, env: t.env(), vars: { batch }, ...extra });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `sm-conf-${t.name}-`));
      write(dir, project(t));
      first = await build(opts(1));
      writeFileSync(join(dir, 'seeds/plays.csv'), moreCsv);
      second = await build(opts(2));
    }, 120_000);

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('builds seeds, views, tables, ephemerals, snapshots and three incremental strategies, with passing tests, twice', () => {
      for (const o of [first, second]) {
        const failed = o.results.filter((r) => r.status !== 'success' && r.status !== 'pass');
        expect(failed.map((r) => `${r.uniqueId}: ${r.status} ${r.message}`)).toEqual([]);
        expect(o.results.filter((r) => r.resourceType === 'test')).toHaveLength(4);
      }
    });

    it('loads the seed with its rows and types', async () => {
      expect(await t.query(dir, 'select play_id, user_id, level from plays order by play_id')).toEqual([
        { play_id: 1, user_id: 10, level: 'free' },
        { play_id: 2, user_id: 11, level: 'paid' },
        { play_id: 3, user_id: 10, level: 'paid' },
        { play_id: 4, user_id: 11, level: 'paid' },
        { play_id: 5, user_id: 12, level: 'free' },
      ]);
    });

    it('rebuilds tables and views from the current data', async () => {
      expect(await t.query(dir, 'select user_id, level, plays from dim_users order by user_id')).toEqual([
        { user_id: 10, level: 'paid', plays: 2 },
        { user_id: 11, level: 'paid', plays: 2 },
        { user_id: 12, level: 'free', plays: 1 },
      ]);
      expect(await t.query(dir, 'select count(*) as n from stg_plays')).toEqual([{ n: 5 }]);
      expect(await t.query(dir, 'select user_id from paid_users order by user_id')).toEqual([{ user_id: 10 }, { user_id: 11 }]);
    });

    it('applies each incremental strategy without duplicates', async () => {
      expect(await t.query(dir, 'select count(*) as n, count(distinct play_id) as d from fct_merge')).toEqual([{ n: 5, d: 5 }]);
      expect(await t.query(dir, 'select count(*) as n, count(distinct play_id) as d from fct_append')).toEqual([{ n: 5, d: 5 }]);
      expect(await t.query(dir, 'select user_id, plays from fct_delins order by user_id')).toEqual([
        { user_id: 10, plays: 2 },
        { user_id: 11, plays: 2 },
        { user_id: 12, plays: 1 },
      ]);
    });

    it('builds a microbatch model by batches of event time, replacing only the batches it runs', async () => {
      expect(await t.query(dir, 'select count(*) as d, sum(plays) as n from fct_yearly')).toEqual([{ d: 2, n: 3 }]);
      const r = second.results.find((x) => x.name === 'fct_yearly')!;
      expect(r.batchResults?.successful.map(([s]) => s.slice(0, 4))).toEqual([String(new Date().getUTCFullYear() - 1), String(new Date().getUTCFullYear())]);
    });

    it('snapshots keep history: changed rows get a closed and a current version', async () => {
      const rows = await t.query(dir, 'select user_id, plays, case when dbt_valid_to is null then 1 else 0 end as is_current from users_snapshot order by user_id, plays');
      expect(rows).toEqual([
        { user_id: 10, plays: 2, is_current: 1 },
        { user_id: 11, plays: 1, is_current: 0 },
        { user_id: 11, plays: 2, is_current: 1 },
        { user_id: 12, plays: 1, is_current: 1 },
      ]);
    });

    it('reports a failing test as fail with its count, a broken model as error, and skips what depends on it', async () => {
      write(dir, {
        'models/broken.sql': 'select * from no_such_table_anywhere',
        'models/after_broken.sql': "select * from {{ ref('broken') }}",
        'tests/no_paid_users.sql': "select * from {{ ref('dim_users') }} where level = 'paid'",
      });
      try {
        const o = await build(opts(2, { select: ['broken+', 'dim_users', 'no_paid_users'] }));
        const s = byName(o.results);
        expect(s.broken).toBe('error');
        expect(s.after_broken).toBe('skipped');
        expect(s.dim_users).toBe('success');
        expect(s.no_paid_users).toBe('fail');
        expect(o.results.find((r) => r.name === 'no_paid_users')?.failures).toBe(2);
        expect(o.results.find((r) => r.name === 'broken')?.message).toMatch(/no_such_table_anywhere/i);
      } finally {
        for (const f of ['models/broken.sql', 'models/after_broken.sql', 'tests/no_paid_users.sql']) rmSync(join(dir, f));
      }
    });

    it('full refresh rebuilds incremental models from scratch', async () => {
      const o = await build(opts(2, { select: ['fct_append'], fullRefresh: true }));
      expect(byName(o.results).fct_append).toBe('success');
      expect(await t.query(dir, 'select count(*) as n from fct_append')).toEqual([{ n: 2 }]);
    });

    it('cancels a running model when the run is interrupted', async () => {
      write(dir, { 'models/slow.sql': `{{ config(materialized='table') }}\n${t.slowSql}` });
      try {
        const controller = new AbortController();
        const o = await build(
          opts(2, {
            select: ['slow'],
            signal: controller.signal,
            onEvent: (e) => {
              if (e.type === 'node_start' && e.name === 'slow') setTimeout(() => controller.abort(), 200);
            },
          }),
        );
        expect(o.interrupted).toBe(true);
        expect(byName(o.results).slow).toBe('cancelled');
      } finally {
        rmSync(join(dir, 'models/slow.sql'));
      }
    });
  });
}
