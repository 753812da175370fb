import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

/**
 * A data test whose ref or source names nothing is disabled with a warning, where a model's is an
 * error. Recorded from dbt-core 1.11.16 on the same files (`dbt build`, 6 Dec 2026): exit 0, the
 * warnings below (sources' before refs'), only the model and not_null run; with --warn-error,
 * exit 2. A relationships test to a disabled model is disabled without a word.
 */
const FILES = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\n",
  'models/m.sql': 'select 1 as id\n',
  'models/off.sql': '{{ config(enabled=false) }} select 1 as id\n',
  'models/s.yml': `models:
  - name: m
    columns:
      - name: id
        data_tests:
          - relationships: {arguments: {to: "ref('off')", field: id}}
          - relationships: {arguments: {to: "ref('gone')", field: id}}
          - relationships: {arguments: {to: "source('s', 't')", field: id}}
          - not_null
`,
  'tests/t.sql': "select * from {{ ref('m') }} union all select * from {{ ref('nope') }} where false\n",
};

describe('a data test that names a missing node or source', () => {
  it("is left out of the run with dbt's warning; exit 0, and 2 under --warn-error", async () => {
    const dir = writeProject(FILES);
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const said = `${r.out}\n${r.err}`;
    expect(said).toContain("Test 'test.demo.relationships_m_id__id__ref_gone_.fceeda9039' (models/s.yml) depends on a node named 'gone' in package '' which was not found");
    expect(said).toContain("Test 'test.demo.relationships_m_id__id__source_s_t_.dfa1eb9cf6' (models/s.yml) depends on a source named 's.t' in package '' which was not found");
    expect(said).toContain("Test 'test.demo.t' (tests/t.sql) depends on a node named 'nope' in package '' which was not found");
    expect(said).not.toContain('off');
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results;
    expect(results.map((x) => [x.unique_id, x.status]).sort()).toEqual([
      ['model.demo.m', 'success'],
      ['test.demo.not_null_m_id.41ed50364b', 'pass'],
    ]);
    const strict = await sm('build', '--project-dir', dir, '--warn-error');
    expect(strict.code).toBe(2);
    expect(strict.err).toContain("depends on a node named 'nope' in package '' which was not found");
  });

  it("logs dbt's NodeNotFoundOrDisabled event", async () => {
    const dir = writeProject(FILES);
    const r = await sm('ls', '--project-dir', dir, '--log-format', 'json');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { info: { name: string; code: string; level: string }; data: Record<string, unknown> });
    const event = lines.find((l) => l.info.name === 'NodeNotFoundOrDisabled' && l.data.target_name === 'nope');
    expect(event).toMatchObject({
      info: { code: 'I060', level: 'warn' },
      data: { disabled: 'False', original_file_path: 'tests/t.sql', resource_type_title: 'Test', target_kind: 'node', target_name: 'nope', target_package: '', unique_id: 'test.demo.t' },
    });
  });

  // Recorded from `dbt parse` (dbt-core 1.11.16) on FILES: a disabled test keeps every ref and
  // source its text calls, the missing ones too, and depends on what it found enabled, with the
  // parent_map and child_map edges of that.
  it("lists a disabled test's missing refs and sources in the manifest, and depends on what it found, as dbt does", async () => {
    const dir = writeProject(FILES);
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, any>>; parent_map: Record<string, string[]>; child_map: Record<string, string[]> };
    const shape = (id: string) => {
      const e = m.nodes[id]!;
      return [e.config.enabled, e.refs.map((r: { name: string }) => r.name), e.sources, e.depends_on.nodes, e.attached_node, m.parent_map[id]];
    };
    expect(shape('test.demo.relationships_m_id__id__ref_gone_.fceeda9039')).toEqual([false, ['gone', 'm'], [], ['model.demo.m'], 'model.demo.m', ['model.demo.m']]);
    expect(shape('test.demo.relationships_m_id__id__ref_off_.edf4f20d0c')).toEqual([false, ['off', 'm'], [], ['model.demo.m'], 'model.demo.m', ['model.demo.m']]);
    expect(shape('test.demo.relationships_m_id__id__source_s_t_.dfa1eb9cf6')).toEqual([false, ['m'], [['s', 't']], ['model.demo.m'], 'model.demo.m', ['model.demo.m']]);
    expect(shape('test.demo.t')).toEqual([false, ['m', 'nope'], [], ['model.demo.m'], undefined, ['model.demo.m']]);
    expect(m.nodes['test.demo.t']!.refs[1]).toEqual({ name: 'nope', package: null, version: null });
    expect(m.child_map['model.demo.m']).toEqual([
      'test.demo.not_null_m_id.41ed50364b',
      'test.demo.relationships_m_id__id__ref_gone_.fceeda9039',
      'test.demo.relationships_m_id__id__ref_off_.edf4f20d0c',
      'test.demo.relationships_m_id__id__source_s_t_.dfa1eb9cf6',
      'test.demo.t',
    ]);
  });

  it('a model that refs a missing node is still an error (exit 2)', async () => {
    const dir = writeProject({ ...FILES, 'models/bad.sql': "select * from {{ ref('nope') }}\n" });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SM_REF_NOT_FOUND.*models\/bad\.sql:1/);
  });
});

// dbt-core 1.11.16 (8 Dec 2026; ade-bench's f1008): a singular test that refs a model no file defines
// and calls a macro no project defines is disabled with the warning "Test 'test.demo.t' (tests/t.sql)
// depends on a node named 'foo' in package '' which was not found"; `dbt build` runs the model, PASS=1,
// exit 0. sm stopped the whole project at parse ("'undefined_equality_test' is undefined", exit 2).
describe('a data test that names a missing node and calls an undefined macro', () => {
  it('is disabled with the warning, as dbt does, and the rest runs', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\n",
      'models/a.sql': 'select 1 as id\n',
      'tests/t.sql': "-- depends_on: {{ ref('foo') }}\n{{ undefined_equality_test(ref('foo'), 'x') }}\n",
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    expect(`${r.out}\n${r.err}`).toContain("Test 'test.demo.t' (tests/t.sql) depends on a node named 'foo' in package '' which was not found");
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results;
    expect(results.map((x) => [x.unique_id, x.status])).toEqual([['model.demo.a', 'success']]);
  });
});
