import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/**
 * A model (or singular test) file that is empty or only whitespace, as dbt-core 1.11.16 treats
 * it (recorded on the same files): `node.empty` nodes are left out of every selection but ls's
 * and docs generate's (NodeSelector.filter_selection). `dbt run` ran a and dep (which fails: e
 * was never built), exit 1, TOTAL=2; `dbt build -s e` said "Nothing to do", exit 0; `dbt compile`
 * wrote a.sql and dep.sql only; `dbt ls` listed all four. sm ran e and w, which failed with
 * DuckDB's `syntax error at or near ")"`. A file with only a comment is not empty (both fail it).
 */
const FILES: Record<string, string> = {
  'profiles.yml': PROFILE,
  'models/a.sql': 'select 1 as id\n',
  'models/e.sql': '',
  'models/w.sql': '  \n\n',
  'models/dep.sql': "select * from {{ ref('e') }}\n",
  'tests/blank.sql': '\n',
};

/** The project, its files dated ten seconds back: a compile stores its results for the next command only for files older than two seconds. */
function project(): string {
  const dir = writeProject(FILES);
  const then = new Date(Date.now() - 10_000);
  for (const f of ['sm_project.yml', ...Object.keys(FILES), 'models', 'tests', '.']) utimesSync(join(dir, f), then, then);
  return dir;
}

describe('empty model files, as dbt 1.11', () => {
  it('run and build leave them out (what refs one fails, as in dbt); build -s of one alone is nothing to do', async () => {
    const dir = project();
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(1);
    const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    expect(rr.results.map((x) => `${x.unique_id} ${x.status}`).sort()).toEqual(['model.demo.a success', 'model.demo.dep error']);
    // Again from the stored compile (a warm start: it reuses, so sm says nothing of compiling), with the empty models named.
    expect(existsSync(join(dir, 'target', '.sm', 'compiled', 'proof.json'))).toBe(true);
    const again = await sm('build', '--project-dir', dir, '-s', 'e', 'w', 'test_type:singular');
    expect(again.code, again.out + again.err).toBe(0);
    expect(again.out).toContain('Nothing to do');
    expect(again.out).not.toContain('does not match');
  });

  it('compile writes no compiled file for them; ls lists them', async () => {
    const dir = project();
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    expect(existsSync(join(dir, 'target', 'compiled', 'demo', 'models', 'a.sql'))).toBe(true);
    expect(existsSync(join(dir, 'target', 'compiled', 'demo', 'models', 'e.sql'))).toBe(false);
    const ls = await sm('ls', '--project-dir', dir, '--output', 'name');
    expect(ls.out.split('\n').filter(Boolean).sort()).toEqual(['a', 'blank', 'dep', 'e', 'w']);
  });
});

describe('a model whose SQL is only comments', () => {
  // dbt 1.11.16 (recorded) runs it too, and fails it with DuckDB's 'syntax error at or near ")"' about its own wrapping, exit 1.
  it('fails that model (exit 1) saying it has no SQL, without sending the warehouse a statement', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id\n', 'models/c.sql': '-- select 1 as id\n/* todo */\n', 'models/j.sql': '{# nothing yet #}\n' });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code).toBe(1);
    const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string }[] };
    const failed = rr.results.filter((x) => x.status === 'error');
    expect(failed.map((x) => x.unique_id).sort()).toEqual(['model.demo.c', 'model.demo.j']);
    for (const f of failed) expect(f.message).toMatch(/Model [cj] \(models\/[cj]\.sql\) has no SQL to run: what it compiles to is blank or only comments/);
    expect(`${r.out}\n${r.err}`).not.toContain('syntax error');
  });
});
