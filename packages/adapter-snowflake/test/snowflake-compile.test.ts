import { describe, expect, it } from 'vitest';
import { buildManifest, compile, relationNameOf, type ModelNode } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';

/**
 * Compile-only (no connection): names in compiled SQL against what dbt-core 1.11.16 with
 * dbt-snowflake 1.11.6 compiled for the same project (`dbt compile --no-introspect`): the same
 * text, names unquoted as written unless the quoting config quotes them (then quoted, case kept),
 * the target's database printed.
 */
const PROFILE = 'p:\n  target: t\n  outputs:\n    t:\n      type: snowflake\n      account: a\n      user: u\n      password: p\n      database: ANALYTICS\n      schema: dev\n      warehouse: WH_X\n      role: TRANSFORMER\n';

async function compiled(files: Record<string, string>): Promise<{ sql: (name: string) => string; relationName: (id: string) => string | undefined; metadata: () => Record<string, unknown> }> {
  const projectDir = writeProject({ 'dbt_project.yml': 'name: q\nprofile: p\n', 'profiles.yml': PROFILE, ...files });
  const c = await compile({ projectDir, adapters: { snowflake: createSnowflakeAdapter } });
  const node = (id: string) => c.compiled.nodes.get(id) ?? c.project.sources.find((s) => s.uniqueId === id);
  return {
    sql: (name) => (([...c.compiled.nodes.values()].find((n) => n.uniqueId === `model.q.${name}` || n.uniqueId.startsWith(`${name}.`)) as ModelNode).compiledCode ?? '').trim(),
    relationName: (id) => relationNameOf(c, node(id)!),
    metadata: () => (buildManifest(c.compiled, c.graph, c.invocationId, c.adapter.dialect, (n) => relationNameOf(c, n)) as unknown as { metadata: Record<string, unknown> }).metadata,
  };
}

const SOURCES = `version: 2
sources:
  - name: plain
    database: raw
    schema: events
    tables: [{name: tracks}]
  - name: quoted
    database: raw
    schema: events
    quoting: {identifier: true}
    tables:
      - name: tracks
      - name: mixed
        identifier: MixedCase
  - name: qall
    database: raw
    schema: events
    quoting: {database: true, schema: true, identifier: true}
    tables:
      - name: lower_t
        quoting: {schema: false}
`;

