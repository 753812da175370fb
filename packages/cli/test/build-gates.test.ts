import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 4\n';

const statuses = (dir: string) =>
  Object.fromEntries((JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results.map((r) => [r.unique_id.split('.').pop()!, r.status]));

// dbt-core 1.11.16 on the same files (5 Dec 2026, three builds): `dbt build` runs a model's unit
// tests in the model's turn, one after another; the first that fails skips the others, the model
// and its children (which one runs first varies, dbt iterates a set), exit 1. `dbt test` runs
// every unit test.
describe("build's gates as dbt's: a model's unit tests one after another, a source's tests before what reads it", () => {
  const files = {
    'profiles.yml': PROFILE,
    'models/a.sql': 'select 1 as id',
    'models/b.sql': "select id * 2 as d from {{ ref('a') }}",
    'models/c.sql': "select * from {{ ref('b') }}",
    'models/u.yml': [
      'unit_tests:',
      ...['u1_ok:2', 'u2_bad:3', 'u3_bad:4'].flatMap((x) => {
        const [name, d] = x.split(':');
        return [`  - name: ${name}`, '    model: b', "    given: [{input: ref('a'), rows: [{id: 1}]}]", `    expect: {rows: [{d: ${d}}]}`];
      }),
    ].join('\n'),
  };

  it('the first failing unit test skips the rest, the model and its children; test runs them all', async () => {
    const dir = writeProject(files);
    const b = await sm('build', '--project-dir', dir);
    expect(b.code).toBe(1);
    expect(statuses(dir)).toEqual({ a: 'success', u1_ok: 'pass', u2_bad: 'fail', u3_bad: 'skipped', b: 'skipped', c: 'skipped' });
    const t = await sm('test', '--project-dir', dir);
    expect(t.code).toBe(1);
    expect(statuses(dir)).toEqual({ u1_ok: 'pass', u2_bad: 'fail', u3_bad: 'fail' });
  });

  // dbt-core 1.11.16 on the same files: a failing test on a source (generic, or singular reading
  // it) skips the models that read the source, and their children, in build.
  it("a source's failing test skips what reads the source", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': "name: demo\nprofile: demo\non-run-start: ['create schema if not exists raw', 'create or replace table raw.t as select 1 as id']\n",
      'models/src.yml': 'sources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: t\n        columns:\n          - name: id\n            data_tests: [{accepted_values: {values: [2]}}]\n',
      'models/m.sql': "select * from {{ source('raw', 't') }}",
      'models/n.sql': "select * from {{ ref('m') }}",
      'tests/t_src.sql': "select * from {{ source('raw', 't') }} where id = 1",
    });
    const b = await sm('build', '--project-dir', dir);
    expect(b.code).toBe(1);
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results;
    const of = (prefix: string) => results.find((r) => r.unique_id.startsWith(prefix))?.status;
    expect([of('model.demo.m'), of('model.demo.n'), of('test.demo.t_src'), of('test.demo.source_accepted_values_raw_t_id__2.')]).toEqual(['skipped', 'skipped', 'fail', 'fail']);
  });
});

// dbt-core 1.11.16 on the same files (6 Dec 2026): a test of several nodes gates only the nodes
// downstream of all of them (dbt's add_test_edges), so t1 and t2 gate nothing and no gate makes
// a cycle; t3 fails and skips z (after e and m), not w (after m alone). PASS=9 ERROR=1 SKIP=1, exit 1.
describe("build's gates for a test of several nodes, as dbt's", () => {
  it('gates what is downstream of all its nodes, and nothing else', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/n.sql': 'select 1 as id',
      'models/e1.sql': "select * from {{ ref('n') }}",
      'models/e.sql': "select * from {{ ref('e1') }}",
      'models/m0.sql': "select * from {{ ref('n') }}",
      'models/m1.sql': "select * from {{ ref('m0') }}",
      'models/m.sql': "select * from {{ ref('m1') }}",
      'models/z.sql': "select * from {{ ref('e') }} join {{ ref('m') }} using (id)",
      'models/w.sql': "select * from {{ ref('m') }}",
      'tests/t1.sql': "select * from {{ ref('e') }} cross join {{ ref('n') }} where false",
      'tests/t2.sql': "select * from {{ ref('m') }} cross join {{ ref('n') }} where false",
      'tests/t3.sql': "select * from {{ ref('e') }} join {{ ref('m') }} using (id)",
    });
    const b = await sm('build', '--project-dir', dir);
    expect(b.code, b.err).toBe(1);
    expect(statuses(dir)).toEqual({ n: 'success', e1: 'success', e: 'success', m0: 'success', m1: 'success', m: 'success', w: 'success', z: 'skipped', t1: 'pass', t2: 'pass', t3: 'fail' });
  });
});

// dbt-core 1.11.16 on the same files: test edges go only to what is in the manifest's nodes, so an
// exposure of a model whose test fails is still a no-op (it does not wait for the test), while
// the model's child is skipped; exit 1.
describe("build's gates leave exposures out, as dbt's", () => {
  it("an exposure of a model whose test fails is a no-op, not skipped", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/m.sql': 'select null::int as id',
      'models/m2.sql': "select * from {{ ref('m') }}",
      'models/s.yml': "version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [not_null]\nexposures:\n  - name: board\n    type: dashboard\n    owner: {email: a@b.c}\n    depends_on: [ref('m')]\n",
    });
    const b = await sm('build', '--project-dir', dir);
    expect(b.code).toBe(1);
    expect(statuses(dir)).toEqual({ m: 'success', board: 'no-op', '41ed50364b': 'fail', m2: 'skipped' });
  });
});

// dbt-core 1.11.16 on the same files (7 Dec 2026): `dbt build` — a failing not_null on an
// ephemeral model skips the model that reads it and that model's child (FAIL 1, SKIP 2, exit 1);
// `dbt build -s p not_null_x_id` with x built before and not selected — the selected test of x
// gates p, which reads x through an ephemeral model (fail, skipped).
describe("build's gates pass through what does not run, as dbt's", () => {
  const files = {
    'profiles.yml': PROFILE,
    'models/e.sql': "{{ config(materialized='ephemeral') }}\nselect null::int as id",
    'models/m.sql': "select * from {{ ref('e') }}",
    'models/n.sql': "select * from {{ ref('m') }}",
    'models/x.sql': 'select null::int as id',
    'models/y.sql': "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('x') }}",
    'models/p.sql': "select * from {{ ref('y') }}",
    'models/s.yml': 'models:\n  - name: e\n    columns:\n      - name: id\n        data_tests: [not_null]\n  - name: x\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
  };
  it("an ephemeral model's failing test skips what reads it", async () => {
    const dir = writeProject(files);
    const b = await sm('build', '--project-dir', dir, '--select', 'e+');
    expect(b.code, b.err).toBe(1);
    expect(statuses(dir)).toEqual({ '4922e74c0c': 'fail', m: 'skipped', n: 'skipped' });
  });
  it("a selected test of a model not selected gates what reads the model through an ephemeral one", async () => {
    const dir = writeProject(files);
    expect((await sm('run', '--project-dir', dir, '--select', 'x')).code).toBe(0);
    const b = await sm('build', '--project-dir', dir, '--select', 'p', 'not_null_x_id');
    expect(b.code, b.err).toBe(1);
    expect(statuses(dir)).toEqual({ febe6d15dc: 'fail', p: 'skipped' });
  });
});
