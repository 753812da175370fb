import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseDialect, build, buildCatalog, buildManifest, compile, findRelation, relationNameOf, type RelationInfo, type InvocationOptions, type ModelNode, type NodeResult } from '@smsql/core';
import { password, type SnowflakeEmulator, startEmulator, writeProject } from '@smsql/test-kit';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';
import type { SnowflakeConnection } from '../src/snowflake-connection.ts';
import { SnowflakeDialect } from '../src/snowflake-dialect.ts';

/**
 * The project's `quoting:` names models, seeds, snapshots and tests as dbt-snowflake 1.11.6 names
 * them (recorded with dbt-core 1.11.16, `dbt compile --no-introspect`, target database ANALYTICS,
 * schema STAGE): a part set to true is quoted as written, so `"m_rel"` is created and read, another
 * table than M_REL. sm prints the same text: the other parts unquoted as written, the target's database included.
 */
const PROFILE = 'p:\n  target: t\n  outputs:\n    t:\n      type: snowflake\n      account: a\n      user: u\n      password: p\n      database: ANALYTICS\n      schema: STAGE\n      warehouse: WH\n';

const FILES: Record<string, string> = {
  'profiles.yml': PROFILE,
  'models/m_base.sql': 'select 1 as id',
  'models/m_rel.sql': [
    "-- {{ ref('m_base') }} | {{ this }} | {{ ref('s_seed') }} | {{ ref('snap_x') }} | {{ source('raw', 'events') }}",
    "-- {{ api.Relation.create(database='d', schema='s', identifier='i') }} | {{ make_temp_relation(this) }}",
    "-- {{ get_create_table_as_sql(False, this, 'select 1') }}",
    "select * from {{ ref('m_base') }}",
  ].join('\n'),
  // A model's own config(quoting=...) is recorded but does not reach its relation in dbt 1.11.
  'models/m_cfg.sql': "{{ config(quoting={'identifier': true, 'schema': true}) }}\n-- {{ this }}\nselect 1 as id",
  'models/Mixed_Case.sql': "{{ config(alias='Mixed_Alias') }}\n-- {{ this }}\nselect 1 as id",
  'models/schema.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables: [{name: events}]\nmodels:\n  - name: m_rel\n    columns:\n      - name: id\n        tests: [not_null]\n',
  'seeds/s_seed.csv': 'id\n1\n',
  'snapshots/snap.sql': "{% snapshot snap_x %}\n{{ config(target_schema='snaps', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('m_base') }}\n{% endsnapshot %}\n",
};

async function compiled(quoting: string) {
  const projectDir = writeProject({ ...FILES, 'dbt_project.yml': `name: q\nprofile: p\n${quoting}` });
  const c = await compile({ projectDir, adapters: { snowflake: createSnowflakeAdapter } });
  const one = (s: string) => s.replace(/\s+/g, ' ').trim();
  const sql = (id: string) => one((c.compiled.nodes.get(id) as ModelNode).compiledCode ?? '');
  const all = [...c.compiled.nodes.values(), ...c.project.sources];
  const names = Object.fromEntries(all.map((n) => [n.uniqueId, relationNameOf(c, n) ?? null]));
  const manifest = () => {
    // manifest.json's nodes are written as JSON text as they are made.
    const m = buildManifest(c.compiled, c.graph, c.invocationId, c.adapter.dialect, (n) => relationNameOf(c, n)) as { nodes: { text: string }; sources: Record<string, { relation_name: string | null }> };
    return { nodes: JSON.parse(m.nodes.text) as Record<string, { relation_name: string | null }>, sources: m.sources };
  };
  return { sql, names, manifest };
}

