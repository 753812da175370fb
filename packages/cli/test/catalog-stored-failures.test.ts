import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * catalog.json lists a data test whose stored failures exist, as dbt 1.11's does (recorded from
 * `dbt build && dbt docs generate` on the same files, 6 Dec 2026: test.cattest.t, a BASE TABLE in
 * main_dbt_test__audit); a test that stored nothing is absent.
 */
describe('catalog.json', () => {
  it("describes a test's stored failures", async () => {
    const dir = writeProject({
      'profiles.yml': 'cattest:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n',
      'dbt_project.yml': "name: cattest\nversion: '1.0.0'\nprofile: cattest\n",
      'models/m.sql': 'select 1 as id union all select 1\n',
      'models/m.yml': 'models:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
      'tests/t.sql': "{{ config(store_failures=true) }}\nselect id from {{ ref('m') }} group by id having count(*) > 1\n",
    });
    expect((await sm('build', '--project-dir', dir)).code).toBe(1);
    expect((await sm('docs', 'generate', '--project-dir', dir)).code).toBe(0);
    const catalog = JSON.parse(readFileSync(join(dir, 'target', 'catalog.json'), 'utf8')) as { nodes: Record<string, { metadata: Record<string, unknown>; columns: Record<string, { type: string }> }> };
    expect(Object.keys(catalog.nodes).sort()).toEqual(['model.cattest.m', 'test.cattest.t']);
    expect(catalog.nodes['test.cattest.t']!.metadata).toMatchObject({ type: 'BASE TABLE', schema: 'main_dbt_test__audit', name: 't' });
    expect(Object.keys(catalog.nodes['test.cattest.t']!.columns)).toEqual(['id']);
  });
});
