import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, isSmProjectError, loadProjectCollecting, type Adapter, type Diagnostic, type InvocationOptions, type ModelNode } from '../src/index.ts';
import { writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};
const opts = (projectDir: string, extra: Partial<InvocationOptions> = {}): InvocationOptions => ({ projectDir, adapters: { duckdb: () => offline }, ...extra });

// The root project and an installed package `util`, as recorded with dbt-core 1.11.16 (`dbt compile`).
const ROOT_AND_UTIL = {
  'sm_project.yml': [
    'name: root',
    'profile: p',
    'vars:',
    '  x: root_global',
    '  util:',
    '    y: root_scoped_util',
    '  root:',
    '    z: root_scoped_root',
    'models:',
    '  util:',
    '    sub:',
    '      +materialized: table',
    '      +tags: [from_root]',
    '',
  ].join('\n'),
  'packages.yml': 'packages:\n  - local: ./vendor/util\n',
  'models/a.sql': `select '{{ var("x") }}' as x, '{{ var("z", "nz") }}' as z, '{{ var("y", "ny") }}' as y, * from {{ ref('util', 'm') }}`,
  'models/same.sql': "select 'root' as w",
  'dbt_packages/util/dbt_project.yml': [
    'name: util',
    "version: '0.3.1'",
    'require-dbt-version: [">=1.3.0", "<2.0.0"]',
    'vars:',
    '  x: util_global',
    '  y: util_global_y',
    '  w: util_w',
    '  util:',
    '    z: util_scoped',
    'models:',
    '  util:',
    '    +materialized: view',
    '    sub:',
    '      +tags: [from_pkg]',
    '',
  ].join('\n'),
  'dbt_packages/util/models/sub/m.sql': `{{ config(materialized='incremental', tags=['in_file']) }}\nselect '{{ var("x") }}' as x, '{{ var("y") }}' as y, '{{ var("z") }}' as z, '{{ var("w") }}' as w, (select w from {{ ref('same') }}) as same_w`,
  'dbt_packages/util/models/same.sql': "{{ config(alias='util_same') }} select 'util' as w",
  'dbt_packages/util/models/schema.yml': 'version: 2\nmodels:\n  - name: same\n    columns:\n      - name: w\n        data_tests: [not_null]\n',
  'dbt_packages/util/macros/shout.sql': "{% macro shout(x) %}upper('{{ x }}'){% endmacro %}",
  'dbt_packages/util/seeds/util_seed.csv': 'id\n1\n',
  'vendor/util/dbt_project.yml': 'name: util\n',
};

async function diagnosticsOf(files: Record<string, string>): Promise<Diagnostic[]> {
  try {
    await compile(opts(writeProject(files)));
  } catch (e) {
    if (isSmProjectError(e)) return [...e.diagnostics];
    throw e;
  }
  throw new Error('expected compile to fail');
}

