import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbDialect } from '@smsql/adapter-duckdb';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/**
 * A seed's `quote_columns`, as dbt-duckdb writes its create table. Recorded from dbt-core 1.11.16 +
 * dbt-duckdb 1.11.1 on these files (`dbt seed`, exit 1): s_false and s_jinja (fivetran's
 * `"{{ target.type == 'redshift' }}"`, which renders false) ERROR, "Runtime Error in seed s_false
 * (seeds/s_false.csv)\n  Parser Error: syntax error at or near "default""; s_true and s_unset
 * INSERT 1, columns id INTEGER, default BOOLEAN, Name VARCHAR.
 */
describe("seeds' quote_columns", () => {
  it('writes the names unquoted when it is false, so a reserved word fails as in dbt; quoted when unset or true', async () => {
    const csv = 'id,default,Name\n1,true,a\n';
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': `name: demo\nversion: "1.0"\nprofile: demo\nseeds:\n  demo:\n    s_false:\n      +quote_columns: false\n    s_jinja:\n      +quote_columns: "{{ target.type == 'redshift' }}"\n    s_true:\n      +quote_columns: true\n`,
      'seeds/s_false.csv': csv,
      'seeds/s_jinja.csv': csv,
      'seeds/s_true.csv': csv,
      'seeds/s_unset.csv': csv,
    });
    const r = await sm('seed', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(1);
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string }[] };
    expect(Object.fromEntries(rr.results.map((x) => [x.unique_id, x.status]))).toEqual({ 'seed.demo.s_false': 'error', 'seed.demo.s_jinja': 'error', 'seed.demo.s_true': 'success', 'seed.demo.s_unset': 'success' });
    expect(rr.results.find((x) => x.unique_id === 'seed.demo.s_false')!.message).toMatch(/^Runtime Error in seed s_false \(seeds\/s_false\.csv\)\n {2}Parser Error: syntax error at or near "default"/);
    expect(r.out).toContain('set quote_columns: true');
    // The warehouse's wording is the dialect's to read, not core's: DuckDB's parser error is one.
    const dialect = new DuckDbDialect();
    expect(dialect.isParseError(rr.results.find((x) => x.unique_id === 'seed.demo.s_false')!.message)).toBe(true);
    expect(dialect.isParseError('Conversion Error: Could not convert string \'x\' to INT32')).toBe(false);
    for (const t of ['s_true', 's_unset']) {
      expect(await queryDuckDb(join(dir, 'target/demo.duckdb'), `select column_name, data_type from information_schema.columns where table_name = '${t}' order by ordinal_position`)).toEqual([
        { column_name: 'id', data_type: 'INTEGER' },
        { column_name: 'default', data_type: 'BOOLEAN' },
        { column_name: 'Name', data_type: 'VARCHAR' },
      ]);
    }
  });
});
