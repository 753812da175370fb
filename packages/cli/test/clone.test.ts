import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const out = (schema: string) => [`    ${schema}:`, '      type: duckdb', '      path: demo.duckdb', `      schema: ${schema}`, '      threads: 1'];
const FILES = {
  'profiles.yml': ['demo:', '  target: dev', '  outputs:', ...out('dev'), ...out('prod'), ''].join('\n'),
  'seeds/s.csv': 'id,v\n1,a\n2,b\n',
  'models/v1.sql': "select * from {{ ref('s') }}",
  'models/t1.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('v1') }}",
  'models/i1.sql': "{{ config(materialized='incremental') }}\nselect id from {{ ref('t1') }}",
  'models/e1.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as x",
  'models/s.yml': 'models:\n  - name: t1\n    columns:\n      - name: id\n        data_tests: [unique]\n',
};
const results = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string }[]; args: { which: string } });
const relations = async (dir: string) =>
  (await queryDuckDb(join(dir, 'demo.duckdb'), "select table_schema || '.' || table_name || ':' || table_type as r from information_schema.tables order by all")).map((r) => r.r).join(' ');

// dbt-core 1.11.16 with dbt-duckdb 1.11.1 on the same files (5 Dec 2026): `dbt clone --state`
// makes a view in the target of each selected model and seed's state relation (DuckDB cannot
// clone tables), tests and ephemeral models left out, every result success "OK"; a second clone
// leaves them ("No-op"); --full-refresh replaces one the target built itself with the view.
describe('sm clone, as dbt 1.11 clone', () => {
  it("makes views of the state's relations, leaves existing ones, replaces them with --full-refresh", async () => {
    const dir = writeProject(FILES);
    expect((await sm('build', '--project-dir', dir, '--target', 'prod')).code).toBe(0);
    cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
    let r = await sm('clone', '--project-dir', dir, '--state', join(dir, 'prod-state'));
    expect(r.code, r.out + r.err).toBe(0);
    // The ephemeral model is no node of the run, in the first line as in the node lines.
    expect(r.out).toContain('clone: 4 nodes on target dev (duckdb)');
    const first = results(dir);
    expect(first.args.which).toBe('clone');
    expect(first.results.map((x) => `${x.unique_id}:${x.status}:${x.message}`).sort()).toEqual(['model.demo.i1:success:OK', 'model.demo.t1:success:OK', 'model.demo.v1:success:OK', 'seed.demo.s:success:OK']);
    expect(await relations(dir)).toBe('dev.i1:VIEW dev.s:VIEW dev.t1:VIEW dev.v1:VIEW prod.i1:BASE TABLE prod.s:BASE TABLE prod.t1:BASE TABLE prod.v1:VIEW');
    expect(await queryDuckDb(join(dir, 'demo.duckdb'), 'select id from dev.t1 order by id')).toEqual([{ id: 1 }, { id: 2 }]);

    r = await sm('clone', '--project-dir', dir, '--state', join(dir, 'prod-state'));
    expect(r.code).toBe(0);
    expect(results(dir).results.map((x) => x.message)).toEqual(['No-op', 'No-op', 'No-op', 'No-op']);

    // The target builds t1 itself; clone leaves it, --full-refresh makes it the state's view again.
    expect((await sm('run', '--project-dir', dir, '-s', 't1')).code).toBe(0);
    r = await sm('clone', '--project-dir', dir, '--state', join(dir, 'prod-state'), '-s', 't1');
    expect(results(dir).results.map((x) => x.message)).toEqual(['No-op']);
    expect(await relations(dir)).toContain('dev.t1:BASE TABLE');
    r = await sm('clone', '--project-dir', dir, '--state', join(dir, 'prod-state'), '-s', 't1', '--full-refresh');
    expect(r.code, r.out + r.err).toBe(0);
    expect(await relations(dir)).toContain('dev.t1:VIEW');
  });

  it('needs --state (exit 2)', async () => {
    const r = await sm('clone', '--project-dir', writeProject(FILES));
    expect(r.code).toBe(2);
    expect(r.err).toContain('sm clone needs --state DIR');
  });
});
