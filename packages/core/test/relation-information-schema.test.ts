import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.ts';
import { offline, writeProject } from './fixture.ts';
import { PARITY_PROFILES } from './jinja-parity-fixture.ts';

/**
 * dbt_profiler reads `{{ relation.information_schema() }}.COLUMNS`. dbt 1.11.16 (dbt-duckdb
 * 1.11.1, a DuckDB file demo.duckdb) compiles the model below to
 *   select '"demo".INFORMATION_SCHEMA|"demo".INFORMATION_SCHEMA.columns|INFORMATION_SCHEMA|demo|"demo".INFORMATION_SCHEMA|tables' as x
 * The database is printed even though it is the target's own (unlike the relations sm prints), so
 * a query on it fails on DuckDB as in dbt (dbt_profiler's models fail there: `Catalog Error: Table
 * with name "INFORMATION_SCHEMA.COLUMNS" does not exist`).
 */
describe('relation.information_schema()', () => {
  it('prints <database>.INFORMATION_SCHEMA[.view] as dbt does', async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: demo\nprofile: demo\n',
      'profiles.yml': PARITY_PROFILES,
      'models/info.sql':
        "select '{{ this.information_schema() }}|{{ this.information_schema('columns') }}|{{ this.information_schema().identifier }}|{{ this.information_schema().database }}|{{ this.information_schema_only() }}|{{ this.information_schema('tables').information_schema_view }}' as x",
    });
    const c = await compile({ projectDir: dir, adapters: { duckdb: () => offline } });
    const m = c.compiled.nodes.get('model.demo.info') as { compiledCode: string };
    expect(m.compiledCode.trim()).toBe(`select '"demo".INFORMATION_SCHEMA|"demo".INFORMATION_SCHEMA.columns|INFORMATION_SCHEMA|demo|"demo".INFORMATION_SCHEMA|tables' as x`);
  });

  // dbt 1.11.16: `{{ this.information_schema().schema }}` prints `None`, `... is none` is True
  // (dbt's InformationSchema has no schema); sm printed '' and answered False.
  it('has no schema: None in templates', async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: demo\nprofile: demo\n',
      'profiles.yml': PARITY_PROFILES,
      'models/info.sql': "select '{{ this.information_schema().schema }}|{{ this.information_schema('tables').schema is none }}|{{ this.schema is none }}' as x",
    });
    const c = await compile({ projectDir: dir, adapters: { duckdb: () => offline } });
    const m = c.compiled.nodes.get('model.demo.info') as { compiledCode: string };
    expect(m.compiledCode.trim()).toBe(`select 'None|True|False' as x`);
  });
});
