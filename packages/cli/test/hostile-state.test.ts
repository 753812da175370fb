import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/** A state directory (--state) holding a manifest.json with the given text. */
function stateWith(dir: string, manifest: string): string {
  const state = join(dir, 'prod');
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, 'manifest.json'), manifest);
  return state;
}

/** Earlier runs' artifacts given by the user: a wrongly shaped one is a project error naming the file (exit 2), never a crash. */
describe('hostile --state artifacts', () => {
  // dbt 1.11.16 (recorded) exits 2 on these manifests too, with a Python traceback (mashumaro InvalidFieldValue).
  it('a manifest whose node or source entry is not an object', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }}" });
    for (const [k, id] of [['nodes', 'model.demo.a'], ['sources', 'source.demo.s.t']] as const) {
      const state = stateWith(dir, JSON.stringify({ nodes: {}, [k]: { [id]: null } }));
      for (const argv of [['ls', '-s', 'state:modified'], ['run', '-s', 'b', '--defer'], ['clone']]) {
        const r = await sm(...argv, '--state', state, '--project-dir', dir);
        expect(r.code, `${argv.join(' ')} with ${k}`).toBe(2);
        expect(r.err).toContain(`manifest.json is not a manifest: \`${k}\`.${JSON.stringify(id)} is not an object`);
        expect(r.err).not.toContain('SM_UNEXPECTED');
      }
    }
  });

  // Recorded from dbt 1.11.16: a model disabled (by a var) in the --state manifest is new, so modified, when enabled now.
  it('a node disabled in the earlier run is new', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': "{{ config(enabled=var('a_on', true)) }}select 1 as id", 'models/c.sql': 'select 2 as id' });
    expect((await sm('compile', '--vars', '{a_on: false}', '--project-dir', dir)).code).toBe(0);
    cpSync(join(dir, 'target'), join(dir, 'prev'), { recursive: true });
    const ls = async (s: string) => (await sm('-q', 'ls', '-s', s, '--state', join(dir, 'prev'), '--project-dir', dir)).out.trim().split('\n');
    expect(await ls('state:modified')).toEqual(['demo.a']);
    expect(await ls('state:new')).toEqual(['demo.a']);
    expect(await ls('state:old')).toEqual(['demo.c']);
  });
});
