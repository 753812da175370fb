import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

// A `{% macro %}` written in a model file. dbt 1.11.16 (dbt-duckdb 1.11.1), recorded 7 Dec 2026:
// its parser names it `dbt_macro__a`, so `{{ dbt_macro__a() }}` renders and `a is defined` is False;
// `{{ a() }}` (and a macro that calls itself, `{{ rec(n + 1) }}`) passes `dbt parse` (exit 0) and
// fails the model at run: "'a' is undefined. This can happen when calling a macro that does not
// exist", the other models OK, exit 1. sm called it by its name (and a recursive one exited 2 at parse).
describe('a macro defined in a model file, as dbt names it', () => {
  it('is dbt_macro__<name> there, so calling it by its name fails the model at run, not at parse', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': 'name: demo\nprofile: demo\n',
      'models/named.sql': '{% macro a() %}A{% endmacro %}\nselect 1 as x -- {{ dbt_macro__a() }} {{ a is defined }}\n',
      'models/plain.sql': '{% macro a() %}A{% endmacro %}\nselect 1 as x -- {{ a() }}\n',
      'models/rec.sql': '{% macro rec(n) %}{{ rec(n + 1) }}{% endmacro %}\nselect {{ rec(1) }} as x\n',
      'models/ok.sql': 'select 1 as y',
    });
    const parse = await sm('parse', '--project-dir', dir);
    expect(parse.code, parse.err).toBe(0);
    const run = await sm('run', '--project-dir', dir);
    expect(run.code).toBe(1);
    expect(run.out + run.err).toMatch(/'a' is undefined/);
    expect(run.out + run.err).toMatch(/'rec' is undefined/);
    const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    expect(Object.fromEntries(results.results.map((r) => [r.unique_id, r.status]))).toEqual({ 'model.demo.named': 'success', 'model.demo.plain': 'error', 'model.demo.rec': 'error', 'model.demo.ok': 'success' });
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'named.sql'), 'utf8')).toContain('select 1 as x -- A False');
  });
});
