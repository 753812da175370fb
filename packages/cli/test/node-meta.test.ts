import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

// Recorded from `dbt ls --output json --output-keys name meta config.meta` and dbt's manifest.json
// (dbt-core 1.11.16, 6 Dec 2026) on the same files: a node's meta is its config's, which merges
// the project's +meta, the YAML entry's `meta:` or `config: meta:`, and the file's config(meta=...);
// a test's meta is its config's too.
describe("a node's meta, as dbt 1.11 lists it", () => {
  it("is its config's meta, whichever way it was written", async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nmodels:\n  demo:\n    +meta:\n      p: 0\n",
      'models/a.sql': "{{ config(meta={'c': 3}) }} select 1 as id",
      'models/b.sql': 'select 1 as id',
      'models/c.sql': 'select 1 as id',
      'models/s.yml': 'models:\n  - name: a\n    config:\n      meta: {b: 2}\n    columns:\n      - name: id\n        data_tests:\n          - not_null:\n              config:\n                meta: {x: 1}\n  - name: b\n    config:\n      meta: {b: 2}\n  - name: c\n    meta: {a: 1}\n',
      'tests/t.sql': "{{ config(meta={'y': 2}) }} select * from {{ ref('a') }} where false",
    });
    const r = await sm('ls', '--output', 'json', '--output-keys', 'name', 'meta', 'config.meta', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n').sort()).toEqual([
      '{"name": "a", "meta": {"p": 0, "b": 2, "c": 3}, "config.meta": {"p": 0, "b": 2, "c": 3}}',
      '{"name": "b", "meta": {"p": 0, "b": 2}, "config.meta": {"p": 0, "b": 2}}',
      '{"name": "c", "meta": {"p": 0, "a": 1}, "config.meta": {"p": 0, "a": 1}}',
      '{"name": "not_null_a_id", "meta": {"x": 1}, "config.meta": {"x": 1}}',
      '{"name": "t", "meta": {"y": 2}, "config.meta": {"y": 2}}',
    ]);
  });
});