describe('installed packages', () => {
  it("loads a package's models, seeds, macros and tests with dbt's ids, fqn and package name", () => {
    const p = loadProjectCollecting({ projectDir: writeProject(ROOT_AND_UTIL) });
    expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const m = p.models.find((x) => x.uniqueId === 'model.util.m')!;
    expect(m.fqn).toEqual(['util', 'sub', 'm']);
    expect(m.packageName).toBe('util');
    expect(m.path).toBe('sub/m.sql');
    expect(m.originalFilePath).toBe('dbt_packages/util/models/sub/m.sql');
    expect(p.models.map((x) => x.uniqueId).sort()).toEqual(['model.root.a', 'model.root.same', 'model.util.m', 'model.util.same']);
    expect(p.seeds.map((x) => [x.uniqueId, x.fqn])).toEqual([['seed.util.util_seed', ['util', 'util_seed']]]);
    // dbt's id for a generic test ends in a hash of its metadata (checked against dbt 1.11's manifest of dbt-utils' integration tests: all 108 agree).
    expect(p.tests.map((t) => t.uniqueId)).toEqual(['test.util.not_null_same_w.03db4067b1']);
    expect(p.macros.map((x) => [x.uniqueId, x.packageName, x.originalFilePath])).toEqual([['macro.util.shout', 'util', 'dbt_packages/util/macros/shout.sql']]);
    expect(p.packages.map((x) => [x.name, x.version])).toEqual([['util', '0.3.1']]);
  });

  it("applies the root project's config for the package over the package's own, even over config() in the file (recorded from dbt)", async () => {
    const c = await compile(opts(writeProject(ROOT_AND_UTIL)));
    const m = c.compiled.nodes.get('model.util.m') as ModelNode;
    // dbt 1.11: materialized table; tags from_pkg, in_file, from_root (sm keeps the same set).
    expect(m.config.materialized).toBe('table');
    expect([...(m.config.tags as string[])].sort()).toEqual(['from_pkg', 'from_root', 'in_file']);
  });

  it("resolves vars per package and ref() as dbt does: ref('pkg', 'name'), and ref('name') in the root project first (recorded from dbt)", async () => {
    const c = await compile(opts(writeProject(ROOT_AND_UTIL)));
    const code = (id: string) => (c.compiled.nodes.get(id) as ModelNode).compiledCode;
    // dbt 1.11 compiled these (its relations carry the database, "pk"."main"."same"); m's starts
    // with the newline its config() line leaves, as dbt's compiled_code does.
    expect(code('model.util.m')).toBe(`\nselect 'root_global' as x, 'root_scoped_util' as y, 'util_scoped' as z, 'util_w' as w, (select w from "main"."same") as same_w`);
    expect(code('model.root.a')).toBe(`select 'root_global' as x, 'root_scoped_root' as z, 'ny' as y, * from "main"."m"`);
    expect((c.compiled.nodes.get('model.util.m') as ModelNode).dependsOn.nodes).toEqual(['model.root.same']);
    // dbt's manifest names a package's files relative to the package.
    const manifest = JSON.parse(readFileSync(join(c.project.dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { original_file_path: string; patch_path: string | null }>; macros: Record<string, { original_file_path: string }> };
    expect(manifest.nodes['model.util.m']!.original_file_path).toBe('models/sub/m.sql');
    expect(manifest.nodes['model.util.same']!.patch_path).toBe('util://models/schema.yml');
    expect(manifest.nodes['model.root.a']!.original_file_path).toBe('models/a.sql');
  });

  it('says to run sm deps when packages.yml names packages that are not installed (exit 2 through SmProjectError)', async () => {
    const d = await diagnosticsOf({
      'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n  - git: https://example.invalid/x.git\n',
      'models/a.sql': 'select 1 as id',
    });
    const missing = d.find((x) => x.code === 'SM_DEPS_MISSING')!;
    expect(missing.message).toBe('packages.yml lists 2 package(s), but 0 are installed in dbt_packages/: dbt_utils is missing');
    expect(missing.hint).toContain('sm deps');
    expect(missing.location?.file).toBe('packages.yml');
  });

  it('finds packages under packages-install-path, follows the symlinks sm deps makes for local packages, and orders them by dependency', () => {
    const dir = writeProject({
      'sm_project.yml': 'name: root\npackages-install-path: vendored\n',
      'packages.yml': 'packages:\n  - local: ../b\n',
      'vendored/a_first/dbt_project.yml': 'name: zeta\n',
      'vendored/a_first/packages.yml': 'packages:\n  - package: org/alpha\n    version: 1.0.0\n',
      'vendored/alpha/dbt_project.yml': 'name: alpha\n',
      'elsewhere/dbt_project.yml': 'name: linked\n',
    });
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'vendored', 'linked'));
    const p = loadProjectCollecting({ projectDir: dir });
    expect(p.packages.map((x) => x.name)).toEqual(['alpha', 'linked', 'zeta']);
    expect(p.diagnostics.find((x) => x.code === 'SM_DEPS_MISSING')).toBeUndefined();
  });

  it("reports a package whose require-dbt-version excludes dbt 1.11, and a folder that is not a package", async () => {
    const d = await diagnosticsOf({
      'sm_project.yml': 'name: root\n',
      'dbt_packages/old/dbt_project.yml': "name: old\nrequire-dbt-version: ['>=0.20.0', '<0.21.0']\n",
      'dbt_packages/junk/README.md': 'not a package',
    });
    expect(d.map((x) => [x.code, x.message])).toEqual([
      ['SM_PACKAGE_INVALID', 'dbt_packages/junk/ is not a dbt package: it has no dbt_project.yml'],
      ['SM_PACKAGE_VERSION', '"old" requires dbt >=0.20.0, <0.21.0; sm follows dbt 1.11.16'],
    ]);
  });

  it('leaves out nodes that config disables, with the tests on them, and does not warn about their YAML', () => {
    const p = loadProjectCollecting({
      projectDir: writeProject({
        // A folder not named `off`: YAML 1.1 (PyYAML, as dbt reads the project file) takes that key for false.
        'sm_project.yml': 'name: root\nmodels:\n  util:\n    +enabled: false\nseeds:\n  root:\n    unused:\n      +enabled: false\n',
        'seeds/unused/s.csv': 'id\n1\n',
        'seeds/on.csv': 'id\n1\n',
        'seeds/schema.yml': 'version: 2\nseeds:\n  - name: s\n    columns:\n      - name: id\n        data_tests: [unique]\n',
        'dbt_packages/util/dbt_project.yml': 'name: util\n',
        'dbt_packages/util/models/m.sql': 'select 1 as id',
        'dbt_packages/util/models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [unique]\n',
      }),
    });
    expect(p.models).toEqual([]);
    expect(p.seeds.map((s) => s.uniqueId)).toEqual(['seed.root.on']);
    expect(p.tests).toEqual([]);
    // The tests on them too: dbt's manifest keeps those among its nodes, enabled false.
    expect(p.disabled.map((n) => n.uniqueId).sort()).toEqual(['model.util.m', 'seed.root.s', 'test.root.unique_s_id.e73c5b8c04', 'test.util.unique_m_id.4dffd0a90e']);
    expect(p.diagnostics).toEqual([]);
  });
});

