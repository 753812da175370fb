import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, type Adapter, type Command, type Compilation, type InvocationOptions } from '../src/index.ts';
import { age, writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};

const PROFILES = `demo:
  target: dev
  outputs:
    dev: {type: duckdb, path: ':memory:', schema: "{{ env_var('SM_WARM_SCHEMA', 'main') }}", threads: 1}
    prod: {type: duckdb, path: ':memory:', schema: analytics, threads: 4}
`;

type Extra = Partial<Pick<InvocationOptions, 'vars' | 'target' | 'env' | 'select' | 'exclude' | 'selector' | 'storeFailures'>>;
const run = (dir: string, extra: Extra = {}, command: Command = 'compile') => compile({ projectDir: dir, adapters: { duckdb: () => offline }, env: {}, ...extra }, command);

/** What a command reads of a compile: the selection, each selected node, the diagnostics. */
function seen(c: Compilation) {
  // As JSON (the store keeps no undefined fields), with the project's own directory left out (a copy is compared).
  const nodes = JSON.parse(JSON.stringify(c.selected.map((id) => c.compiled.nodes.get(id))).split(c.project.dir).join('<dir>')) as unknown;
  return { selected: c.selected, nodes, diagnostics: c.diagnostics.map((d) => [d.code, d.message]), size: c.compiled.nodes.size };
}

/** Everything compile leaves in target/ for users, less per-invocation metadata. */
function artifacts(dir: string) {
  const t = join(dir, 'target');
  // A seed's root_path is the project's folder, which differs between the copies compared.
  const m = JSON.parse(readFileSync(join(t, 'manifest.json'), 'utf8').replaceAll(JSON.stringify(dir).slice(1, -1), '<project>')) as { metadata: Record<string, unknown> };
  const { generated_at: _g, invocation_id: _i, invocation_started_at: _s, run_started_at: _r, ...metadata } = m.metadata;
  const compiled: Record<string, string> = {};
  const root = join(t, 'compiled');
  for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' })) if (statSync(join(root, f)).isFile()) compiled[f] = readFileSync(join(root, f), 'utf8');
  return { manifest: { ...m, metadata }, compiled };
}

/** Compile twice (the second from the store) and a copy without target/; all three agree. */
async function expectReusedEqualsCold(dir: string, extra: Extra = {}, command: Command = 'compile'): Promise<Compilation> {
  age(dir);
  const first = await run(dir, extra, command);
  expect(first.reused).toBe(false);
  const again = await run(dir, extra, command);
  expect(again.reused).toBe(true);
  expect(seen(again)).toEqual(seen(first));
  const cold = mkdtempSync(join(tmpdir(), 'sm-cold-'));
  cpSync(dir, cold, { recursive: true });
  rmSync(join(cold, 'target'), { recursive: true, force: true });
  const c = await run(cold, extra, command);
  expect(seen(again)).toEqual(seen(c));
  if (command === 'compile') expect(artifacts(dir)).toEqual(artifacts(cold));
  return again;
}

