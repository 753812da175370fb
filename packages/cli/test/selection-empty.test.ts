import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

// The answers below are dbt-core 1.11.16's (dbt-duckdb 1.11.1) on the same project: the warning
// NoNodesForSelectionCriteria per criterion that matches nothing, NothingToDo, exit codes.
const dir = writeProject({
  'profiles.yml': PROFILE,
  'models/a.sql': 'select 1 as id',
  'models/b.sql': "select * from {{ ref('a') }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique]\n',
  'seeds/s1.csv': 'id\n1\n',
});
const warning = (c: string) => `The selection criterion '${c}' does not match any enabled nodes`;
const NOTHING = 'Nothing to do. Try checking your model configs and model specification args';

describe('a selection that matches nothing, as dbt 1.11', () => {
  // An empty argument (an unset shell variable: -s "$MODELS") and an empty part of an intersection match nothing in dbt too; sm ran everything for -s ''.
  // `config:foo`, `config:` (no key after the method): dbt 1.11.16 compares the whole config to the value, which never matches: the same warning, exit 0 (recorded).
  it.each([['no_such_model'], ['tag:'], ['tag:nope,a'], ['+b,tag:x'], [''], ['a,'], [',a'], ['a,,b'], ['config:foo'], ['config:'], ['config:materialized']])('run -s %s warns, does nothing, exits 0 and writes empty run results', async (sel) => {
    const r = await sm('run', '--project-dir', dir, '-s', sel);
    expect(r.code).toBe(0);
    expect(r.out).toContain(warning(sel));
    expect(r.out).toContain(NOTHING);
    const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: unknown[] };
    expect(rr.results).toEqual([]);
  });

  it('config: without a key says how to name one; with the rest of a union, or excluded, the others go on (dbt: exit 0, the warning, demo.a listed)', async () => {
    const l = await sm('ls', '--project-dir', dir, '-s', 'config:foo', 'a', '--resource-type', 'model');
    expect(l.code).toBe(0);
    expect(l.out.split('\n')).toEqual(['demo.a']);
    expect(l.err).toContain(warning('config:foo'));
    expect(l.err).toContain('name the key, as in config.materialized:table');
    const x = await sm('ls', '--project-dir', dir, '--exclude', 'config:foo', '--resource-type', 'model');
    expect(x.out.split('\n')).toEqual(['demo.a', 'demo.b']);
  });

  it('a seed selected for run is nothing to do, without a warning (it matched)', async () => {
    const r = await sm('run', '--project-dir', dir, '-s', 's1');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('does not match');
    expect(r.out).toContain(NOTHING);
  });

  it('warns for each part that matches nothing and runs the rest; --exclude parts too', async () => {
    const r = await sm('run', '--project-dir', dir, '-s', 'no_such_model', 'a');
    expect(r.code).toBe(0);
    expect(r.out).toContain(warning('no_such_model'));
    expect(r.out).toContain('OK=1');
    const l = await sm('ls', '--project-dir', dir, '-s', 'a', '--exclude', 'zz', 'nn');
    expect(l.code).toBe(0);
    expect(l.out.split('\n')).toEqual(['demo.a', 'demo.unique_a_id']);
    expect(l.err).toContain(warning('zz'));
    expect(l.err).toContain(warning('nn'));
  });

  it('quotes a criterion longer than 200 characters cut, and past 50 criteria that match nothing says how many more (sm only: dbt prints each whole)', async () => {
    const long = 'x'.repeat(5000);
    const many = Array.from({ length: 60 }, (_, i) => `m${i}`);
    const l = await sm('ls', '--project-dir', dir, '-s', long, ...many);
    expect(l.code).toBe(0);
    expect(l.err).toContain(warning(`${'x'.repeat(200)}… (5000 characters)`));
    expect(l.err).not.toContain('x'.repeat(201));
    expect(l.err.match(/match any enabled nodes/g)).toHaveLength(51);
    expect(l.err).toContain(warning('m48'));
    expect(l.err).not.toContain(warning('m49'));
    expect(l.err).toContain('11 more selection criteria do not match any enabled nodes');
  });

  it('ls of nothing says so on stderr and lists nothing on stdout; compile says nothing to do', async () => {
    const l = await sm('ls', '--project-dir', dir, '-s', 'no_such_model');
    expect([l.code, l.out]).toEqual([0, '']);
    expect(l.err).toContain('No nodes selected!');
    const c = await sm('compile', '--project-dir', dir, '-s', 'no_such_model');
    expect(c.code).toBe(0);
    expect(c.out).toContain(NOTHING);
  });

  it('-q: ls and compile of nothing print nothing at all, as dbt -q does', async () => {
    for (const cmd of ['ls', 'compile', 'run']) {
      const r = await sm('-q', cmd, '--project-dir', dir, '-s', 'no_such_model');
      expect([cmd, r.code, r.out, r.err]).toEqual([cmd, 0, '', '']);
    }
  });

  it.each([
    [['run', '-s', 'bogus:foo'], 'unknown method "bogus"'],
    [['ls', '-s', 'resource_type:bogus'], 'invalid resource_type selector "bogus"'],
    [['ls', '-s', 'test_type:bogus'], 'expected "generic", "singular", "unit", or "data"'],
    [['ls', '--resource-type', 'bogus'], "argument 'bogus' is invalid"],
  ])('%j is a usage error: exit 2, nothing run', async (args, message) => {
    const r = await sm(...args, '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(`${r.out}\n${r.err}`).toContain(message);
  });

  it('--resource-type all lists every type, as dbt', async () => {
    const l = await sm('ls', '--project-dir', dir, '--resource-type', 'model', '--resource-type', 'all');
    expect(l.out.split('\n')).toEqual(['demo.a', 'demo.b', 'demo.s1', 'demo.unique_a_id']);
    expect(existsSync(join(dir, 'target'))).toBe(true);
  });
});