describe('Jinja in config values', () => {
  // Recorded with dbt-core 1.11.16 (`dbt parse`, TAGX=hello): with no --vars, a view tagged hello, b a
  // table aliased b_from_project_vars, the source in main_raw, the seed disabled; with
  // --vars '{load: true, mat: incremental}', a incremental and the seed enabled.
  const files = {
    'sm_project.yml': [
      'name: cfgp',
      'profile: p',
      'vars:',
      '  cfgp:',
      '    mat2: table',
      '  tagv: from_project_vars',
      'seeds:',
      '  cfgp:',
      `    +enabled: "{{ var('load', false) }}"`,
      'models:',
      '  cfgp:',
      `    +materialized: "{{ var('mat', 'view') }}"`,
      `    +tags: ["{{ env_var('TAGX', 'notag') }}"]`,
      '',
    ].join('\n'),
    'models/schema.yml': [
      'version: 2',
      'sources:',
      '  - name: raw',
      '    schema: "{{ target.schema }}_raw"',
      '    tables:',
      '      - name: t',
      'models:',
      '  - name: b',
      '    config:',
      `      materialized: "{{ var('mat2') }}"`,
      `      alias: "b_{{ var('tagv') }}"`,
      '',
    ].join('\n'),
    'models/a.sql': 'select 1 as x',
    'models/b.sql': "select * from {{ source('raw', 't') }}",
    'seeds/s.csv': 'id\n1\n',
  };

  it('renders the project file with --vars alone and schema YAML with the project vars, as dbt does', () => {
    const dir = writeProject(files);
    const p = loadProjectCollecting({ projectDir: dir, env: { TAGX: 'hello' } });
    expect(p.diagnostics).toEqual([]);
    const cfg = (name: string) => p.models.find((m) => m.name === name)!.config;
    expect([cfg('a').materialized, cfg('a').tags]).toEqual(['view', ['hello']]);
    expect([cfg('b').materialized, cfg('b').alias]).toEqual(['table', 'b_from_project_vars']);
    expect(p.sources[0]!.relation.schema).toBe('main_raw');
    expect(p.seeds).toEqual([]);
    expect(p.disabled.map((n) => n.uniqueId)).toEqual(['seed.cfgp.s']);
    const withVars = loadProjectCollecting({ projectDir: dir, env: { TAGX: 'hello' }, vars: { load: true, mat: 'incremental' } });
    expect(withVars.models.find((m) => m.name === 'a')!.config.materialized).toBe('incremental');
    expect(withVars.seeds.map((s) => s.uniqueId)).toEqual(['seed.cfgp.s']);
  });

  it('says which file reads a var that has no value', () => {
    const dir = writeProject({ ...files, 'models/schema.yml': "version: 2\nmodels:\n  - name: b\n    config:\n      materialized: \"{{ var('nope') }}\"\n" });
    const p = loadProjectCollecting({ projectDir: dir });
    expect(p.diagnostics.map((d) => [d.code, d.location?.file])).toEqual([['SM_VAR_MISSING', 'models/schema.yml']]);
  });
});

