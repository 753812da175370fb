import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

const YAML = [
  'models:',
  '  - name: m',
  '    description: first',
  '  - name: k',
  '    description: first',
  '    config:',
  '      persist_docs: {relation: false}',
  '  - name: c',
  '    config:',
  '      persist_docs: {relation: false, columns: true}',
  '    columns:',
  '      - name: id',
  '        description: first',
  '  - name: dm',
  `    description: "{{ doc('d') }}"`,
  '',
].join('\n');

// dbt-core 1.11.16 on the same files (7 Dec 2026), after `dbt parse` and a copy of target/ to prev/:
// with every "first" made "second" (in the YAML and the doc block), `ls -s state:modified` and
// `-s state:modified.persisted_descriptions` list demo.c, demo.dm and demo.m (k persists nothing),
// `state:unmodified` lists demo.k, `state:modified.body` nothing. With the files as before but a
// column `x` without a description added to c, `state:modified` lists demo.c.
describe('state:modified sees a changed description the node persists, as dbt', () => {
  const project = () =>
    writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': 'name: demo\nprofile: demo\nmodels:\n  demo:\n    +persist_docs: {relation: true}\n',
      'models/m.sql': 'select 1 as id',
      'models/k.sql': 'select 1 as id',
      'models/c.sql': 'select 1 as id',
      'models/dm.sql': 'select 1 as id',
      'models/s.yml': YAML,
      'models/d.md': '{% docs d %}\nfirst\n{% enddocs %}\n',
    });
  const ls = async (dir: string, s: string) => {
    const r = await sm('-q', 'ls', '-s', s, '--state', join(dir, 'prev'), '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    return r.out.split('\n').filter(Boolean).sort();
  };
  const edit = (dir: string, path: string, f: (s: string) => string) => writeFileSync(join(dir, path), f(readFileSync(join(dir, path), 'utf8')));

  for (const smState of [true, false]) {
    it(`descriptions and doc blocks${smState ? '' : ' (a manifest without sm-state.json)'}`, async () => {
      const dir = project();
      expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
      cpSync(join(dir, 'target'), join(dir, 'prev'), { recursive: true });
      if (!smState) rmSync(join(dir, 'prev', 'sm-state.json'));
      expect(await ls(dir, 'state:modified')).toEqual([]);
      for (const f of ['models/s.yml', 'models/d.md']) edit(dir, f, (s) => s.replaceAll('first', 'second'));
      expect(await ls(dir, 'state:modified')).toEqual(['demo.c', 'demo.dm', 'demo.m']);
      expect(await ls(dir, 'state:modified.persisted_descriptions')).toEqual(['demo.c', 'demo.dm', 'demo.m']);
      expect(await ls(dir, 'state:unmodified')).toEqual(['demo.k']);
      expect(await ls(dir, 'state:modified.body')).toEqual([]);
    });
  }

  it('a column listed without a description', async () => {
    const dir = project();
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    cpSync(join(dir, 'target'), join(dir, 'prev'), { recursive: true });
    edit(dir, 'models/s.yml', (s) => s.replace('        description: first\n  - name: dm', '        description: first\n      - name: x\n  - name: dm'));
    expect(await ls(dir, 'state:modified')).toEqual(['demo.c']);
  });
});
