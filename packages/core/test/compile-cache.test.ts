import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, type Adapter, type InvocationOptions } from '../src/index.ts';
import { writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};

type Extra = Partial<Pick<InvocationOptions, 'vars' | 'target' | 'env' | 'select'>>;

/** Everything a compile leaves in target/ that a user or tool reads, less what differs per invocation. */
function artifacts(dir: string): { manifest: unknown; state: unknown; compiled: Record<string, string> } {
  const t = join(dir, 'target');
  // A seed's root_path is the project's folder, which differs between the copies compared.
  const m = JSON.parse(readFileSync(join(t, 'manifest.json'), 'utf8').replaceAll(JSON.stringify(dir).slice(1, -1), '<project>')) as { metadata: Record<string, unknown> };
  const { generated_at: _g, invocation_id: _i, invocation_started_at: _s, run_started_at: _r, ...metadata } = m.metadata;
  const compiled: Record<string, string> = {};
  const root = join(t, 'compiled');
  for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (statSync(join(root, f)).isFile()) compiled[f] = readFileSync(join(root, f), 'utf8');
  }
  return { manifest: { ...m, metadata }, state: JSON.parse(readFileSync(join(t, 'sm-state.json'), 'utf8')), compiled };
}

const run = (dir: string, extra: Extra = {}) => compile({ projectDir: dir, adapters: { duckdb: () => offline }, env: {}, ...extra });

/** Compile `dir` (warm: its target/ holds the caches of earlier compiles) and a copy of it without target/ (cold); both must leave the same artifacts. */
async function expectWarmEqualsCold(dir: string, extra: Extra = {}): Promise<ReturnType<typeof artifacts>> {
  await run(dir, extra);
  const warm = artifacts(dir);
  const cold = mkdtempSync(join(tmpdir(), 'sm-cold-'));
  cpSync(dir, cold, { recursive: true });
  rmSync(join(cold, 'target'), { recursive: true, force: true });
  await run(cold, extra);
  expect(warm).toEqual(artifacts(cold));
  return warm;
}

const PROFILES = `demo:
  target: dev
  outputs:
    dev: {type: duckdb, path: ':memory:', schema: main, threads: 1}
    prod: {type: duckdb, path: ':memory:', schema: analytics, threads: 4}
`;

