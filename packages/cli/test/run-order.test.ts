import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

/** Runs sm `args` on a project of `files` (threads: 1); its exit code and run_results.json's [unique_id, status] in order. */
async function results(files: Record<string, string>, ...args: string[]): Promise<{ code: number; results: [string, string][] }> {
  const dir = writeProject({ 'profiles.yml': PROFILE, 'dbt_project.yml': "name: p\nversion: '1.0'\nprofile: p\n", ...files });
  const r = await sm(...args, '--project-dir', dir, '--profiles-dir', dir);
  const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
  return { code: r.code, results: rr.results.map((x) => [x.unique_id, x.status]) };
}

/**
 * The order nodes run in, and run_results.json lists them in (as they finish). Recorded from
 * dbt-core 1.11.16 + dbt-duckdb 1.11.1 with threads: 1 on these files, 7 Dec 2026: dbt's queue hands
 * each node to its thread pool as soon as it is ready, several ready at once by depth then unique
 * id, so a node made ready runs after every node already waiting. (With threads: 4 and a slow
 * a_slow dbt listed d, b, c, a_slow, e: the order they finished in.)
 */
describe('run order with one thread', () => {
  it('runs each node as it becomes ready, after those already waiting, and lists the results so', async () => {
    const r = await results({
      'models/a_slow.sql': 'select 1 as s\n',
      'models/b.sql': 'select 1 as id\n',
      'models/c.sql': "select * from {{ ref('b') }}\n",
      'models/d.sql': 'select 2 as id\n',
      'models/e.sql': "select * from {{ ref('a_slow') }}\n",
    }, 'run');
    expect(r.code).toBe(0);
    expect(r.results.map(([id]) => id)).toEqual(['model.p.a_slow', 'model.p.b', 'model.p.d', 'model.p.e', 'model.p.c']);
  });

  it('in build: seeds, snapshots and models that wait for nothing first, by unique id; a test once what it tests is done', async () => {
    const r = await results({
      'models/a.sql': 'select 1 as id\n',
      'models/b.sql': "select * from {{ ref('a') }}\n",
      'models/c.sql': 'select 2 as id\n',
      'models/j.sql': 'select 1 as id\n',
      'models/s.yml': 'models:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
      'seeds/sd.csv': 'id\n1\n',
      'snapshots/snap.sql': "{% snapshot snap %}\n{{ config(unique_key='id', strategy='check', check_cols='all', target_schema='main') }}\nselect 1 as id\n{% endsnapshot %}\n",
    }, 'build');
    expect(r.code).toBe(0);
    expect(r.results.map(([id]) => id)).toEqual(['model.p.a', 'model.p.c', 'model.p.j', 'seed.p.sd', 'snapshot.p.snap', 'test.p.not_null_a_id.c1cebc1440', 'model.p.b']);
  });

  it('waits for, and is skipped after, a selected node upstream through one left out of the selection', async () => {
    // Recorded: dbt run -s z c a with z -> b -> c (b not selected) and z failing: a OK, z ERROR, c SKIP.
    const r = await results({
      'models/a.sql': 'select 1 as x\n',
      'models/z.sql': 'select * from nope\n',
      'models/b.sql': "select * from {{ ref('z') }}\n",
      'models/c.sql': "select * from {{ ref('b') }}\n",
    }, 'run', '-s', 'z', 'c', 'a');
    expect(r.code).toBe(1);
    expect(r.results).toEqual([['model.p.a', 'success'], ['model.p.z', 'error'], ['model.p.c', 'skipped']]);
  });

  // Recorded from dbt-core 1.11.16 with threads: 1, three runs: `dbt run` runs r, y, x: an ephemeral
  // model is in dbt's queue, so x (after e, after r) is two deep and y (after r) one.
  it('counts a selected ephemeral model in a node\'s depth', async () => {
    const r = await results({
      'models/r.sql': 'select 1 as id\n',
      'models/e.sql': "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('r') }}\n",
      'models/x.sql': "select * from {{ ref('e') }}\n",
      'models/y.sql': "select * from {{ ref('r') }}\n",
    }, 'run');
    expect(r.code).toBe(0);
    expect(r.results.map(([id]) => id)).toEqual(['model.p.r', 'model.p.y', 'model.p.x']);
  });
});