describe("Snowflake: the project's quoting: names models, seeds and snapshots as dbt-snowflake does", () => {
  it('quoting: {identifier: true}: every ref, this, seed, snapshot and the DDL keep the name as written', async () => {
    const p = await compiled('quoting:\n  identifier: true\n');
    // dbt: ANALYTICS.STAGE."m_base" | ANALYTICS.STAGE."m_rel" | ANALYTICS.STAGE."s_seed" | ANALYTICS.snaps."snap_x" | ANALYTICS.raw.events
    //      d.s."i" | ANALYTICS.STAGE."m_rel__dbt_tmp" | create or replace transient table ANALYTICS.STAGE."m_rel" as (select 1 );
    expect(p.sql('model.q.m_rel')).toBe(
      '-- ANALYTICS.STAGE."m_base" | ANALYTICS.STAGE."m_rel" | ANALYTICS.STAGE."s_seed" | ANALYTICS.snaps."snap_x" | ANALYTICS.raw.events -- d.s."i" | ANALYTICS.STAGE."m_rel__dbt_tmp" -- create or replace transient table ANALYTICS.STAGE."m_rel" as ( select 1 ) select * from ANALYTICS.STAGE."m_base"',
    );
    // dbt: ANALYTICS.STAGE."m_cfg" (the project's policy, not the model's); ANALYTICS.STAGE."Mixed_Alias"
    expect(p.sql('model.q.m_cfg')).toBe('-- ANALYTICS.STAGE."m_cfg" select 1 as id');
    expect(p.sql('model.q.Mixed_Case')).toBe('-- ANALYTICS.STAGE."Mixed_Alias" select 1 as id');
    // dbt's not_null test: select id from ANALYTICS.STAGE."m_rel" where id is null
    expect(p.sql('test.q.not_null_m_rel_id.0496ceecbc')).toContain('from ANALYTICS.STAGE."m_rel"');
  });

  it("manifest.json's relation_name follows the project's quoting, a source's too (source() in SQL does not)", async () => {
    const p = await compiled('quoting:\n  identifier: true\n');
    // dbt: ANALYTICS.STAGE."m_rel", ANALYTICS.STAGE."m_cfg", ANALYTICS.STAGE."s_seed", ANALYTICS.snaps."snap_x", ANALYTICS.raw."events"
    expect([p.names['model.q.m_rel'], p.names['model.q.m_cfg'], p.names['seed.q.s_seed'], p.names['snapshot.q.snap_x'], p.names['source.q.raw.events']]).toEqual([
      'ANALYTICS.STAGE."m_rel"', 'ANALYTICS.STAGE."m_cfg"', 'ANALYTICS.STAGE."s_seed"', 'ANALYTICS.snaps."snap_x"', 'ANALYTICS.raw."events"',
    ]);
    const m = p.manifest();
    expect([m.nodes['model.q.m_rel']?.relation_name, m.sources['source.q.raw.events']?.relation_name]).toEqual(['ANALYTICS.STAGE."m_rel"', 'ANALYTICS.raw."events"']);
  });

  it('quoting: {schema: true} and {database: true} quote those parts as written', async () => {
    const s = await compiled('quoting:\n  schema: true\n');
    // dbt: ANALYTICS."STAGE".m_base | ANALYTICS."STAGE".m_rel | ANALYTICS."STAGE".s_seed | ANALYTICS."snaps".snap_x | ANALYTICS.raw.events; d."s".i
    expect(s.sql('model.q.m_rel')).toContain('-- ANALYTICS."STAGE".m_base | ANALYTICS."STAGE".m_rel | ANALYTICS."STAGE".s_seed | ANALYTICS."snaps".snap_x | ANALYTICS.raw.events -- d."s".i | ANALYTICS."STAGE".m_rel__dbt_tmp -- ');
    // dbt: source relation_name ANALYTICS."raw".events
    expect([s.names['snapshot.q.snap_x'], s.names['source.q.raw.events']]).toEqual(['ANALYTICS."snaps".snap_x', 'ANALYTICS."raw".events']);
    const d = await compiled('quoting:\n  database: true\n');
    // dbt: "ANALYTICS".STAGE.m_base ... "ANALYTICS".snaps.snap_x; d."s".i -> "d".s.i (source() in SQL: ANALYTICS.raw.events, as above)
    expect(d.sql('model.q.m_rel')).toContain('-- "ANALYTICS".STAGE.m_base | "ANALYTICS".STAGE.m_rel | "ANALYTICS".STAGE.s_seed | "ANALYTICS".snaps.snap_x | ANALYTICS.raw.events -- "d".s.i');
  });

  it('a ref deferred to the state (--defer --favor-state) is named under the project\'s quoting', async () => {
    const projectDir = writeProject({ ...FILES, 'dbt_project.yml': 'name: q\nprofile: p\nquoting:\n  identifier: true\n' });
    const state = writeProject({ 'dbt_project.yml': 'name: state\n', 'manifest.json': JSON.stringify({ nodes: { 'model.q.m_base': { resource_type: 'model', database: 'ANALYTICS', schema: 'PROD', alias: 'm_base', name: 'm_base', config: { materialized: 'view' } } } }) });
    const c = await compile({ projectDir, adapters: { snowflake: createSnowflakeAdapter }, select: ['m_rel'], defer: true, favorState: true, deferState: state });
    // dbt compile -s m_rel --defer --favor-state --state (m_base in PROD): select * from ANALYTICS.PROD."m_base"
    expect((c.compiled.nodes.get('model.q.m_rel') as ModelNode).compiledCode).toContain('select * from ANALYTICS.PROD."m_base"');
  });

  it('without quoting: every name prints unquoted as written, with the database', async () => {
    const p = await compiled('');
    // dbt: ANALYTICS.STAGE.m_base | ANALYTICS.STAGE.m_rel | ... | ANALYTICS.snaps.snap_x | ANALYTICS.raw.events; d.s.i
    expect(p.sql('model.q.m_rel')).toContain('-- ANALYTICS.STAGE.m_base | ANALYTICS.STAGE.m_rel | ANALYTICS.STAGE.s_seed | ANALYTICS.snaps.snap_x | ANALYTICS.raw.events -- d.s.i | ANALYTICS.STAGE.m_rel__dbt_tmp -- ');
    expect(p.names['source.q.raw.events']).toBe('ANALYTICS.raw.events');
  });
});

