import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

describe('target/compiled after a compile of some nodes', () => {
  it('a whole compile of unchanged inputs after `compile -s` neither reads nor rewrites the other files; changed inputs rewrite them', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select id from {{ ref('a') }}",
    });
    const compile = async (...args: string[]) => {
      const r = await sm('compile', ...args, '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code, r.err).toBe(0);
    };
    const fileB = join(dir, 'target/compiled/demo/models/b.sql');
    const done = join(dir, 'target/.sm/compiled-files.done.json');
    await compile();
    await compile();
    expect(existsSync(done)).toBe(true);
    await compile('-s', 'a');
    // Written from the same inputs as the tree: the tree's record still holds.
    expect(existsSync(done), 'compile -s keeps the record of the whole tree').toBe(true);
    // A file the record vouches for is not looked at: a whole compile leaves even a hand-edited one alone (as a warm compile always has).
    const old = new Date(Date.now() - 60_000);
    utimesSync(fileB, old, old);
    await compile();
    expect(statSync(fileB).mtimeMs).toBe(old.getTime());
    // Inputs changed: the record no longer holds and every file is written from them.
    writeFileSync(join(dir, 'models/b.sql'), "select id, 2 as two from {{ ref('a') }}");
    await compile('-s', 'a');
    expect(existsSync(done), 'a compile of some nodes from other inputs drops the record').toBe(false);
    await compile();
    expect(readFileSync(fileB, 'utf8')).toBe('select id, 2 as two from "demo"."main"."a"');
  });
});
