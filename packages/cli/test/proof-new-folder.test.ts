import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

// dbt-core 1.11.16 + dbt-duckdb 1.11.1 on these files (7 Dec 2026): `dbt compile` ("Found 1 model"),
// then tests/t.sql written in a new tests/ folder, `dbt compile` says "Found 1 model, 1 test" and
// `dbt ls` lists nt.a and nt.t. sm's stored compile took no note of a resource folder that did not
// exist, so the test stayed unseen until another input changed (ade-bench's harness copies a task's
// tests into a new tests/ and runs `dbt test --select test_type:singular`: sm selected nothing).
describe('a resource folder made after a compile', () => {
  it('is read by the next command: its files are loaded', async () => {
    const dir = writeProject({
      'profiles.yml': 'nt:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: nt.duckdb\n',
      'dbt_project.yml': 'name: nt\nprofile: nt\n',
      'models/a.sql': 'select 1 as id\n',
    });
    const first = await sm('compile', '--project-dir', dir, '--profiles-dir', dir);
    expect(first.code, first.err).toBe(0);
    mkdirSync(join(dir, 'tests'));
    writeFileSync(join(dir, 'tests', 't.sql'), "select * from {{ ref('a') }} where id is null\n");
    const ls = await sm('ls', '--project-dir', dir, '--profiles-dir', dir);
    expect(ls.code, ls.err).toBe(0);
    expect(ls.out.trim().split('\n')).toEqual(['nt.a', 'nt.t']);
  });
});
