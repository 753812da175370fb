import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/**
 * Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 on these files: `dbt compile` and `dbt docs
 * generate` write run_results.json with model.demo.m and operation.demo.demo-on-run-end-0 ('select
 * 2'), operation.demo.demo-on-run-start-0 ('create table if not exists hooked as select 1 as x'),
 * operation.demo.demo-on-run-start-1 ('', the log() call), each `success`, adapter_response {},
 * relation_name null; the hooks are not run (no table `hooked`). `compile --exclude m`: the three
 * hooks alone; `compile -s m`: m alone. (fivetran zendesk's package hook appears the same way.)
 */
describe("compile's and docs generate's run_results.json list the project hooks, rendered and not run", () => {
  it('as dbt 1.11 records them, unless --select narrows the command', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': `name: demo\nversion: '1.0'\nprofile: demo\non-run-start: ['create table if not exists hooked as select 1 as x', '{{ log("hi") }}']\non-run-end: 'select 2'\n`,
      'models/m.sql': 'select 1 as id',
    });
    const results = () => (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: Record<string, unknown>[] }).results;
    const hooks = {
      'operation.demo.demo-on-run-end-0': 'select 2',
      'operation.demo.demo-on-run-start-0': 'create table if not exists hooked as select 1 as x',
      'operation.demo.demo-on-run-start-1': '',
    };
    const code = (rs: Record<string, unknown>[]) => Object.fromEntries(rs.map((r) => [r.unique_id, r.compiled_code]));
    for (const argv of [['compile'], ['docs', 'generate']]) {
      expect((await sm(...argv, '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
      const rs = results();
      expect(code(rs), argv.join(' ')).toEqual({ 'model.demo.m': 'select 1 as id', ...hooks });
      for (const r of rs.filter((x) => String(x.unique_id).startsWith('operation.'))) {
        expect(r).toMatchObject({ status: 'success', adapter_response: {}, message: null, compiled: true, relation_name: null });
      }
    }
    expect((await sm('compile', '--exclude', 'm', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect(code(results())).toEqual(hooks);
    expect((await sm('compile', '-s', 'm', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect(code(results())).toEqual({ 'model.demo.m': 'select 1 as id' });
    // Rendered, not run: the warehouse has no table hooked.
    expect(existsSync(join(dir, 'target/demo.duckdb')) ? (await sm('show', '--inline', "select count(*) as n from information_schema.tables where table_name = 'hooked'", '--output', 'json', '--project-dir', dir, '--profiles-dir', dir)).out : '"n": 0').toContain('"n": 0');
  });

  it('a warm compile (the project\'s nodes not loaded) reuses the nodes\' results and renders the hooks afresh, in the same order', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': `name: demo\nversion: '1.0'\nprofile: demo\non-run-start: "select '{{ invocation_id }}' as inv"\non-run-end: 'select 2'\n`,
      'models/m.sql': 'select 1 as id',
      'models/n.sql': "select * from {{ ref('m') }}",
    });
    const compile = async (...args: string[]) => {
      const r = await sm('compile', ...args, '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { metadata: { invocation_id: string }; results: Record<string, unknown>[] };
    };
    const order = ['model.demo.m', 'model.demo.n', 'operation.demo.demo-on-run-start-0', 'operation.demo.demo-on-run-end-0'];
    const cold = await compile();
    // The nodes' results are kept for the next compile, without the hooks (they are rendered each time).
    const keptDir = join(dir, 'target/.sm/compile-results');
    const keptFiles = () => readdirSync(keptDir).sort();
    expect(keptFiles()).toHaveLength(1);
    const [whole] = keptFiles();
    const kept = readFileSync(join(keptDir, whole!), 'utf8');
    expect(kept).toContain('model.demo.n');
    expect(kept).not.toContain('operation.demo');
    const warm = await compile();
    for (const rr of [cold, warm]) {
      expect(rr.results.map((r) => r.unique_id)).toEqual(order);
      expect(rr.results[2]!.compiled_code).toBe(`select '${rr.metadata.invocation_id}' as inv`);
    }
    expect(warm.metadata.invocation_id).not.toBe(cold.metadata.invocation_id);
    expect(warm.results[1]).toMatchObject({ status: 'success', compiled_code: 'select * from "demo"."main"."m"' });
    // The first reuse records where the timings are; the next copies the time there: the same results, timed now.
    expect(readdirSync(join(dir, 'target/.sm/compile-timings'))).toEqual([whole]);
    const third = await compile();
    const untimed = (rr: typeof warm) => rr.results.slice(0, 2).map(({ timing: _t, ...r }) => r);
    expect(untimed(third)).toEqual(untimed(warm));
    const timings = (rr: typeof warm) => rr.results.slice(0, 2).flatMap((r) => (r.timing as { started_at: string; completed_at: string }[]).flatMap((t) => [t.started_at, t.completed_at]));
    expect(new Set(timings(third)).size).toBe(1);
    expect(timings(third)[0]).not.toBe(timings(warm)[0]);
    // A compile of another selection keeps its results beside the whole compile's, which the next whole compile reuses (not rewritten).
    expect((await compile('-s', 'n')).results.map((r) => r.unique_id)).toEqual(['model.demo.n']);
    expect(keptFiles()).toContain(whole);
    const before = readFileSync(join(keptDir, whole!), 'utf8');
    expect((await compile()).results.map((r) => r.unique_id)).toEqual(order);
    expect(readFileSync(join(keptDir, whole!), 'utf8')).toBe(before);
    // The two most recently used are kept: the whole compile's survives another selection.
    await compile('-s', 'm');
    expect(keptFiles()).toContain(whole);
    expect(keptFiles()).toHaveLength(2);
    // Nothing selected but the hooks: a list of hooks alone.
    expect((await compile('--exclude', 'm', 'n')).results.map((r) => r.unique_id)).toEqual(order.slice(2));
    expect((await compile('--exclude', 'm', 'n')).results.map((r) => r.unique_id)).toEqual(order.slice(2));
  });

  it('a warm compile takes hooks whose render read neither the clock nor the environment from the last compile, without loading the project', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': `name: demo\nversion: '1.0'\nprofile: demo\non-run-end: "grant select on {{ target.schema }}.m to reporter"\n`,
      'models/m.sql': 'select 1 as id',
    });
    const compile = async () => {
      const r = await sm('compile', '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: Record<string, unknown>[] }).results.map((x) => [x.unique_id, x.compiled_code]);
    };
    const want = [['model.demo.m', 'select 1 as id'], ['operation.demo.demo-on-run-end-0', 'grant select on main.m to reporter']];
    expect(await compile()).toEqual(want);
    const file = join(dir, 'target/.sm/compile-hooks.json');
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { key: string; hooks: { compiledCode: string }[] };
    expect(kept.hooks.map((h) => h.compiledCode)).toEqual(['grant select on main.m to reporter']);
    // What the warm compile writes is what was kept (marked here to tell it from a fresh render).
    kept.hooks[0]!.compiledCode += ' -- kept';
    writeFileSync(file, JSON.stringify(kept));
    expect((await compile())[1]).toEqual(['operation.demo.demo-on-run-end-0', 'grant select on main.m to reporter -- kept']);
  });

  it('hooks that read invocation_id are not kept', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'dbt_project.yml': `name: demo\nversion: '1.0'\nprofile: demo\non-run-end: "select '{{ invocation_id }}'"\n`, 'models/m.sql': 'select 1 as id' });
    expect((await sm('compile', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect(existsSync(join(dir, 'target/.sm/compile-hooks.json'))).toBe(false);
  });
});

// Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 (found on matsonj/nba-monte-carlo's on-run-start):
// `dbt compile` and `dbt run` write each project hook's rendered SQL to
// target/compiled/<project>/dbt_project.yml/hooks/<project>-on-run-start-<i>.sql ("select 1", no newline
// added) and ...-on-run-end-0.sql ("select 2"); sm wrote none.
describe('compile and run write each project hook under target/compiled, as dbt 1.11 does', () => {
  it('target/compiled/<project>/dbt_project.yml/hooks/<id>.sql holds the rendered hook', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': `name: demo\nversion: '1.0'\nprofile: demo\non-run-start: ['select 1']\non-run-end: 'select {{ 1 + 1 }}'\n`,
      'models/m.sql': 'select 1 as id',
    });
    const hooksDir = join(dir, 'target/compiled/demo/dbt_project.yml/hooks');
    const files = () => Object.fromEntries(readdirSync(hooksDir).sort().map((f) => [f, readFileSync(join(hooksDir, f), 'utf8')]));
    const want = { 'demo-on-run-end-0.sql': 'select 2', 'demo-on-run-start-0.sql': 'select 1' };
    expect((await sm('compile', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect(files()).toEqual(want);
    rmSync(join(dir, 'target/compiled'), { recursive: true });
    expect((await sm('run', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect(files()).toEqual(want);
  });
});