describe('model versions', () => {
  it("loads versions, resolves ref('m'), ref('m', v=1) and version=, and names relations and tests as dbt 1.11 does (recorded)", async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: verp\nprofile: verp\n',
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: dim_customers',
        '    latest_version: 2',
        '    config:',
        '      materialized: table',
        '    columns:',
        '      - name: id',
        '        data_tests: [not_null]',
        '      - name: old_col',
        '    versions:',
        '      - v: 1',
        '        columns:',
        '          - include: all',
        '      - v: 2',
        '        columns:',
        '          - include: all',
        '            exclude: [old_col]',
        '      - v: 3',
        '        defined_in: customers_next',
        '        config:',
        '          materialized: view',
        '',
      ].join('\n'),
      'models/dim_customers_v1.sql': "select 1 as id, 'x' as old_col",
      'models/dim_customers_v2.sql': 'select 2 as id',
      'models/customers_next.sql': 'select 3 as id',
      'models/use.sql': "select * from {{ ref('dim_customers') }} union all select id from {{ ref('dim_customers', v=1) }} union all select id from {{ ref('dim_customers', version=3) }}",
    });
    const c = await compile(opts(dir));
    // dbt 1.11: the same SQL with "v"."main"."..." relations.
    expect((c.compiled.nodes.get('model.verp.use') as ModelNode).compiledCode).toBe(
      'select * from "main"."dim_customers_v2" union all select id from "main"."dim_customers_v1" union all select id from "main"."dim_customers_v3"',
    );
    const v = (id: string) => c.compiled.nodes.get(id) as ModelNode;
    expect([1, 2, 3].map((n) => [v(`model.verp.dim_customers.v${n}`).fqn, v(`model.verp.dim_customers.v${n}`).config.materialized, Object.keys(v(`model.verp.dim_customers.v${n}`).columns)])).toEqual([
      [['verp', 'dim_customers', 'v1'], 'table', ['id', 'old_col']],
      [['verp', 'dim_customers', 'v2'], 'table', ['id']],
      [['verp', 'dim_customers', 'v3'], 'view', ['id', 'old_col']],
    ]);
    expect(c.project.tests.map((t) => t.uniqueId).sort()).toEqual([
      'test.verp.not_null_dim_customers_v1_id.ccb11c9411',
      'test.verp.not_null_dim_customers_v2_id.e004801966',
      'test.verp.not_null_dim_customers_v3_id.4e43c44196',
    ]);
  });
});

describe('source overrides', () => {
  it("patches a package's source from the root project (overrides:), as dbt 1.11 compiles it (recorded)", async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: root\nprofile: p\n',
      'dbt_packages/util/dbt_project.yml': "name: util\nversion: '1.0'\n",
      'dbt_packages/util/models/src.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw_schema\n    loader: pkgloader\n    tables:\n      - name: t\n        description: pkg desc\n      - name: u\n',
      'dbt_packages/util/models/pm.sql': "select * from {{ source('raw', 't') }}, {{ source('raw', 'u') }}",
      'models/ovr.yml': 'version: 2\nsources:\n  - name: raw\n    overrides: util\n    schema: custom_raw\n    tables:\n      - name: t\n        identifier: t2\n',
      'models/rm.sql': "select * from {{ source('raw','t') }}",
    });
    const c = await compile(opts(dir));
    // dbt: select * from "o"."custom_raw"."t2", "o"."custom_raw"."u" (the database aside).
    expect((c.compiled.nodes.get('model.util.pm') as ModelNode).compiledCode).toBe('select * from "custom_raw"."t2", "custom_raw"."u"');
    expect((c.compiled.nodes.get('model.root.rm') as ModelNode).compiledCode).toBe('select * from "custom_raw"."t2"');
    const t = c.project.sources.find((s) => s.uniqueId === 'source.util.raw.t')!;
    expect([t.loader, t.description]).toEqual(['pkgloader', 'pkg desc']);
    expect(c.project.sources.map((s) => s.uniqueId).sort()).toEqual(['source.util.raw.t', 'source.util.raw.u']);
  });
});
