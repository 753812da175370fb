import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
const FILES = {
  'profiles.yml': PROFILE,
  'seeds/people.csv': 'id,name\n1,ann\n2,bob\n',
  'models/v_people.sql': 'select id, name from {{ ref("people") }}\n',
  'models/t_people.sql': '{{ config(materialized="table") }}\nselect id from {{ ref("v_people") }}\n',
  'models/eph_model.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('t_people') }}\n",
  'models/uses_eph.sql': "select * from {{ ref('eph_model') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: v_people\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
  'snapshots/snap.sql': "{% snapshot snap_people %}\n{{ config(target_schema='main', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('people') }}\n{% endsnapshot %}\n",
  'analyses/an.sql': 'select count(*) from {{ ref("t_people") }}\n',
  'tests/singular_neg.sql': 'select * from {{ ref("t_people") }} where id < 0\n',
};

const ids = {
  an: 'analysis.demo.an',
  eph: 'model.demo.eph_model',
  t: 'model.demo.t_people',
  uses: 'model.demo.uses_eph',
  v: 'model.demo.v_people',
  seed: 'seed.demo.people',
  snap: 'snapshot.demo.snap_people',
  notNull: 'test.demo.not_null_v_people_id.1d558567aa',
  singular: 'test.demo.singular_neg',
};

/** Each node's [compiled_path, build_path], `-` for a key the entry lacks. */
function paths(dir: string): Record<string, [unknown, unknown]> {
  const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
  const out: Record<string, [unknown, unknown]> = {};
  for (const [k, id] of Object.entries(ids)) {
    const e = m.nodes[id]!;
    out[k] = ['compiled_path' in e ? e.compiled_path : '-', e.build_path];
  }
  return out;
}

const C = (p: string) => `target/compiled/demo/${p}`;
const R = (p: string) => `target/run/demo/${p}`;
const NONE: [unknown, unknown] = [null, null];

// Every dbt value was recorded from dbt 1.11.16 (dbt-duckdb 1.11.1) on the same files, 6 Dec 2026,
// one command after the other in one project: dbt names the files of the nodes the command
// compiled or ran, and no other's. sm matches it for parse and compile; after a command that
// runs nodes it leaves both paths null (on purpose, packages/cli README: filling them in would
// rewrite the whole manifest on every run, ~58 MB at 10,000 models).
const afterRunning = (dbt: Record<string, [unknown, unknown]>) => Object.fromEntries(Object.entries(dbt).map(([k, [c]]) => [k, [c === '-' ? '-' : null, null]]));

