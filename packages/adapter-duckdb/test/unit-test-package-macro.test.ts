import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROJECT = {
  'sm_project.yml': "name: ovr\nversion: '1.0'\nprofile: ovr\n",
  'profiles.yml': 'ovr:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/ovr.duckdb\n      threads: 1\n',
  'packages.yml': 'packages:\n  - local: pk\n',
  'dbt_packages/pk/dbt_project.yml': "name: pk\nversion: '1.0'\n",
  'dbt_packages/pk/macros/bounds.sql': '{% macro bounds() %}{{ return({"lo": 0, "hi": 100}) }}{% endmacro %}\n{% macro label() %}\'pkg\'{% endmacro %}\n',
  'models/src.sql': 'select 1 as id, 5 as v union all select 2, 50\n',
  'models/filtered.sql': "{% set b = pk.bounds() %}\nselect id, {{ pk.label() }} as label from {{ ref('src') }} where v between {{ b['lo'] }} and {{ b['hi'] }}\n",
  'models/unit.yml': [
    'unit_tests:',
    '  - name: narrower_bounds',
    '    model: filtered',
    '    overrides:',
    '      macros:',
    '        pk.bounds: {"lo": 10, "hi": 60}',
    '    given:',
    "      - input: ref('src')",
    '        rows:',
    '          - {id: 1, v: 5}',
    '          - {id: 2, v: 50}',
    '    expect:',
    '      rows:',
    '        - {id: 2, label: pkg}',
    '',
  ].join('\n'),
};

/*
 * dbt-core 1.11.16 with dbt-duckdb 1.11.1, `dbt build` on PROJECT (the package installed by
 * `dbt deps`): exit 0, run_results.json statuses below. Without the override both rows would
 * pass the filter and the unit test would fail; the package's other macros stay as they are.
 */
const DBT_RESULTS = { 'model.ovr.src': 'success', 'unit_test.ovr.filtered.narrower_bounds': 'pass', 'model.ovr.filtered': 'success' };

describe("a unit test's override of a package macro by its qualified name (audit_helper's tests override audit_helper._get_comparison_bounds)", () => {
  it('replaces that macro in the namespace the model calls it through, as dbt does', async () => {
    const dir = writeProject(PROJECT);
    const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} }, 'build');
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results;
    expect(Object.fromEntries(results.map((r) => [r.unique_id, r.status]))).toEqual(DBT_RESULTS);
    expect(o.status).toBe('success');
  });
});