/** A project built twice on the local Snowflake emulator (the real driver; DuckDB behind it keeps a quoted name's case). */
function emulatorProject(quoting: string, schema: string): Record<string, string> {
  return {
    'dbt_project.yml': `name: q\nprofile: p\n${quoting}`,
    'profiles.yml': [
      'p:', '  target: prod', '  outputs:', '    prod:', '      type: snowflake', '      account: emu', '      user: alice',
      "      password: \"{{ env_var('SF_PASSWORD') }}\"", '      database: analytics', `      schema: ${schema}`, '      warehouse: wh_default',
      "      access_url: \"{{ env_var('SF_URL') }}\"", '      threads: 2', '',
    ].join('\n'),
    'seeds/s_seed.csv': 'id,v\n1,a\n2,b\n',
    'models/m_view.sql': "select id, v from {{ ref('s_seed') }}",
    'models/m_tbl.sql': "{{ config(materialized='table') }}\nselect id, v from {{ ref('m_view') }}",
    'models/m_inc.sql': "{{ config(materialized='incremental', unique_key='id') }}\nselect id, v from {{ ref('m_tbl') }}{% if is_incremental() %} where id > (select max(id) - 1 from {{ this }}){% endif %}",
    // adapter.get_relation() matches as dbt-snowflake's: a part the project quotes is compared as written.
    'models/m_probe.sql': "-- depends_on: {{ ref('m_tbl') }}\nselect '{{ adapter.get_relation(this.database, this.schema, 'm_tbl') }}' as lower_name, '{{ adapter.get_relation(this.database, this.schema, 'M_TBL') }}' as upper_name",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: m_inc\n    columns:\n      - name: id\n        tests: [not_null, unique]\n',
    'snapshots/snap.sql': "{% snapshot snap_x %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect id, v from {{ ref('m_tbl') }}\n{% endsnapshot %}\n",
  };
}

