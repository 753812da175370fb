import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';
const MACROS = (v: number) => `{% macro one() %}${v}{% endmacro %}{% macro two() %}{{ one() }}{% endmacro %}\n`;

// dbt-core 1.11.16 on the same files (7 Dec 2026): `dbt parse`, target/ copied to prev/, macro
// one's body changed; `dbt ls -s state:modified --state prev` lists demo.a (a calls two, which
// calls one), not demo.b; `-s state:modified.macros` lists demo.a; with a new model c calling
// two added, `state:modified.macros` lists demo.a and demo.c.
describe('state:modified sees a changed macro a node calls, as dbt', () => {
  it('through the macros it calls, and as modified.macros', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'macros/m.sql': MACROS(1), 'models/a.sql': 'select {{ two() }} as id', 'models/b.sql': 'select 2 as id' });
    const ls = async (s: string) => {
      const r = await sm('-q', 'ls', '-s', s, '--state', join(dir, 'prev'), '--project-dir', dir);
      expect(r.code, r.err).toBe(0);
      return r.out.split('\n').filter(Boolean).sort();
    };
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    cpSync(join(dir, 'target'), join(dir, 'prev'), { recursive: true });
    expect(await ls('state:modified')).toEqual([]);
    writeFileSync(join(dir, 'macros/m.sql'), MACROS(3));
    expect(await ls('state:modified')).toEqual(['demo.a']);
    expect(await ls('state:modified.macros')).toEqual(['demo.a']);
    expect(await ls('state:unmodified')).toEqual(['demo.b']);
    expect(await ls('state:modified.body')).toEqual([]);
    writeFileSync(join(dir, 'models/c.sql'), 'select {{ two() }} as id');
    expect(await ls('state:modified.macros')).toEqual(['demo.a', 'demo.c']);
  });
});
