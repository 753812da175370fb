import { describe, expect, it } from 'vitest';
import { NEEDS_WAREHOUSE } from '../../src/check/check-tests.ts';
import { checkFiles, SNOWFLAKE_PROFILE, where } from './check-fixture.ts';

/**
 * What real projects do that builds on dbt and must not be an error of `sm check` (found on
 * Tuva's and Mattermost's projects, whose every model here built or was skipped on dbt 1.11):
 * seeds typed by their config, YAML that documents more than the model selects, tests that can
 * only warn, templates that ask the warehouse, and Snowflake's conversions of text.
 */
const cols = (r: Awaited<ReturnType<typeof checkFiles>>, id: string) => r.c!.check!.nodes.get(id)!.shape.cols.map((c) => `${c.name}:${c.type.k}`);

describe('sm check on what real projects do', () => {
  it("reads a seed with its config's column_types (rendered) and delimiter", async () => {
    const r = await checkFiles({
      'seeds/measures.csv': 'id,name\n',
      'seeds/measures.yml': "version: 2\nseeds:\n  - name: measures\n    config:\n      column_types:\n        id: \"{{ 'varchar(256)' if target.type != 'bigquery' else 'string' }}\"\n        name: varchar\n",
      'seeds/codes.csv': 'code;label\n1;a\n',
      'seeds/codes.yml': "version: 2\nseeds:\n  - name: codes\n    config:\n      delimiter: ';'\n",
      'models/m.sql': "select m.id, c.label from {{ ref('measures') }} m join {{ ref('codes') }} c on c.label = m.name where m.id = 'CQM130'",
    });
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    expect(cols(r, 'seed.demo.measures')).toEqual(['id:varchar', 'name:varchar']);
    expect(cols(r, 'seed.demo.codes')).toEqual(['code:int', 'label:varchar']);
  });

  it('a seed column with no value and no declared type is unknown (loaded as integer, but nothing says what it holds)', async () => {
    const files = (csv: string) => ({ 'seeds/s.csv': csv, 'models/m.sql': "select id from {{ ref('s') }} where kind = 'institutional'" });
    const empty = await checkFiles(files('id,kind\n1,\n2,\n'));
    expect(empty.diagnostics).toEqual([]);
    expect(cols(empty, 'seed.demo.s')).toEqual(['id:int', 'kind:unknown']);
    // With values, the inferred type stands and the comparison is reported.
    const typed = await checkFiles(files('id,kind\n1,7\n'));
    expect(where(typed.diagnostics)).toEqual(['SM_CHECK_TYPE_MISMATCH at models/m.sql:1:37']);
  });

  it('YAML documenting a column the model does not select is a warning; under an enforced contract an error', async () => {
    const yaml = (contract: boolean) =>
      `version: 2\nmodels:\n  - name: m\n${contract ? '    config: {contract: {enforced: true}}\n' : ''}    columns:\n      - {name: id, data_type: integer}\n      - {name: payer, data_type: varchar}\n`;
    const docs = await checkFiles({ 'models/m.sql': 'select 1 as id', 'models/m.yml': yaml(false) }, { strict: true });
    expect(docs.c, 'a warning does not stop --strict').toBeDefined();
    expect(docs.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning SM_CHECK_DOCUMENTED_COLUMN']);
    const contract = await checkFiles({ 'models/m.sql': 'select 1 as id', 'models/m.yml': yaml(true) });
    expect(contract.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['error SM_CHECK_CONTRACT']);
  });

  it("a test on a missing column warns when the test can only warn, and is an error otherwise", async () => {
    const yaml = (severity: string) => `version: 2\nmodels:\n  - name: m\n    data_tests:\n      - not_null:\n          column_name: payer\n          config: {severity: ${severity}}\n`;
    const warn = await checkFiles({ 'models/m.sql': 'select 1 as id', 'models/m.yml': yaml('warn') });
    // The warning for the column, and the error its SQL still has (not_null reads the column: it errors at run time too).
    expect(warn.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning SM_CHECK_TEST_COLUMN', 'error SM_CHECK_UNKNOWN_COLUMN']);
    const error = await checkFiles({ 'models/m.sql': 'select 1 as id', 'models/m.yml': yaml('error') });
    expect(error.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['error SM_CHECK_TEST_COLUMN']);
  });

  it('a node whose template asks the warehouse is not checked, and what reads it is not told its columns are missing', async () => {
    const r = await checkFiles({
      'seeds/s.csv': 'id,a,b\n1,2,3\n',
      // As dbt_utils.get_filtered_columns_in_relation: the columns come from the warehouse, none at compile.
      'models/wide.sql': "{% set cols = adapter.get_columns_in_relation(ref('s')) %}\nselect id{% for c in cols %}, {{ c.name }} as {{ c.name }}_total{% endfor %} from {{ ref('s') }}",
      'models/wide.yml': 'version: 2\nmodels:\n  - name: wide\n    columns:\n      - name: a_total\n        data_tests: [not_null]\n',
      'models/reader.sql': "select id, a_total + b_total as total from {{ ref('wide') }}",
    });
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    expect(r.c!.check!.notChecked.map((n) => [n.id, n.reason])).toEqual([['model.demo.wide', NEEDS_WAREHOUSE]]);
    expect(r.c!.check!.nodes.get('model.demo.reader')!.status).toBe('checked');
  });

  it("a node whose template asks the warehouse has the saved catalog's columns when there is one", async () => {
    const column = (name: string, index: number) => ({ name, index, type: 'INTEGER', comment: null });
    const catalog = { metadata: {}, sources: {}, errors: null, nodes: { 'model.demo.wide': { metadata: {}, stats: {}, unique_id: 'model.demo.wide', columns: { id: column('id', 1), a_total: column('a_total', 2) } } } };
    const r = await checkFiles({
      'seeds/s.csv': 'id,a\n1,2\n',
      'models/wide.sql': "{% set cols = adapter.get_columns_in_relation(ref('s')) %}\nselect id{% for c in cols %}, {{ c.name }} as {{ c.name }}_total{% endfor %} from {{ ref('s') }}",
      'models/reader.sql': "select id, a_total + b_total as total from {{ ref('wide') }}",
      'target/catalog.json': JSON.stringify(catalog),
    });
    expect(r.c!.check!.notChecked.map((n) => n.id)).toEqual(['model.demo.wide']);
    expect(cols(r, 'model.demo.wide')).toEqual(['id:int', 'a_total:int']);
    expect(r.diagnostics.map((d) => `${d.code} ${d.location?.file}`)).toEqual(['SM_CHECK_UNKNOWN_COLUMN models/reader.sql']);
  });

  it('a catalog file of another shape is used as far as it can be, never a crash', async () => {
    const model = "select id, n from {{ source('raw', 't') }}";
    const sources = 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: t\n      - name: u\n';
    for (const text of ['[1, 2]', 'null', '{"nodes": null, "sources": 5}', '{"sources": {"source.demo.raw.t": {"columns": [1]}}}', '{"sources": {"source.demo.raw.t": {"columns": {"id": {"type": "INTEGER"}, "n": null}}}}']) {
      const r = await checkFiles({ 'models/sources.yml': sources, 'models/m.sql': model, 'target/catalog.json': text });
      expect(r.diagnostics, text).toEqual([]);
      expect(cols(r, 'model.demo.m'), text).toEqual(['id:unknown', 'n:unknown']);
    }
    // A readable table in the same file is used.
    const ok = await checkFiles({ 'models/sources.yml': sources, 'models/m.sql': model, 'target/catalog.json': '{"nodes": 7, "sources": {"source.demo.raw.t": {"columns": {"id": {"type": "INTEGER"}, "n": {"type": "VARCHAR"}}}, "source.demo.raw.u": [1]}}' });
    expect(ok.diagnostics).toEqual([]);
    expect(cols(ok, 'model.demo.m')).toEqual(['id:int', 'n:varchar']);
  });

  it('Snowflake converts text compared with a date, a number or a boolean; DuckDB refuses it', async () => {
    const sources = "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: days\n        columns:\n          - {name: day_text, data_type: varchar}\n          - {name: seen_on, data_type: date}\n";
    const model = "select day_text from {{ source('raw', 'days') }} where day_text <= seen_on and dateadd(day, 1, '2019-03-27') <= seen_on";
    const snowflake = await checkFiles({ 'models/sources.yml': sources, 'models/m.sql': model, 'profiles.yml': SNOWFLAKE_PROFILE });
    expect(snowflake.diagnostics.map((d) => d.message)).toEqual([]);
    const duckdb = await checkFiles({ 'models/sources.yml': sources, 'models/m.sql': "select day_text from {{ source('raw', 'days') }} where day_text <= seen_on" });
    expect(duckdb.diagnostics.map((d) => d.code)).toEqual(['SM_CHECK_TYPE_MISMATCH']);
  });
});
