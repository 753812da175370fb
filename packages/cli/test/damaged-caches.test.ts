import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/** Every file under target/.sm, relative to target/. */
function cacheFiles(target: string, dir = '.sm'): string[] {
  return readdirSync(join(target, dir)).flatMap((f) => (statSync(join(target, dir, f)).isDirectory() ? cacheFiles(target, join(dir, f)) : [join(dir, f)]));
}

/** sm's caches under target/.sm are its own: damaged (a disk filled up, an editor, a copy cut short), they are rebuilt, never an error. */
describe('damaged caches under target/.sm', () => {
  it('each file cut short or overwritten: compile, run, ls and check still do their work', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'seeds/codes.csv': 'code,name\na,Alpha\n',
      'models/base.sql': "select code, name from {{ ref('codes') }}",
      'models/top.sql': "select upper(name) as name from {{ ref('base') }}",
    });
    const target = join(dir, 'target');
    expect((await sm('build', '--project-dir', dir)).code).toBe(0);
    expect((await sm('check', '--project-dir', dir)).code).toBe(0);
    const files = cacheFiles(target);
    expect(files).toContain(join('.sm', 'compiled', 'nodes.jsonl'));
    for (const f of files) {
      const whole = readFileSync(join(target, f));
      for (const damaged of [whole.subarray(0, Math.min(20, whole.length - 1)), Buffer.from('{"a": [1]}\n')]) {
        writeFileSync(join(target, f), damaged);
        for (const cmd of ['compile', 'run', 'ls', 'check']) {
          const r = await sm(cmd, '--project-dir', dir);
          expect(r.code, `${f} damaged, sm ${cmd}: ${r.err}`).toBe(0);
        }
      }
    }
    const listed = await sm('ls', '--project-dir', dir, '-s', 'top', '--output', 'name');
    expect(listed.out.trim().split('\n').at(-1)).toBe('top');
  });
});