describe('a compile whose inputs are unchanged reuses the stored results', () => {
  const files = () => ({
    'profiles.yml': PROFILES,
    'sm_project.yml': 'name: demo\nprofile: demo\nvars:\n  n: 5\n',
    'models/a.sql': "{{ config(alias='a1', tags=['t']) }}select 1 as id",
    // Characters beyond ASCII: the store's byte offsets must still find every node after them.
    'models/accents.sql': "select 'café ☕ 東京' as where_from",
    'models/marts/b.sql': "select id from {{ ref('a') }} where id < {{ var('n') }} and {{ shout('x') }} = 'X'",
    'models/inc.sql': "{{ config(materialized='incremental', unique_key='id') }}select id from {{ ref('a') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique, not_null]\n',
    'macros/shout.sql': "{% macro shout(c) %}upper('{{ c }}'){% endmacro %}",
    'seeds/s.csv': 'k,v\n1,2\n',
  });

  it('gives what a cold compile gives, for every command and selection', async () => {
    const dir = writeProject(files());
    const c = await expectReusedEqualsCold(dir);
    expect(() => c.project.models).toThrow(/complete: true/);
    // Both renders of an incremental model are stored: a run from the store never renders.
    expect(c.compiled.nodes.get('model.demo.inc')).toMatchObject({ compiledCode: 'select id from "main"."a1"', incrementalCode: 'select id from "main"."a1" where id > (select max(id) from "main"."inc")' });
    for (const [extra, command] of [[{ select: ['+b'] }, 'run'], [{ select: ['tag:t'], exclude: ['b'] }, 'ls'], [{ select: ['config.materialized:incremental'] }, 'build'], [{}, 'test']] as const) {
      const warm = await run(dir, extra, command);
      expect(warm.reused).toBe(true);
      const cold = await run(dir, extra, command).then(() => compile({ projectDir: dir, adapters: { duckdb: () => offline }, env: {}, noCache: true, ...extra }, command));
      expect(seen(warm)).toEqual(seen(cold));
    }
  });

  it('compiles afresh after any change to what compiling reads', async () => {
    const dir = writeProject(files());
    await expectReusedEqualsCold(dir);
    const changes: [string, () => void, Extra?][] = [
      ['a model, same size', () => writeFileSync(join(dir, 'models/a.sql'), "{{ config(alias='a1', tags=['t']) }}select 2 as id")],
      ['a new model', () => writeFileSync(join(dir, 'models/marts/c.sql'), "select * from {{ ref('b') }}")],
      ['a new folder of models', () => (mkdirSync(join(dir, 'models/deep/er'), { recursive: true }), writeFileSync(join(dir, 'models/deep/er/d.sql'), 'select 4 as id'))],
      ['a deleted model', () => rmSync(join(dir, 'models/marts/c.sql'))],
      ['schema YAML', () => writeFileSync(join(dir, 'models/schema.yml'), 'version: 2\nmodels:\n  - name: a\n    description: now\n')],
      ['a macro', () => writeFileSync(join(dir, 'macros/shout.sql'), "{% macro shout(c) %}lower('{{ c }}'){% endmacro %}")],
      ['a seed', () => writeFileSync(join(dir, 'seeds/s.csv'), 'k,v\n1,3\n')],
      ['the project file', () => writeFileSync(join(dir, 'sm_project.yml'), 'name: demo\nprofile: demo\nvars:\n  n: 6\n')],
      ['profiles.yml', () => writeFileSync(join(dir, 'profiles.yml'), PROFILES.replace('threads: 1', 'threads: 2'))],
      ['selectors.yml appearing', () => writeFileSync(join(dir, 'selectors.yml'), 'selectors:\n  - name: s\n    definition: a\n')],
      ['an installed package', () => (mkdirSync(join(dir, 'dbt_packages/p/macros'), { recursive: true }), writeFileSync(join(dir, 'dbt_packages/p/dbt_project.yml'), 'name: p\n'), writeFileSync(join(dir, 'dbt_packages/p/macros/m.sql'), '{% macro m() %}1{% endmacro %}'))],
      ["a package's macro", () => writeFileSync(join(dir, 'dbt_packages/p/macros/m.sql'), '{% macro m() %}2{% endmacro %}')],
      ['--vars', () => undefined, { vars: { n: 9 } }],
      // dbt's not_null selects every column when the failing rows are kept.
      ['--store-failures', () => undefined, { vars: { n: 9 }, storeFailures: true }],
      ['--target', () => undefined, { target: 'prod' }],
      ['an environment variable profiles.yml reads', () => undefined, { env: { SM_WARM_SCHEMA: 'other' } }],
      ['schema YAML reading an environment variable', () => writeFileSync(join(dir, 'models/schema.yml'), "version: 2\nmodels:\n  - name: inc\n    config:\n      alias: \"{{ env_var('SM_WARM_ALIAS', 'inc') }}\"\n")],
      ['the environment variable schema YAML reads', () => undefined, { env: { SM_WARM_SCHEMA: 'other', SM_WARM_ALIAS: 'inc2' } }],
    ];
    let extra: Extra = {};
    for (const [what, change, next] of changes) {
      change();
      extra = next ?? extra;
      // Only a change of files ages them (aging alone would move folder mtimes and void the proof).
      if (!next) age(dir);
      const c = await run(dir, extra);
      expect([what, c.reused]).toEqual([what, false]);
      expect([what, (await run(dir, extra)).reused]).toEqual([what, true]);
    }
    expect(artifacts(dir).compiled['demo/models/marts/b.sql']).toBe(`select id from "other"."a1" where id < 6 and lower('x') = 'X'`);
  });

  it('is not trusted when files changed just before it was taken, nor when a render read the environment or the clock', async () => {
    const dir = writeProject(files());
    // Written just now: the first compile's proof is void, so the second compiles afresh too.
    expect((await run(dir)).reused).toBe(false);
    expect((await run(dir)).reused).toBe(false);
    writeFileSync(join(dir, 'models/e.sql'), "select '{{ env_var('SM_WARM_E', 'x') }}' as e");
    age(dir);
    expect((await run(dir)).reused).toBe(false);
    expect((await run(dir)).reused).toBe(false);
  });

  it('writes compiled files a user deleted, and reads selectors only when the selection names them', async () => {
    const dir = writeProject({ ...files(), 'selectors.yml': 'selectors:\n  - name: marts\n    definition: path:models/marts\n' });
    await expectReusedEqualsCold(dir);
    rmSync(join(dir, 'target/compiled/demo/models/marts/b.sql'));
    const c = await run(dir);
    expect(c.reused).toBe(true);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/marts/b.sql'), 'utf8')).toContain('upper');
    const s = await run(dir, { selector: 'marts' }, 'ls');
    expect([s.reused, s.selected]).toEqual([true, ['model.demo.b']]);
  });

  it("compiles afresh after a change in a `local:` package, which deps installs as a link to its folder", async () => {
    // dbt-package layout: the package's integration_tests/ is the root project and installs `local: ../` as dbt_packages/pkg -> the package.
    const pkg = writeProject({
      'dbt_project.yml': 'name: pkg\nprofile: demo\n',
      'models/pm.sql': 'select 1 as id',
      'macros/pmac.sql': '{% macro pmac() %}1{% endmacro %}',
      'integration_tests/dbt_project.yml': 'name: demo\nprofile: demo\n',
      'integration_tests/profiles.yml': PROFILES,
      'integration_tests/packages.yml': 'packages:\n  - local: ../\n',
      'integration_tests/models/r.sql': "select id, {{ pkg.pmac() }} as m from {{ ref('pm') }}",
    });
    const dir = join(pkg, 'integration_tests');
    mkdirSync(join(dir, 'dbt_packages'));
    symlinkSync(pkg, join(dir, 'dbt_packages', 'pkg'));
    const compiledPm = () => readFileSync(join(dir, 'target/compiled/pkg/models/pm.sql'), 'utf8');
    age(pkg);
    expect((await run(dir)).reused).toBe(false);
    expect((await run(dir)).reused).toBe(true);
    // Recorded from dbt 1.11.16 (fivetran/dbt_github, a package model broken between two builds): dbt compiles the changed model and fails it.
    for (const [file, text] of [
      ['models/pm.sql', 'select 2 as id from nowhere_at_all'],
      ['macros/pmac.sql', '{% macro pmac() %}2{% endmacro %}'],
      ['models/new.sql', 'select 3 as id'],
    ] as const) {
      writeFileSync(join(pkg, file), text);
      // Aged alone (age() would move every folder's mtime, which voids the proof by itself), its folder too for a new file.
      const then = new Date(Date.now() - 5_000);
      utimesSync(join(pkg, file), then, then);
      utimesSync(dirname(join(pkg, file)), then, then);
      expect([file, (await run(dir)).reused]).toEqual([file, false]);
      expect([file, (await run(dir)).reused]).toEqual([file, true]);
    }
    expect(compiledPm()).toBe('select 2 as id from nowhere_at_all');
    expect(readFileSync(join(dir, 'target/compiled/demo/models/r.sql'), 'utf8')).toContain('2 as m');
  });
});