describe("manifest.json's compiled_path and build_path, as dbt 1.11 writes them", () => {
  it('after compile, seed, run, test, snapshot, a selected compile, a selected run and build', async () => {
    const dir = writeProject(FILES);
    const step = async (...argv: string[]) => {
      const r = await sm(...argv, '--project-dir', dir);
      expect(r.code, r.err + r.out).toBe(0);
      return paths(dir);
    };
    const seedNone: [unknown, unknown] = ['-', null];

    expect(await step('parse')).toEqual({ an: NONE, eph: NONE, t: NONE, uses: NONE, v: NONE, seed: seedNone, snap: NONE, notNull: NONE, singular: NONE });
    // compile: every model (ephemeral too), analysis and test; a snapshot's stays null.
    expect(await step('compile')).toEqual({
      an: [C('analyses/an.sql'), null], eph: [C('models/eph_model.sql'), null], t: [C('models/t_people.sql'), null], uses: [C('models/uses_eph.sql'), null], v: [C('models/v_people.sql'), null],
      seed: seedNone, snap: NONE, notNull: [C('models/schema.yml/not_null_v_people_id.sql'), null], singular: [C('tests/singular_neg.sql'), null],
    });
    // Each path names a file the command wrote; a compiled file holds the entry's compiled_code exactly (dbt adds no newline).
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_path?: string | null; compiled_code?: string }> };
    const withFiles = Object.values(m.nodes).filter((e) => typeof e.compiled_path === 'string');
    expect(withFiles.length).toBe(7);
    for (const e of withFiles) {
      expect(existsSync(join(dir, e.compiled_path!)), e.compiled_path!).toBe(true);
      expect(readFileSync(join(dir, e.compiled_path!), 'utf8'), e.compiled_path!).toBe(e.compiled_code);
    }
    expect(await step('seed')).toEqual(afterRunning({ an: NONE, eph: NONE, t: NONE, uses: NONE, v: NONE, seed: ['-', R('seeds/people.csv')], snap: NONE, notNull: NONE, singular: NONE }));
    // run: the ephemeral model is compiled (inlined), never run.
    expect(await step('run')).toEqual(afterRunning({
      an: NONE, eph: [C('models/eph_model.sql'), null], t: [C('models/t_people.sql'), R('models/t_people.sql')], uses: [C('models/uses_eph.sql'), R('models/uses_eph.sql')], v: [C('models/v_people.sql'), R('models/v_people.sql')],
      seed: seedNone, snap: NONE, notNull: NONE, singular: NONE,
    }));
    expect(await step('test')).toEqual(afterRunning({
      an: NONE, eph: NONE, t: NONE, uses: NONE, v: NONE, seed: seedNone, snap: NONE,
      notNull: [C('models/schema.yml/not_null_v_people_id.sql'), R('models/schema.yml/not_null_v_people_id.sql')], singular: [C('tests/singular_neg.sql'), R('tests/singular_neg.sql')],
    }));
    expect(await step('snapshot')).toEqual(afterRunning({ an: NONE, eph: NONE, t: NONE, uses: NONE, v: NONE, seed: seedNone, snap: [null, R('snapshots/snap.sql')], notNull: NONE, singular: NONE }));
    // A selected compile: the model and the tests eager indirect selection adds.
    expect(await step('compile', '-s', 't_people')).toEqual({ an: NONE, eph: NONE, t: [C('models/t_people.sql'), null], uses: NONE, v: NONE, seed: seedNone, snap: NONE, notNull: NONE, singular: [C('tests/singular_neg.sql'), null] });
    expect(await step('run', '-s', 'v_people')).toEqual(afterRunning({ an: NONE, eph: NONE, t: NONE, uses: NONE, v: [C('models/v_people.sql'), R('models/v_people.sql')], seed: seedNone, snap: NONE, notNull: NONE, singular: NONE }));
    expect(await step('build')).toEqual(afterRunning({
      an: NONE, eph: [C('models/eph_model.sql'), null], t: [C('models/t_people.sql'), R('models/t_people.sql')], uses: [C('models/uses_eph.sql'), R('models/uses_eph.sql')], v: [C('models/v_people.sql'), R('models/v_people.sql')],
      seed: ['-', R('seeds/people.csv')], snap: [null, R('snapshots/snap.sql')],
      notNull: [C('models/schema.yml/not_null_v_people_id.sql'), R('models/schema.yml/not_null_v_people_id.sql')], singular: [C('tests/singular_neg.sql'), R('tests/singular_neg.sql')],
    }));
    // A second whole compile (the manifest reused as written) names the files again.
    await step('compile');
    expect((await step('compile')).v).toEqual([C('models/v_people.sql'), null]);
  });

  // Recorded from dbt 1.11.16 on the same files: parse lists what the test's text calls (dbt's own
  // not_null: its macro alone); compiling renders its model argument through get_where_subquery;
  // running it, dbt's test materialization adds get_limit_subquery_sql, should_store_failures and
  // statement, to generic and singular tests alike, which sm's run leaves out (as the paths above).
  it("lists in a test's depends_on.macros what compiling and running it called, as dbt 1.11 does", async () => {
    const dir = writeProject({ ...FILES, 'models/schema.yml': FILES['models/schema.yml'].replace('[not_null]', "[not_null, {accepted_values: {values: [1, 2]}}]") });
    const macros = async (...argv: string[]) => {
      const r = await sm(...argv, '--project-dir', dir);
      expect(r.code, r.err + r.out).toBe(0);
      const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { depends_on: { macros: string[] } }>; macros: Record<string, unknown> };
      // No macro listed that the manifest does not have.
      for (const e of Object.values(m.nodes)) for (const id of e.depends_on.macros ?? []) expect(m.macros, id).toHaveProperty([id]);
      const accepted = Object.keys(m.nodes).find((id) => id.startsWith('test.demo.accepted_values_v_people_id'))!;
      return [ids.notNull, accepted, ids.singular].map((id) => m.nodes[id]!.depends_on.macros.map((x) => x.replace('macro.dbt.', '')));
    };
    expect(await macros('parse')).toEqual([['test_not_null'], ['test_accepted_values', 'get_where_subquery'], []]);
    expect(await macros('compile')).toEqual([['test_not_null', 'get_where_subquery'], ['test_accepted_values', 'get_where_subquery'], []]);
    expect(await macros('build')).toEqual([['test_not_null'], ['test_accepted_values', 'get_where_subquery'], []]);
    // A compile that does not select the tests leaves them as parse lists them.
    expect(await macros('compile', '-s', 'uses_eph')).toEqual([['test_not_null'], ['test_accepted_values', 'get_where_subquery'], []]);
  });
});

// dbt 1.11.16 writes a seed's root_path as its project's folder, absolute (its hart run of 7 Dec 2026); sm wrote null.
describe("manifest.json's root_path of a seed", () => {
  it("is the seed's project folder", async () => {
    const dir = writeProject(FILES);
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
    expect(m.nodes[ids.seed]!.root_path).toBe(resolve(dir));
    expect(m.nodes[ids.t]!).not.toHaveProperty('root_path');
  });
});
