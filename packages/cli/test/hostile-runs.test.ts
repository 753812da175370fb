import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

const messageOf = (dir: string, id: string) =>
  (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; message: string }[] }).results.find((r) => r.unique_id === id)?.message;

/** Mistakes found only when a node runs: that node fails (exit 1) saying what is wrong in the project's words, and the table it had stays. */
describe('hostile inputs at run time', () => {
  // dbt 1.11.16 (recorded) fails the model too (exit 1), with DuckDB's binder error on its own SQL.
  it('an incremental unique_key that is no column of the query or of the table', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/i.sql': "{{ config(materialized='incremental', unique_key='id') }}select 1 as id" });
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    writeFileSync(join(dir, 'models/i.sql'), "{{ config(materialized='incremental', unique_key='nope') }}select 2 as id");
    expect((await sm('run', '--project-dir', dir)).code).toBe(1);
    expect(messageOf(dir, 'model.demo.i')).toContain(`i (models/i.sql): unique_key "nope" is not a column of the model's query (its columns: id). Fix unique_key in the model's config.`);
    // A key the query has and the table lacks (it was added since): the table is named, and --full-refresh offered.
    writeFileSync(join(dir, 'models/i.sql'), "{{ config(materialized='incremental', unique_key=['id', 'k']) }}select 3 as id, 1 as k");
    expect((await sm('run', '--project-dir', dir)).code).toBe(1);
    expect(messageOf(dir, 'model.demo.i')).toMatch(/unique_key "k" is not a column of the table "main"\."i" \(its columns: id\)\..*--full-refresh/);
    expect(await queryDuckDb(join(dir, 'target', 'demo.duckdb'), 'select id from main.i')).toEqual([{ id: 1 }]);
  });

  // dbt 1.11.16 fails the unit test too (exit 1), with the warehouse's error; sm passed DuckDB's binder error on its own query.
  it('a unit test expecting a column the model does not output', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/s.yml': 'unit_tests:\n  - name: t\n    model: b\n    given:\n      - input: ref("a")\n        rows: [{id: 1}]\n    expect: {rows: [{nope: 1, id: 1}]}\n',
    });
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    expect((await sm('test', '--project-dir', dir)).code).toBe(1);
    expect(messageOf(dir, 'unit_test.demo.b.t')).toContain('Unit test t (models/s.yml): expect names "nope", which b does not output (its columns: id). Fix the column names under expect:.');
  });

  // dbt 1.11.16 (recorded, models/a.sql and models/A.sql on DuckDB): parse exit 0; build exit 1,
  // "Failure in model A (models/A.sql) Internal Error Cache inconsistency detected: in rename, new key
  // _ReferenceKey(database='db', schema='main', identifier='a') already in cache". sm built both into one
  // table (the second replacing the first) and exited 0.
  it('two models whose names differ only in case', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', 'models/A.sql': 'select 2 as id', 'models/b.sql': "select * from {{ ref('a') }}" });
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    expect((await sm('build', '--project-dir', dir)).code).toBe(1);
    const failed = messageOf(dir, 'model.demo.a') ?? '';
    expect(failed).toContain('models/a.sql: model.demo.a would be built as "demo"."main"."a", which the warehouse takes for "demo"."main"."A", the relation of model.demo.A (models/A.sql): their names differ only in case');
    expect(failed).toContain('Rename one of them');
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results;
    expect(Object.fromEntries(results.map((r) => [r.unique_id, r.status]))).toMatchObject({ 'model.demo.A': 'success', 'model.demo.a': 'error', 'model.demo.b': 'skipped' });
    expect(await queryDuckDb(join(dir, 'target', 'demo.duckdb'), 'select id from main.a')).toEqual([{ id: 2 }]);
  });
});
