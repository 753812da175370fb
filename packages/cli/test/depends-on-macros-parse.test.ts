import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * depends_on.macros of a model whose template reads `execute`, in the manifest `parse` and `ls` write.
 * Recorded with dbt 1.11.16 + dbt-duckdb 1.11.1 on this project: `dbt parse` lists
 * ['macro.ex.m2'] (its parse renders with execute false), `dbt compile` and `dbt run`
 * ['macro.ex.m2', 'macro.ex.m1']. sm's parse listed ['macro.ex.m1'], what execute true called:
 * dbt-labs/rapid-onboarding-exemplar's 7 dbt_project_evaluator models calling check_model_is_table
 * under {% if execute %} differed so in `parse` and in `ls --output json`.
 */
const FILES = {
  'dbt_project.yml': "name: ex\nversion: '1.0'\nconfig-version: 2\nprofile: demo\n",
  'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/ex.duckdb', schema: main, threads: 1}\n",
  'macros/m.sql': '{% macro m1() %}1{% endmacro %}{% macro m2() %}2{% endmacro %}\n',
  'models/a.sql': 'select {% if execute %}{{ m1() }}{% else %}{{ m2() }}{% endif %} as a\n',
};

const macrosOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { depends_on: { macros: string[] } }> }).nodes['model.ex.a']!.depends_on.macros;

describe('depends_on.macros of a template that reads execute', () => {
  it('lists what a parse with execute false calls for parse and ls, then what execute true added for compile', async () => {
    const dir = writeProject(FILES);
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    expect(macrosOf(dir)).toEqual(['macro.ex.m2']);
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    expect(macrosOf(dir)).toEqual(['macro.ex.m2', 'macro.ex.m1']);
    const ls = await sm('ls', '--project-dir', dir, '-q', '--output', 'json', '--output-keys', 'depends_on');
    expect(ls.out.trim()).toBe('{"depends_on": {"macros": ["macro.ex.m2"], "nodes": []}}');
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    expect(macrosOf(dir)).toEqual(['macro.ex.m2']);
  });
});