// Recorded from dbt-core 1.11.16 with threads: 1, three runs each, 7 Dec 2026: `dbt run --fail-fast`
// on roots a_bad (fails), b1, b2, b3, c0 and c1 after c0: a_bad ERROR, b1, b2, b3, c0 OK, c1 SKIP
// (dbt's queue handed the roots to the pool before a_bad failed, and stops at its next turn, once
// c0 makes c1 ready). With a_child after a_bad added, a_bad failing makes a_child ready: everything
// else is skipped.
describe('--fail-fast stops at the queue\'s next turn, as dbt', () => {
  const files = {
    'models/a_bad.sql': 'select * from nowhere_a\n',
    'models/b1.sql': 'select 1 as id\n',
    'models/b2.sql': 'select 1 as id\n',
    'models/b3.sql': 'select 1 as id\n',
    'models/c0.sql': 'select 1 as id\n',
    'models/c1.sql': "select * from {{ ref('c0') }}\n",
  };
  const statuses = (r: { results: [string, string][] }) => Object.fromEntries(r.results.map(([id, s]) => [id.split('.').pop(), s]));
  it('what was handed on before the failure still runs', async () => {
    const r = await results(files, 'run', '--fail-fast');
    expect(r.code).toBe(1);
    expect(statuses(r)).toEqual({ a_bad: 'error', b1: 'success', b2: 'success', b3: 'success', c0: 'success', c1: 'skipped' });
  });
  it('a failure that makes a node ready stops at once', async () => {
    const r = await results({ ...files, 'models/a_child.sql': "select * from {{ ref('a_bad') }}\n" }, 'run', '--fail-fast');
    expect(r.code).toBe(1);
    expect(statuses(r)).toEqual({ a_bad: 'error', a_child: 'skipped', b1: 'skipped', b2: 'skipped', b3: 'skipped', c0: 'skipped', c1: 'skipped' });
  });

  // Recorded from `dbt build` (dbt-core 1.11.16, dbt-duckdb 1.11.1, threads: 1) on these files, 7 Dec 2026: dbt's
  // build runs a model's unit tests in the model's turn, so they add no depth (t, of v, runs before e2, two deep
  // through an ephemeral), the model follows them at once, and a unit test of a model of an ephemeral waits for
  // what the ephemeral reads (v).
  it("runs a model's unit tests in the model's turn, as dbt's build does", async () => {
    const r = await results(
      {
        'seeds/raw.csv': 'id,name\n1,a\n',
        'models/v.sql': "{{ config(materialized='view') }}\nselect * from {{ ref('raw') }}\n",
        'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect id, name from {{ ref('v') }}\n",
        'models/t.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('v') }}\n",
        'models/e2.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('eph') }}\n",
        'models/m.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('eph') }}\n",
        'models/z.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('raw') }}\n",
        'models/schema.yml': `unit_tests:
  - name: ut_t
    model: t
    given:
      - input: ref('v')
        rows: [{id: 1, name: a}]
    expect:
      rows: [{id: 1, name: a}]
  - name: ut_m
    model: m
    given:
      - input: ref('eph')
        format: sql
        rows: "select 1 as id, 'a' as name"
    expect:
      rows: [{id: 1, name: a}]
`,
      },
      'build',
    );
    expect(r.code).toBe(0);
    expect(r.results).toEqual([
      ['seed.p.raw', 'success'], ['model.p.v', 'success'], ['model.p.z', 'success'], ['unit_test.p.t.ut_t', 'pass'],
      ['model.p.t', 'success'], ['model.p.e2', 'success'], ['unit_test.p.m.ut_m', 'pass'], ['model.p.m', 'success'],
    ]);
  });
});