describe("Snowflake emulator: a project with quoting: creates and finds the quoted names", () => {
  let fixture: Awaited<ReturnType<typeof startEmulator>>;
  let emulator: SnowflakeEmulator;
  const dirs: string[] = [];
  const runs = new Map<string, NodeResult[][]>();

  const opts = (projectDir: string): InvocationOptions => ({ projectDir, adapters: { snowflake: () => createSnowflakeAdapter() }, env: { ...process.env, SF_PASSWORD: password, SF_URL: emulator.url } });
  const twice = async (name: string, files: Record<string, string>) => {
    const dir = writeProject(files);
    dirs.push(dir);
    const first = (await build(opts(dir))).results;
    writeFileSync(join(dir, 'seeds/s_seed.csv'), 'id,v\n1,a\n2,c\n3,d\n');
    const second = (await build(opts(dir))).results;
    runs.set(name, [first, second]);
    return dir;
  };
  const query = async (sql: string) => {
    const session = await createSnowflakeAdapter().connect(fixture.target(), { projectDir: dirs[0]! });
    try {
      return (await ((await session.acquire()) as SnowflakeConnection).execute(sql)).rows;
    } finally {
      await session.close();
    }
  };
  const statements = (re: RegExp) => emulator.log.filter((e) => re.test(e.sql)).map((e) => e.sql.split('\n')[0]);

  beforeAll(async () => {
    fixture = await startEmulator();
    emulator = fixture.emulator;
    await twice('ident', emulatorProject('quoting:\n  identifier: true\n', 'qi_demo'));
    await twice('schema', emulatorProject('quoting:\n  schema: true\n', 'qs_demo'));
  }, 180_000);

  afterAll(async () => {
    await emulator?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('every node succeeds, twice', () => {
    for (const [name, rs] of runs) for (const r of rs.flat()) expect(['success', 'pass'], `${name} ${r.uniqueId}: ${r.message}`).toContain(r.status);
    expect(emulator.unknownRequests).toEqual([]);
  });

  it('identifier: true creates the tables and views as written (lower case), in the upper-case schema', async () => {
    const rows = await query("select table_name, table_type from analytics.information_schema.tables where table_schema = 'QI_DEMO' order by table_name");
    expect(rows.map((r) => `${String(r.table_name)} ${String(r.table_type)}`)).toEqual(['m_inc BASE TABLE', 'm_probe VIEW', 'm_tbl BASE TABLE', 'm_view VIEW', 's_seed BASE TABLE', 'snap_x BASE TABLE']);
    expect(statements(/^create or replace transient table analytics\.qi_demo\."m_tbl"/)).toHaveLength(2);
    expect(statements(/^create or replace view analytics\.qi_demo\."m_view"/)).toHaveLength(2);
  });

  it('the second run finds them: the incremental merges into "m_inc", the snapshot updates "snap_x"', async () => {
    expect(statements(/^merge into analytics\.qi_demo\."m_inc"/)).toHaveLength(1);
    expect(await query('select id, v from analytics.qi_demo."m_inc" order by id')).toEqual([{ id: 1, v: 'a' }, { id: 2, v: 'c' }, { id: 3, v: 'd' }]);
    // The changed row 2 closed and opened again, row 3 new.
    expect(await query('select id, v, dbt_valid_to is null as cur from analytics.qi_demo."snap_x" order by id, v')).toEqual([
      { id: 1, v: 'a', cur: true }, { id: 2, v: 'b', cur: false }, { id: 2, v: 'c', cur: true }, { id: 3, v: 'd', cur: true },
    ]);
  });

  it('adapter.get_relation() finds "m_tbl" by its name as written, and not by M_TBL', async () => {
    // As dbt-snowflake 1.11.6's impl.py reads (not a recorded run: that needs a connection): with quoting: {identifier: true}
    // _make_match_kwargs leaves the name as written, so 'm_tbl' finds the listed relation, printed quoted as stored
    // ("ANALYTICS"."QI_DEMO"."m_tbl": _parse_list_relations_result quotes every part), and 'M_TBL' finds none.
    expect(await query('select lower_name, upper_name from analytics.qi_demo."m_probe"')).toEqual([{ lower_name: '"ANALYTICS"."QI_DEMO"."m_tbl"', upper_name: 'None' }]);
    // Where the project does not quote identifiers both fold to M_TBL.
    expect(await query('select lower_name, upper_name from analytics."qs_demo".m_probe')).toEqual([{ lower_name: '"ANALYTICS"."qs_demo"."M_TBL"', upper_name: '"ANALYTICS"."qs_demo"."M_TBL"' }]);
  });

  it("docs generate's catalog finds every quoted relation, with its columns", async () => {
    const catalogued = async (dir: string) => {
      const c = await compile(opts(dir));
      const session = await c.adapter.connect(c.project.target, { projectDir: dir });
      try {
        const cat = await buildCatalog(c.compiled, c.adapter.dialect, session, 'x');
        return Object.entries(cat.nodes).map(([k, t]) => `${k} ${t.metadata.name} ${Object.keys(t.columns).slice(0, 2).join(',')}`).sort();
      } finally {
        await session.close();
      }
    };
    const ids = ['model.q.m_inc', 'model.q.m_probe', 'model.q.m_tbl', 'model.q.m_view', 'seed.q.s_seed', 'snapshot.q.snap_x'];
    const cols = ['ID,V', 'LOWER_NAME,UPPER_NAME', 'ID,V', 'ID,V', 'ID,V', 'ID,V'];
    expect(await catalogued(dirs[0]!)).toEqual(ids.map((id, i) => `${id} ${id.split('.')[2]} ${cols[i]}`));
    // schema: true: the schema is looked up as written (qs_demo), the names upper-cased.
    expect(await catalogued(dirs[1]!)).toEqual(ids.map((id, i) => `${id} ${id.split('.')[2]!.toUpperCase()} ${cols[i]}`));
  });

  it('schema: true creates the schema as written and finds its relations on the second run', async () => {
    expect(statements(/^create schema if not exists analytics\."qs_demo"/).length).toBeGreaterThan(0);
    expect(await query("select schema_name from analytics.information_schema.schemata where lower(schema_name) = 'qs_demo'")).toEqual([{ schema_name: 'qs_demo' }]);
    expect(statements(/^merge into analytics\."qs_demo"\.m_inc/)).toHaveLength(1);
    expect(await query('select count(*) as n from analytics."qs_demo".m_inc')).toEqual([{ n: 3 }]);
  });
});

describe('finding a relation among what the warehouse lists', () => {
  // Snowflake keeps "m_rel" and M_REL apart (the emulator cannot: DuckDB behind it compares names case-insensitively).
  const listed: RelationInfo[] = ['M_REL', 'm_rel', 'Mixed'].map((identifier) => ({ schema: 'S', identifier, kind: 'table', columns: [] }));
  const find = (d: SnowflakeDialect | BaseDialect, identifier: string, quoted?: boolean) => findRelation(d, listed, { schema: 's', identifier, quoted: { identifier: quoted } })?.identifier;

  it('on Snowflake a quoted name matches as written, an unquoted one as it folds to upper case', () => {
    const d = new SnowflakeDialect();
    expect([find(d, 'm_rel', true), find(d, 'm_rel'), find(d, 'M_rel', true), find(d, 'mixed'), find(d, 'Mixed', true)]).toEqual(['m_rel', 'M_REL', undefined, undefined, 'Mixed']);
  });

  it('a case-insensitive warehouse (DuckDB) matches either way', () => {
    const d = new BaseDialect();
    expect([find(d, 'mixed', true), find(d, 'MIXED')]).toEqual(['Mixed', 'Mixed']);
  });
});
