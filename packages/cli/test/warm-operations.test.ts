import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * run-operation, `show --inline` and `compile --inline` after a compile of unchanged files
 * start from the stored project (its macros, vars and target), loading the nodes only when the
 * macro or text reads them (ref, source, graph). What they print must not depend on it: each is
 * compared with the same command under --no-partial-parse, which loads everything afresh.
 */
const files = () =>
  writeProject({
    'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: target/demo.duckdb, schema: main, threads: 1}\n',
    'sm_project.yml': "name: demo\nprofile: demo\nvars:\n  greeting: hi\nmodels:\n  demo:\n    +schema: marts\n",
    'models/a.sql': "{{ config(alias='a1') }}select 1 as id",
    'models/b.sql': "select id + 1 as id from {{ ref('a') }}",
    'models/src.yml': 'version: 2\nsources:\n  - name: raw\n    schema: landing\n    tables:\n      - name: events\n',
    'macros/ops.sql': [
      "{% macro plain(name) %}{% do log(var('greeting') ~ ' ' ~ name ~ ' on ' ~ target.schema, info=True) %}{% endmacro %}",
      "{% macro reads_nodes() %}{% do log(ref('b') ~ ' ' ~ source('raw', 'events') ~ ' ' ~ (graph.nodes.values() | map(attribute='name') | sort | join(',')), info=True) %}{% endmacro %}",
    ].join('\n'),
  });

const out = (r: { out: string }) => r.out.replace(/^\d\d:\d\d:\d\d\s+/gm, '').trim();

describe('commands that render from a warm start print what a cold one prints', () => {
  it('run-operation, with and without reading the nodes', async () => {
    const dir = files();
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    for (const args of [['plain', '--args', '{name: x}'], ['reads_nodes']]) {
      const warm = await sm('run-operation', ...args, '--project-dir', dir);
      const cold = await sm('run-operation', ...args, '--project-dir', dir, '--no-partial-parse');
      expect(warm.code, warm.err).toBe(0);
      expect(out(warm)).toBe(out(cold));
    }
    expect(out(await sm('run-operation', 'reads_nodes', '--project-dir', dir))).toContain('"demo"."main_marts"."b" "demo"."landing"."events" a,b');
    expect(out(await sm('run-operation', 'plain', '--args', '{name: x}', '--project-dir', dir))).toContain('hi x on main');
  });

  it('show --inline and compile --inline, with a ref, a source and graph', async () => {
    const dir = files();
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const text = "select id, '{{ source('raw', 'events') }}' as s, {{ graph.nodes | length }} as n from {{ ref('b') }}";
    const warm = await sm('show', '--project-dir', dir, '--inline', text);
    const cold = await sm('show', '--project-dir', dir, '--inline', text, '--no-partial-parse');
    expect(warm.code, warm.err).toBe(0);
    expect(out(warm)).toBe(out(cold));
    expect(out(warm)).toMatch(/\| 2 +\| "demo"\."landing"\."events" \| 2 +\|/);
    const compiledWarm = await sm('compile', '--project-dir', dir, '-q', '--inline', text);
    const compiledCold = await sm('compile', '--project-dir', dir, '-q', '--inline', text, '--no-partial-parse');
    expect(compiledWarm.out.trim()).toBe(`select id, '"demo"."landing"."events"' as s, 2 as n from "demo"."main_marts"."b"`);
    expect(compiledWarm.out).toBe(compiledCold.out);
  });
});