describe('Snowflake: what compiled SQL names, as dbt-snowflake 1.11 names it', () => {
  it('relations print as dbt-snowflake prints them: the database included, unquoted as written', async () => {
    // Recorded: /work/dbtsfvenv/bin/dbt parse (relation_name) and dbt compile --no-introspect --no-populate-cache against
    // sm's Snowflake emulator (dbt-core 1.11.16, dbt-snowflake 1.11.6), target database ANALYTICS, schema PUBLIC:
    //   models/a.sql: select * from ANALYTICS.PUBLIC.s1 -- ANALYTICS.PUBLIC.a | ANALYTICS.raw.r1 | OTHER.raw2.r2 | ANALYTICS.Raw."Q3" | ANALYTICS.PUBLIC.my-model | ANALYTICS.PUBLIC.Select
    //   not_null_a_id: select id from ANALYTICS.PUBLIC.a where id is null
    //   relation_name: model a ANALYTICS.PUBLIC.a, seed s1 ANALYTICS.PUBLIC.s1, source r1 ANALYTICS.raw.r1, r2 OTHER.raw2.r2, Q3 ANALYTICS.Raw."Q3",
    //   model my-model ANALYTICS.PUBLIC.my-model (which Snowflake refuses: sm quotes it upper-cased, ANALYTICS.PUBLIC."MY-MODEL", the same object).
    const p = await compiled({
      'profiles.yml': PROFILE.replace('schema: dev', 'schema: PUBLIC'),
      'models/a.sql': "select * from {{ ref('s1') }} -- {{ this }} | {{ source('raw','r1') }} | {{ source('other','r2') }} | {{ source('qi','Q3') }} | {{ ref('my-model') }} | {{ ref('Select') }}",
      'models/my-model.sql': 'select 1 as id',
      'models/Select.sql': 'select 1 as id',
      'models/qp.sql': "select 1 as id -- {{ this.get('quote_policy').identifier }} {{ this.get('quote_policy').database }} {{ this.quote(identifier=true).get('quote_policy').identifier }}",
      'seeds/s1.csv': 'id\n1\n',
      'models/schema.yml': [
        'version: 2',
        'sources:',
        '  - {name: raw, tables: [{name: r1}]}',
        '  - {name: other, database: OTHER, schema: raw2, tables: [{name: r2}]}',
        '  - {name: qi, schema: Raw, quoting: {identifier: true}, tables: [{name: Q3}]}',
        'models:',
        '  - {name: a, columns: [{name: id, tests: [not_null]}]}',
        '',
      ].join('\n'),
    });
    expect(p.sql('a')).toBe('select * from ANALYTICS.PUBLIC.s1 -- ANALYTICS.PUBLIC.a | ANALYTICS.raw.r1 | OTHER.raw2.r2 | ANALYTICS.Raw."Q3" | ANALYTICS.PUBLIC."MY-MODEL" | ANALYTICS.PUBLIC.Select');
    // dbt: select 1 as id -- False False True (SnowflakeQuotePolicy: nothing quoted by default)
    expect(p.sql('qp')).toBe('select 1 as id -- False False True');
    expect(p.sql('test.q.not_null_a_id').replace(/\s+/g, ' ')).toBe('select id from ANALYTICS.PUBLIC.a where id is null');
    const ids = ['model.q.a', 'seed.q.s1', 'source.q.raw.r1', 'source.q.other.r2', 'source.q.qi.Q3', 'model.q.my-model'];
    expect(ids.map((id) => p.relationName(id))).toEqual(['ANALYTICS.PUBLIC.a', 'ANALYTICS.PUBLIC.s1', 'ANALYTICS.raw.r1', 'OTHER.raw2.r2', 'ANALYTICS.Raw."Q3"', 'ANALYTICS.PUBLIC."MY-MODEL"']);
  });

  it("a source's `quoting: true` parts keep their case (another table than the unquoted name)", async () => {
    const p = await compiled({
      'models/src.yml': SOURCES,
      'models/m.sql': "select 1 as a\n-- {{ source('plain', 'tracks') }} | {{ source('quoted', 'tracks') }} | {{ source('quoted', 'mixed') }} | {{ source('qall', 'lower_t') }}",
    });
    // dbt: raw.events.tracks | raw.events."tracks" | raw.events."MixedCase" | "raw".events."lower_t"
    expect(p.sql('m')).toBe('select 1 as a\n-- raw.events.tracks | raw.events."tracks" | raw.events."MixedCase" | "raw".events."lower_t"');
  });

  it("the manifest's relation_name of such a source reads the same table", async () => {
    const p = await compiled({ 'models/src.yml': SOURCES, 'models/m.sql': "select * from {{ source('quoted', 'mixed') }}" });
    // dbt: raw.events.tracks | raw.events."MixedCase" | "raw".events."lower_t"
    expect(['plain.tracks', 'quoted.mixed', 'qall.lower_t'].map((s) => p.relationName(`source.q.${s}`))).toEqual(['raw.events.tracks', 'raw.events."MixedCase"', '"raw".events."lower_t"']);
  });

  it('adapter.quote() and relation.quote(part=True) keep the case', async () => {
    const p = await compiled({
      'models/src.yml': SOURCES,
      'models/m.sql': "select 1 as a\n-- {{ adapter.quote('x') }} | {{ adapter.quote('MiX') }} | {{ source('plain', 'tracks').quote(identifier=true) }} | {{ source('plain', 'tracks').quote(identifier=false) }}",
    });
    // dbt: "x" | "MiX" | raw.events."tracks" | raw.events.tracks
    expect(p.sql('m')).toBe('select 1 as a\n-- "x" | "MiX" | raw.events."tracks" | raw.events.tracks');
  });

  it("api.Column is dbt-snowflake's SnowflakeColumn: long strings, integers are numerics, names quoted as written", async () => {
    const p = await compiled({
      'models/m.sql': [
        'select 1 as a',
        "{%- set c = api.Column.create('a', 'varchar') %}{%- set i = api.Column.create('n', 'integer') %}{%- set t = api.Column.create('Tx', 'text') %}",
        "-- {{ c.data_type }} | {{ c.quoted }} | {{ c.string_size() }} | {{ t.data_type }} | {{ t.quoted }} | {{ i.is_integer() }} | {{ i.is_numeric() }} | {{ i.is_number() }} | {{ i.data_type }} | {{ api.Column.create('f', 'float').is_float() }}",
      ].join('\n'),
    });
    expect(p.sql('m')).toBe('select 1 as a\n-- character varying(16777216) | "a" | 16777216 | character varying(16777216) | "Tx" | False | True | True | integer | True');
  });

  it("target has the profile's fields but its secrets (account, user, warehouse, role)", async () => {
    const p = await compiled({ 'models/m.sql': 'select 1 as a\n-- {{ target.account }} | {{ target.user }} | {{ target.warehouse }} | {{ target.role }} | {{ target.password }}' });
    expect(p.sql('m')).toBe('select 1 as a\n-- a | u | WH_X | TRANSFORMER |');
  });

  it("get_create_table_as_sql and get_create_view_as_sql replace, as dbt-snowflake's: transient unless transient: false", async () => {
    const p = await compiled({
      'models/m.sql': "select 1 as a\n-- {{ get_create_table_as_sql(False, this, 'select 1') }} | {{ get_create_table_as_sql(True, this, 'select 1') }} | {{ get_create_view_as_sql(this, 'select 1') }}",
      'models/p.sql': "{{ config(transient=false) }}select 1 as a\n-- {{ get_create_table_as_sql(False, this, 'select 1') }}",
    });
    // dbt: create or replace transient table ANALYTICS.dev.m as (select 1); create or replace temporary table ...; create or replace view ...
    const one = (s: string) => s.replace(/\s+/g, ' ');
    expect(one(p.sql('m'))).toBe('select 1 as a -- create or replace transient table ANALYTICS.dev.m as ( select 1 ) | create or replace temporary table ANALYTICS.dev.m as ( select 1 ) | create or replace view ANALYTICS.dev.m as ( select 1 )');
    // dbt: create or replace table ANALYTICS.dev.p as (select 1)
    expect(one(p.sql('p'))).toBe('select 1 as a -- create or replace table ANALYTICS.dev.p as ( select 1 )');
  });

  it("the project's quoting: reaches adapter.quote_as_configured(), adapter.config.quoting and the manifest's metadata", async () => {
    const p = await compiled({
      'dbt_project.yml': 'name: q\nprofile: p\nquoting:\n  database: true\n  identifier: true\n',
      'models/m.sql': "select 1 as a\n-- {{ adapter.quote_as_configured('Abc', 'identifier') }} | {{ adapter.quote_as_configured('Abc', 'schema') }} | {{ adapter.quote_as_configured('Abc', 'database') }} | {{ adapter.config.quoting }}",
    });
    // dbt: "Abc" | Abc | "Abc" | {'database': True, 'schema': False, 'identifier': True}
    expect(p.sql('m')).toBe(`select 1 as a\n-- "Abc" | Abc | "Abc" | {'database': True, 'schema': False, 'identifier': True}`);
    // dbt's manifest.json for this project file: metadata.quoting {database: true, schema: false, identifier: true, column: null}.
    expect(p.metadata().quoting).toEqual({ database: true, schema: false, identifier: true, column: null });
  });
});
