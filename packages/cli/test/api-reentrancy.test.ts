import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { build, type RunEvent } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';

const profile = (name: string) => `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/${name}.duckdb\n      schema: main\n      threads: 2\n`;

/** Two projects with the same model names but different SQL, vars, macros and profiles. */
function project(name: string, value: number): string {
  return writeProject({
    'sm_project.yml': `name: ${name}\nprofile: ${name}\nvars:\n  factor: ${value}\n`,
    'profiles.yml': profile(name),
    'macros/times.sql': `{% macro times(x) %}({{ x }} * {{ var('factor') }}){% endmacro %}`,
    'models/base.sql': `select ${value} as v union all select ${value + 1}`,
    'models/top.sql': "{{ config(materialized='table') }}select {{ times('v') }} as v, '{{ project_name }}' as p from {{ ref('base') }}",
    'models/unselected.sql': "{{ config(materialized='table') }}select 1 as x",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: top\n    columns:\n      - name: v\n        tests: [not_null, unique]\n',
  });
}

async function rows(dir: string, db: string, sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(join(dir, 'target', db));
  const c = await inst.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

describe('library API re-entrancy', () => {
  it('builds two projects at once in one process without either seeing the other', async () => {
    const a = project('alpha', 10);
    const b = project('beta', 20);
    const events: Record<string, RunEvent[]> = { alpha: [], beta: [] };
    const adapters = { duckdb: createDuckDbAdapter };
    const [ra, rb] = await Promise.all([
      build({ projectDir: a, select: ['+top'], target: 'dev', adapters, onEvent: (e) => events.alpha!.push(e) }),
      build({ projectDir: b, select: ['+top'], target: 'dev', adapters, onEvent: (e) => events.beta!.push(e) }),
    ]);
    expect(ra.status).toBe('success');
    expect(rb.status).toBe('success');
    for (const [name, r] of [['alpha', ra], ['beta', rb]] as const) {
      // Generic tests carry dbt's hash of their metadata, the same in both projects.
      expect(r.results.map((x) => x.uniqueId).sort()).toEqual([`model.${name}.base`, `model.${name}.top`, `test.${name}.not_null_top_v.6571555777`, `test.${name}.unique_top_v.e7cfd1c058`]);
      const finished = events[name]!.filter((e) => e.type === 'node_finish').map((e) => (e as { result: { uniqueId: string } }).result.uniqueId);
      expect(finished.every((id) => id.split('.')[1] === name)).toBe(true);
    }
    expect(await rows(a, 'alpha.duckdb', 'select v::int as v, p from main.top order by v')).toEqual([{ v: 100, p: 'alpha' }, { v: 110, p: 'alpha' }]);
    expect(await rows(b, 'beta.duckdb', 'select v::int as v, p from main.top order by v')).toEqual([{ v: 400, p: 'beta' }, { v: 420, p: 'beta' }]);
    const ma = JSON.parse(readFileSync(join(a, 'target/manifest.json'), 'utf8'));
    const rrb = JSON.parse(readFileSync(join(b, 'target/run_results.json'), 'utf8'));
    expect(ma.metadata.project_name).toBe('alpha');
    expect(rrb.results.every((x: { unique_id: string }) => x.unique_id.includes('.beta.'))).toBe(true);
    expect(ra.compilation.invocationId).not.toBe(rb.compilation.invocationId);
  });
});
