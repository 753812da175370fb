import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROJECT = {
  'sm_project.yml': "name: exe\nversion: '1.0'\nprofile: exe\n",
  'profiles.yml': 'exe:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/exe.duckdb\n      threads: 1\n',
  // Packages guard adapter-specific macros this way (audit_helper's quick_are_queries_identical).
  'models/broken.sql': '{% if execute %}{{ exceptions.raise_compiler_error("not for " ~ target.type) }}{% endif %}\nselect 1 as id\n',
  'models/after_broken.sql': "select * from {{ ref('broken') }}\n",
  'models/fine.sql': 'select 2 as id\n',
};

/*
 * dbt-core 1.11.16 with dbt-duckdb 1.11.1, `dbt build` on PROJECT: exit 1; run_results.json
 * (unique_id, status, message). dbt's parse phase renders with `execute` false, so the error is
 * raised when the node runs: that node errors, what depends on it is skipped, the rest runs.
 */
const DBT_RESULTS = [
  ['model.exe.broken', 'error', 'Compilation Error in model broken (models/broken.sql)\n  not for duckdb'],
  ['model.exe.fine', 'success'],
  ['model.exe.after_broken', 'skipped'],
];

describe("an error raised only when `execute` is true, as dbt's two phases raise it", () => {
  it('fails that node when it runs, skips what depends on it and runs the rest', async () => {
    const dir = writeProject(PROJECT);
    const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} } satisfies InvocationOptions, 'build');
    expect(o.status).toBe('failure');
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string | null }[] }).results;
    const got = new Map(results.map((r) => [r.unique_id, r]));
    expect(results.length).toBe(DBT_RESULTS.length);
    for (const [id, status, message] of DBT_RESULTS) {
      expect(got.get(id!)?.status, id).toBe(status);
      // dbt's wording differs; what the template raised is in sm's message too.
      if (message) expect(got.get(id!)?.message).toContain(message.split('\n  ')[1]);
    }
  });

  it('an error the parse phase raises as well stays the project\'s (exit 2, nothing runs)', async () => {
    const dir = writeProject({ ...PROJECT, 'models/broken.sql': '{{ exceptions.raise_compiler_error("always") }}\nselect 1 as id\n{{ execute }}' });
    await expect(execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} }, 'build')).rejects.toThrow(/always/);
  });
});
