import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * Compiled SQL as dbt 1.11 writes it, byte for byte: dbt renders a file's stripped text and keeps
 * the render as it is (a `{{ config() }}` first line leaves a `\n`, a `{% endif %}` after a line
 * its newline), inlines ephemerals as ` __dbt__cte__x as (\n<compiled>\n)`, and its own generic
 * tests and cross-database macros (cast, datediff, dateadd, length, right, array_construct, equals,
 * except, ...) leave the blank lines of theirs; a snapshot block's body is rendered as written. Recorded from dbt-core 1.11.16 with dbt-duckdb
 * 1.11.1 (`dbt build` on the fixture's `project`): fixtures/compiled-whitespace.dbt-1.11.json,
 * target/compiled, the tests' target/run (a model's or snapshot's run file is sm's own statement)
 * and the manifest's compiled_code and raw_code.
 */
const RECORDED = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'compiled-whitespace.dbt-1.11.json'), 'utf8')) as {
  project: Record<string, string>;
  files: Record<string, string>;
  compiled_code: Record<string, string>;
  raw_code: Record<string, string>;
};

describe("compiled SQL with dbt 1.11's whitespace", () => {
  it('writes target/compiled, the tests’ target/run and compiled_code as dbt does', async () => {
    const dir = writeDuckdbProject(RECORDED.project);
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    for (const [path, text] of Object.entries(RECORDED.files)) expect(readFileSync(join(dir, path), 'utf8'), path).toBe(text);
    const nodes = (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_code?: string; raw_code?: string }> }).nodes;
    expect(Object.fromEntries(Object.keys(RECORDED.compiled_code).map((id) => [id, nodes[id]?.compiled_code]))).toEqual(RECORDED.compiled_code);
    // A snapshot block's raw_code is its body as written; its compiled_code that body rendered as it is.
    expect(Object.fromEntries(Object.keys(RECORDED.raw_code).map((id) => [id, nodes[id]?.raw_code]))).toEqual(RECORDED.raw_code);
  });

  it('compiles for Snowflake as dbt-snowflake 1.11 does, its cross-database macros too', async () => {
    const sf = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'compiled-whitespace-snowflake.dbt-1.11.json'), 'utf8')) as { profiles: string; extra: Record<string, string>; files: Record<string, string> };
    const dir = writeDuckdbProject({ ...RECORDED.project, ...sf.extra, 'profiles.yml': sf.profiles });
    const r = await sm('compile', '--project-dir', dir, '--exclude', 'incr', 'spine');
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    for (const [path, text] of Object.entries(sf.files)) expect(readFileSync(join(dir, path), 'utf8'), path).toBe(text);
  });

  it('prints --inline text rendered as it is, unstripped, as dbt compile --inline does', async () => {
    // dbt-core 1.11.16, `dbt compile --inline '\n\n{% set x = 1 %}\nselect {{ x }} as n  '` (8 Dec 2026):
    // "Compiled inline node is:\n\n\n\nselect 1 as n  " (its log's compiled: "\n\n\nselect 1 as n  ").
    const dir = writeDuckdbProject({ 'models/m.sql': 'select 1 as id' });
    const r = await sm('compile', '--project-dir', dir, '--inline', '\n\n{% set x = 1 %}\nselect {{ x }} as n  ');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Compiled inline node is:\n\n\n\nselect 1 as n  ');
  });

  it('keeps the file’s line numbers in an error after leading blank lines', async () => {
    const dir = writeDuckdbProject({ 'models/bad.sql': "\n\n{{ config(materialized='table') }}\nselect {{ nope( }}\n" });
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(`${r.out}\n${r.err}`).toMatch(/models\/bad\.sql:4\b|line 4\b/);
  });
});
