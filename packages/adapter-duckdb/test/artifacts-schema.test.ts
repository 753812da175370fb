import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from '../src/index.ts';
import { compile, execute, type InvocationOptions } from '@smsql/core';
import { generateDocs } from '@smsql/core/docs';
import { queryTarget, writeProject } from '@smsql/test-kit';

// Written by scripts/ci/install-dbt-schemas.sh from dbt-core's own artifact classes.
const SCHEMAS = process.env.SM_DBT_SCHEMAS_DIR ?? join(process.env.SM_DBT_SCHEMAS ?? join(homedir(), '.cache', 'sm-dbt-schemas'), 'schemas');

function loadSchema(file: string): Record<string, any> {
  const path = join(SCHEMAS, file);
  if (!existsSync(path)) throw new Error(`dbt's artifact schema ${path} is missing: run scripts/ci/install-dbt-schemas.sh (CI runs it through scripts/ci/prepare.sh)`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const fmt = (errs: typeof ajv.errors) => (errs ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
const BRANCH: Record<string, (n: Record<string, unknown>) => string> = {
  seed: () => 'Seed', model: () => 'Model', snapshot: () => 'Snapshot', source: () => 'SourceDefinition', macro: () => 'Macro',
  unit_test: () => 'UnitTestDefinition', operation: () => 'HookNode', test: (n) => (n.test_metadata ? 'GenericTest' : 'SingularTest'),
};

/** Validate an artifact; on failure, name each entry that fails its own branch of the schema's anyOf (ajv's anyOf errors alone are unreadable). */
function check(schemaFile: string, artifact: string): unknown {
  const schema = loadSchema(schemaFile);
  const data = JSON.parse(readFileSync(artifact, 'utf8'));
  // Compiled once per schema: ajv refuses a second schema with the same $id.
  const validate = (schema.$id ? ajv.getSchema(schema.$id) : undefined) ?? ajv.compile(schema);
  if (validate(data)) return data;
  const problems: string[] = [];
  for (const key of ['nodes', 'sources', 'macros', 'unit_tests', 'exposures']) {
    const ap = schema.properties?.[key]?.additionalProperties;
    if (!ap) continue;
    const branches: Record<string, any>[] = ap.anyOf ?? [ap];
    for (const [id, n] of Object.entries((data[key] ?? {}) as Record<string, Record<string, unknown>>)) {
      const title = BRANCH[String(n.resource_type)]?.(n);
      const branch = branches.find((b) => b.title === title) ?? branches[0]!;
      const v = ajv.compile(branch);
      if (!v(n)) problems.push(`${key}/${id} (${branch.title}): ${fmt(v.errors).join('; ')}`);
    }
  }
  if (!problems.length) problems.push(...fmt(validate.errors));
  expect(problems, `${artifact} against ${schemaFile}`).toEqual([]);
  return data;
}

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n';

function project(): string {
  return writeProject({
    // Project hooks: operation nodes in the manifest and results in run_results.
    'sm_project.yml': 'name: demo\nprofile: demo\non-run-start: "select 1"\non-run-end:\n  - "select {{ results | length }}"\n',
    'profiles.yml': PROFILE,
    'seeds/codes.csv': 'code,name\na,Alpha\nb,Beta\n',
    'models/staging/stg_base.sql': "select 1 as id, 'a' as code union all select 2, 'b'",
    'models/mid.sql': "{{ config(materialized='table', tags=['core']) }}select b.id, c.name from {{ ref('stg_base') }} b join {{ ref('codes') }} c using (code)",
    'models/failing.sql': "{{ config(materialized='table') }}select nonsense from {{ ref('mid') }}",
    'models/after_failing.sql': "select * from {{ ref('failing') }}",
    'models/from_source.sql': "select * from {{ source('raw', 'events') }}",
    'models/schema.yml': [
      'version: 2',
      'sources:',
      '  - name: raw',
      '    schema: main',
      '    tables:',
      '      - name: events',
      '        description: raw events',
      '        columns: [{ name: id, description: the id }]',
      'groups:',
      '  - name: core',
      '    owner: { name: Core team }',
      'models:',
      '  - name: mid',
      '    description: The middle model',
      '    group: core',
      '    access: public',
      '    columns:',
      '      - name: id',
      '        description: primary key',
      '        data_type: integer',
      '        tests: [unique, not_null]',
      '      - name: name',
      '        tests:',
      "          - accepted_values: { values: ['Alpha', 'Beta'] }",
      '',
    ].join('\n'),
    'models/exposures.yml': [
      'exposures:',
      '  - name: codes_dashboard',
      '    type: dashboard',
      '    maturity: medium',
      '    url: http://localhost:8088/',
      '    depends_on:',
      "      - ref('mid')",
      "      - source('raw', 'events')",
      '    owner: { name: Analytics, email: a@example.com }',
      '',
    ].join('\n'),
    'tests/no_negative.sql': "select * from {{ ref('mid') }} where id < 0",
    'macros/cents.sql': '{% macro cents(x) %}({{ x }} * 100){% endmacro %}',
    'snapshots/codes_snap.sql': "{% snapshot codes_snap %}{{ config(unique_key='code', strategy='check', check_cols=['name']) }}select * from {{ ref('codes') }}{% endsnapshot %}",
    'models/unit.yml': [
      'unit_tests:',
      '  - name: mid_joins_names',
      '    model: mid',
      '    given:',
      "      - input: ref('stg_base')",
      '        rows: [{ id: 1, code: a }]',
      "      - input: ref('codes')",
      '        rows: [{ code: a, name: Alpha }]',
      '    expect:',
      '      rows: [{ id: 1, name: Alpha }]',
      '',
    ].join('\n'),
  });
}

describe("artifacts validate against dbt's published schemas", () => {
  it('manifest v12, run_results v6 and catalog v1 after a build with a failure and a skip', async () => {
    const dir = project();
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter } };
    // The source table exists before the build so from_source succeeds.
    await execute({ ...opts, select: ['codes'] }, 'seed');
    await queryTarget(opts, 'create table main.events as select 1 as id');

    const outcome = await execute(opts, 'build');
    const statuses = new Set(outcome.results.map((r) => r.status));
    expect(statuses).toEqual(new Set(['success', 'pass', 'error', 'skipped', 'no-op']));
    expect(outcome.results.find((r) => r.uniqueId === 'snapshot.demo.codes_snap')?.status).toBe('success');
    expect(outcome.results.find((r) => r.name === 'mid_joins_names')?.status).toBe('pass');

    const manifest = check('manifest_v12.json', join(dir, 'target/manifest.json')) as { nodes: Record<string, { resource_type: string }>; unit_tests: object };
    expect(Object.values(manifest.nodes).map((n) => n.resource_type)).toEqual(expect.arrayContaining(['model', 'seed', 'test', 'snapshot', 'operation']));
    expect(manifest.nodes['operation.demo.demo-on-run-end-0']).toMatchObject({ raw_code: 'select {{ results | length }}', tags: ['on-run-end'], original_file_path: './sm_project.yml' });
    expect(Object.keys(manifest.unit_tests)).toHaveLength(1);
    expect(Object.keys((manifest as unknown as { exposures: object }).exposures)).toEqual(['exposure.demo.codes_dashboard']);
    check('run_results_v6.json', join(dir, 'target/run_results.json'));

    await generateDocs(opts);
    const catalog = check('catalog_v1.json', join(dir, 'target/catalog.json')) as {
      nodes: Record<string, { metadata: { type: string }; columns: Record<string, { type: string; index: number }> }>;
      sources: Record<string, { columns: Record<string, { type: string }> }>;
    };
    expect(catalog.nodes['model.demo.mid']!.metadata.type).toBe('BASE TABLE');
    expect(catalog.nodes['model.demo.stg_base']!.metadata.type).toBe('VIEW');
    expect(catalog.nodes['model.demo.mid']!.columns.id).toMatchObject({ type: 'INTEGER', index: 1 });
    expect(catalog.nodes['seed.demo.codes']!.columns.name!.type).toBe('VARCHAR');
    expect(catalog.sources['source.demo.raw.events']!.columns.id!.type).toBe('INTEGER');
    // Never built: absent from the catalog, as in dbt.
    expect(catalog.nodes['model.demo.after_failing']).toBeUndefined();

    // sm check puts each column's type and lineage under an `sm` key, which dbt's schema allows.
    const checked = await compile({ ...opts, check: true }, 'check');
    expect(checked.check!.diagnostics.map((d) => d.code)).toEqual(['SM_CHECK_UNKNOWN_COLUMN']);
    const withLineage = check('manifest_v12.json', join(dir, 'target/manifest.json')) as { nodes: Record<string, { columns: Record<string, { sm?: unknown }> }> };
    expect(withLineage.nodes['model.demo.mid']!.columns.name!.sm).toEqual({ data_type: 'VARCHAR', lineage: [{ unique_id: 'seed.demo.codes', column: 'name', kind: 'passthrough' }] });
    expect(withLineage.nodes['model.demo.mid']!.columns.id!.sm).toEqual({ data_type: 'INTEGER', lineage: [{ unique_id: 'model.demo.stg_base', column: 'id', kind: 'passthrough' }] });
  });
});
