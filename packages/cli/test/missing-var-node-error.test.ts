import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

interface Result {
  unique_id: string;
  status: string;
  message: string | null;
  compiled: boolean | null;
  compiled_code: string | null;
}

// Recorded from dbt-core 1.11.16 (dbt-duckdb 1.11.1) on the same files: parse and ls exit 0; compile
// exits 2 ("Runtime Error ... Required var 'nope' not found in config"); run and build build `a`,
// fail `b` with that compilation error (compiled false, no code), skip `c`, and exit 1.
describe('a model reading a var with no value fails as that node, as in dbt', () => {
  const dir = writeProject({
    'profiles.yml': PROFILE,
    'models/a.sql': 'select 1 as id',
    'models/b.sql': "select {{ var('nope') }} as x",
    'models/c.sql': "select * from {{ ref('b') }}",
  });
  const results = () => (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Result[] }).results;

  it('parse and ls list every node, exit 0; compile stops with exit 2 naming the file and the var', async () => {
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const ls = await sm('ls', '--project-dir', dir, '--output', 'name');
    expect([ls.code, ls.out.split('\n')]).toEqual([0, ['a', 'b', 'c']]);
    const c = await sm('compile', '--project-dir', dir);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/models\/b\.sql:1: var\("nope"\) has no value/);
  });

  it.each(['run', 'build'])('%s builds the rest, fails b with the compilation error, skips c: exit 1', async (cmd) => {
    const r = await sm(cmd, '--project-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain("Required var 'nope' not found in config");
    expect(r.out).toContain('--vars');
    const by = Object.fromEntries(results().map((x) => [x.unique_id, x]));
    expect(by['model.demo.a']).toMatchObject({ status: 'success', compiled: true });
    expect(by['model.demo.b']).toMatchObject({ status: 'error', compiled: false, compiled_code: null });
    expect(by['model.demo.b']!.message).toMatch(/^Compilation Error in model b \(models\/b\.sql\)\n  Required var 'nope' not found in config:\n  Vars supplied to b = \{\}/);
    expect(by['model.demo.c']).toMatchObject({ status: 'skipped' });
  });

  it('with the var given every node builds; without it again, b fails again', async () => {
    const r = await sm('build', '--project-dir', dir, '--vars', '{nope: 7}');
    expect(r.code).toBe(0);
    expect(results().every((x) => x.status === 'success')).toBe(true);
    const again = await sm('build', '--project-dir', dir);
    expect(again.code).toBe(1);
    expect(results().find((x) => x.unique_id === 'model.demo.b')!.status).toBe('error');
  });
});