describe('compile caches (render, schema YAML, manifest, compiled files)', () => {
  it('leave exactly what a cold compile leaves after every kind of change', async () => {
    const dir = writeProject({
      // The project file under another name, as streamify.yml is.
      'sm_project.yml': '',
      'demo.yml': 'name: demo\nprofile: demo\nvars:\n  n: 5\nmodels:\n  demo:\n    marts:\n      +materialized: table\n',
      'profiles.yml': PROFILES,
      'models/a.sql': "{{ config(alias='a1') }}select 1 as id, {{ target.threads }} as threads",
      'models/marts/b.sql': "select id from {{ ref('a') }} where id < {{ var('n') }} and {{ shout('x') }} = 'X'",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: first\n    columns:\n      - name: id\n        tests: [unique]\n',
      'macros/shout.sql': "{% macro shout(c) %}upper('{{ c }}'){% endmacro %}",
      'seeds/s.csv': 'k,v\n1,2\n',
      'tests/b_positive.sql': "select * from {{ ref('b') }} where id < 0",
    });
    rmSync(join(dir, 'sm_project.yml'));
    const first = await expectWarmEqualsCold(dir);
    expect(first.compiled['demo/models/marts/b.sql']).toBe(`select id from "main"."a1" where id < 5 and upper('x') = 'X'`);

    // Nothing changed: the manifest is reused, with this invocation's id and time.
    const before = readFileSync(join(dir, 'target/manifest.json'), 'utf8');
    const c = await run(dir);
    const after = readFileSync(join(dir, 'target/manifest.json'), 'utf8');
    expect(after).not.toBe(before);
    expect(JSON.parse(after).metadata.invocation_id).toBe(c.invocationId);
    expect(artifacts(dir)).toEqual(first);

    writeFileSync(join(dir, 'models/marts/b.sql'), "select id, 2 as two from {{ ref('a') }}");
    expect((await expectWarmEqualsCold(dir)).compiled['demo/models/marts/b.sql']).toBe('select id, 2 as two from "main"."a1"');

    writeFileSync(join(dir, 'models/marts/b.sql'), "select id from {{ ref('a') }} where id < {{ var('n') }}");
    expect((await expectWarmEqualsCold(dir, { vars: { n: 7 } })).compiled['demo/models/marts/b.sql']).toContain('id < 7');
    // Back to the project's vars: the files written under --vars are rewritten.
    expect((await expectWarmEqualsCold(dir)).compiled['demo/models/marts/b.sql']).toContain('id < 5');

    const prod = await expectWarmEqualsCold(dir, { target: 'prod' });
    expect(prod.compiled['demo/models/a.sql']).toBe('select 1 as id, 4 as threads');
    expect(prod.compiled['demo/models/marts/b.sql']).toContain('"analytics"."a1"');
    await expectWarmEqualsCold(dir);

    writeFileSync(join(dir, 'macros/shout.sql'), "{% macro shout(c) %}lower('{{ c }}'){% endmacro %}");
    writeFileSync(join(dir, 'models/marts/b.sql'), "select id from {{ ref('a') }} where {{ shout('x') }} = 'x'");
    await expectWarmEqualsCold(dir);
    writeFileSync(join(dir, 'macros/shout.sql'), "{% macro shout(c) %}trim('{{ c }}'){% endmacro %}");
    expect((await expectWarmEqualsCold(dir)).compiled['demo/models/marts/b.sql']).toContain("trim('x')");

    // Schema YAML: a description (manifest only), then a new test and column.
    writeFileSync(join(dir, 'models/schema.yml'), 'version: 2\nmodels:\n  - name: a\n    description: second\n    columns:\n      - name: id\n        tests: [unique]\n');
    const yml = await expectWarmEqualsCold(dir);
    expect(JSON.stringify(yml.manifest)).toContain('"second"');
    writeFileSync(join(dir, 'models/schema.yml'), 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique, not_null]\n      - name: threads\n        tests: [not_null]\n');
    const tests = await expectWarmEqualsCold(dir);
    expect(Object.keys(tests.compiled).filter((f) => f.includes('not_null'))).toHaveLength(2);

    // The project file: a folder's config moves b to another schema.
    writeFileSync(join(dir, 'demo.yml'), 'name: demo\nprofile: demo\nvars:\n  n: 5\nmodels:\n  demo:\n    marts:\n      +materialized: table\n      +schema: marts\n');
    expect(JSON.stringify((await expectWarmEqualsCold(dir)).manifest)).toContain('"main_marts"');

    writeFileSync(join(dir, 'seeds/s.csv'), 'k,v,w\n1,2,3\n');
    writeFileSync(join(dir, 'tests/b_positive.sql'), "select * from {{ ref('b') }} where id <= 0");
    await expectWarmEqualsCold(dir);

    // A compiled file deleted by hand is written again.
    rmSync(join(dir, 'target/compiled/demo/models/a.sql'));
    await expectWarmEqualsCold(dir);
  });

  it('never reuse output that read the environment', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILES,
      'models/e.sql': "select '{{ env_var('SM_CACHE_E', 'none') }}' as e",
      'tests/t.sql': "select '{{ env_var('SM_CACHE_T', 'none') }}' as t where false",
    });
    await expectWarmEqualsCold(dir, { env: { SM_CACHE_E: 'one', SM_CACHE_T: 'one' } });
    const two = await expectWarmEqualsCold(dir, { env: { SM_CACHE_E: 'two', SM_CACHE_T: 'two' } });
    expect(two.compiled['demo/models/e.sql']).toBe("select 'two' as e");
    expect(two.compiled['demo/tests/t.sql']).toBe("select 'two' as t where false");
    expect(JSON.stringify(two.manifest)).toContain("select 'two' as t");
  });

  it('report a YAML problem again on a warm load, and recover when it is fixed', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILES, 'models/a.sql': 'select 1 as id', 'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n' });
    await expectWarmEqualsCold(dir);
    writeFileSync(join(dir, 'models/schema.yml'), 'version: 2\nmodels:\n  - description: no name\n');
    for (let i = 0; i < 2; i++) {
      const err = await run(dir).then(() => undefined, (e: { diagnostics: { code: string; location?: { file: string; line?: number } }[] }) => e.diagnostics);
      expect(err?.[0]).toMatchObject({ code: 'SM_SCHEMA_YAML', location: { file: 'models/schema.yml', line: 3 } });
    }
    writeFileSync(join(dir, 'models/schema.yml'), 'version: 2\nmodels:\n  - name: a\n    description: fixed\n');
    expect(JSON.stringify((await expectWarmEqualsCold(dir)).manifest)).toContain('"fixed"');
  });

  it('write many compiled files on a worker, and report a file that cannot be written', async () => {
    const files: Record<string, string> = { 'profiles.yml': PROFILES };
    for (let i = 0; i < 520; i++) files[`models/m${i}.sql`] = i ? `select id + ${i} as id from {{ ref('m${i - 1}') }}` : 'select 1 as id';
    const dir = writeProject(files);
    const all = await expectWarmEqualsCold(dir);
    expect(Object.keys(all.compiled)).toHaveLength(520);
    expect(all.compiled['demo/models/m519.sql']).toBe('select id + 519 as id from "main"."m518"');
    // A file where the models folder should be: the compile fails and says so, then recovers.
    rmSync(join(dir, 'target'), { recursive: true });
    writeFileSync(join(dir, 'models/m3.sql'), 'select 3 as id');
    await run(dir, { target: 'prod' });
    rmSync(join(dir, 'target/compiled'), { recursive: true, force: true });
    writeFileSync(join(dir, 'target/compiled'), 'in the way');
    await expect(run(dir)).rejects.toThrow(/Could not write compiled files: .*target\/compiled/);
    rmSync(join(dir, 'target/compiled'));
    expect((await expectWarmEqualsCold(dir)).compiled['demo/models/m3.sql']).toBe('select 3 as id');
  });
});
