import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';
type Entry = Record<string, any>;
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Entry> };

// Recorded from `dbt compile` (dbt-core 1.11.16, dbt-duckdb 1.11.1) on the same files: an
// ephemeral model is the CTE `__dbt__cte__<identifier>`, and every node that inlines one lists
// each it inlines (dependencies first) under extra_ctes, with the definition it put in front.
// dbt's compiled code keeps the blank line a `{{ config() }}` line leaves (`as (\n\nselect`), as
// sm's does.
describe('ephemeral models as dbt 1.11 inlines them', () => {
  it("names the CTEs __dbt__cte__<name>, writes dbt's compiled code and extra_ctes, and runs", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/e1.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as id\n",
      'models/e2.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('e1') }}\n",
      'models/m_plain.sql': "select * from {{ ref('e2') }}\n",
      'models/m_with.sql': "with x as (select * from {{ ref('e2') }})\nselect * from x\n",
      'models/s.yml': 'version: 2\nmodels:\n  - name: m_plain\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const m = manifestOf(dir);
    const e1 = { id: 'model.demo.e1', sql: ' __dbt__cte__e1 as (\n\nselect 1 as id\n)' };
    const e2 = { id: 'model.demo.e2', sql: ' __dbt__cte__e2 as (\n\nselect id from __dbt__cte__e1\n)' };
    expect(m.nodes['model.demo.m_plain']).toMatchObject({
      compiled_code: 'with __dbt__cte__e1 as (\n\nselect 1 as id\n),  __dbt__cte__e2 as (\n\nselect id from __dbt__cte__e1\n) select * from __dbt__cte__e2',
      extra_ctes_injected: true,
      extra_ctes: [e1, e2],
    });
    expect(m.nodes['model.demo.m_with']).toMatchObject({
      compiled_code: 'with  __dbt__cte__e1 as (\n\nselect 1 as id\n),  __dbt__cte__e2 as (\n\nselect id from __dbt__cte__e1\n), x as (select * from __dbt__cte__e2)\nselect * from x',
      extra_ctes: [e1, e2],
    });
    expect(m.nodes['model.demo.e2']!.extra_ctes).toEqual([e1]);
    expect(m.nodes['model.demo.e1']!.extra_ctes).toEqual([]);
    expect(Object.values(m.nodes).find((n) => n.name === 'not_null_m_plain_id')!.extra_ctes).toEqual([]);
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'm_plain.sql'), 'utf8')).toContain('with __dbt__cte__e1 as (');
    const show = await sm('show', '--project-dir', dir, '--inline', "select id + 1 as n from {{ ref('e1') }}", '-q');
    expect(show.code, show.out + show.err).toBe(0);
    expect(show.out).toContain('2');
  });
});
