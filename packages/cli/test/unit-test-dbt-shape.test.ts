import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * A unit test's SQL as dbt 1.11 writes it: the model with each given input as a
 * `__dbt__cte__<name>` CTE of `-- Fixture for <name>` rows (a source's named after its source and
 * table; the model's depends_on order, sources first), each fixture also in its own file beside the
 * test's folder, and target/run holding the one statement that unions actual and expected rows.
 * Every file below was written by dbt-core 1.11.16 with dbt-duckdb 1.11.1 from these project files
 * (`dbt seed`, `dbt run`, `dbt test`): fixtures/unit-test-dbt-shape.dbt-1.11.json.
 */
const RECORDED = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'unit-test-dbt-shape.dbt-1.11.json'), 'utf8')) as { files: Record<string, string> };

const FILES = {
  'seeds/raw.csv': 'id,name,amount,d,flag\n1,a,10.50,2024-01-01,true\n',
  'seeds/raw.yml': [
    'seeds:',
    '  - name: raw',
    '    config:',
    "      column_types: {amount: 'decimal(10,2)', id: bigint}",
    'sources:',
    '  - name: src',
    '    schema: main',
    '    tables:',
    '      - name: ev',
    '        identifier: raw',
  ].join('\n'),
  'models/stg.sql': "with base as (select * from {{ ref('raw') }})\nselect id, name, amount, d, flag from base\n",
  'models/fromsrc.sql': "select e.id, e.name, s.amount from {{ source('src', 'ev') }} e join {{ ref('stg') }} s using (id)\n",
  'models/u.yml': [
    'unit_tests:',
    '  - name: t_types',
    '    model: stg',
    '    given:',
    "      - input: ref('raw')",
    '        rows:',
    `          - {id: 1, name: "o'x", amount: 1.5, d: '2024-01-01', flag: true}`,
    '          - {id: 2}',
    '    expect:',
    '      rows:',
    `        - {id: 1, name: "o'x", amount: 1.5, flag: true}`,
    '        - {id: 2, name: null, amount: null, flag: null}',
    '  - name: t_src',
    '    model: fromsrc',
    '    given:',
    "      - input: ref('stg')",
    '        rows: []',
    "      - input: source('src', 'ev')",
    '        format: csv',
    '        rows: |',
    '          id,name',
    '          1,click',
    '    expect:',
    '      rows: []',
  ].join('\n'),
};

describe("unit tests' SQL in dbt's shape", () => {
  it('writes the compiled test, each fixture and the run statement as dbt 1.11 does, and passes', async () => {
    const dir = writeDuckdbProject(FILES);
    for (const cmd of ['seed', 'run'] as const) {
      const r = await sm(cmd, '--project-dir', dir);
      expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    }
    // One test at a time, so that each fixture file holds what the test that wrote it last gave (as in dbt's run).
    for (const t of ['t_types', 't_src']) {
      const r = await sm('test', '-s', t, '--project-dir', dir);
      expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    }
    for (const [path, text] of Object.entries(RECORDED.files)) expect(readFileSync(join(dir, path), 'utf8'), path).toBe(text);
    const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; compiled_code: string }[] };
    expect(results.results.map((r) => [r.unique_id, r.status])).toEqual([['unit_test.demo.fromsrc.t_src', 'pass']]);
    expect(results.results[0]!.compiled_code).toBe(RECORDED.files['target/compiled/demo/models/u.yml/models/t_src.sql']);
  });

  it('fails on a wrong expected row, and refuses a fixture column the input does not have as dbt does', async () => {
    const dir = writeDuckdbProject({
      ...FILES,
      'models/u.yml': [
        'unit_tests:',
        '  - name: t_wrong',
        '    model: stg',
        '    given:',
        "      - input: ref('raw')",
        '        rows:',
        "          - {id: 1, name: a, d: '2024-01-01'}",
        '    expect:',
        '      rows:',
        "          - {id: 1, name: b, d: '2024-01-01'}",
        '  - name: t_unknown',
        '    model: stg',
        '    given:',
        "      - input: ref('raw')",
        '        rows:',
        '          - {id: 1, nom: a}',
        '    expect:',
        '      rows: []',
        '  - name: t_sqlexp',
        '    model: stg',
        '    given:',
        "      - input: ref('raw')",
        '        rows:',
        '          - {id: 1, name: a}',
        '    expect:',
        '      format: sql',
        "      rows: select 1 as id, 'a' as name",
      ].join('\n'),
    });
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    const wrong = await sm('test', '-s', 't_wrong', '--project-dir', dir);
    expect(wrong.code, `${wrong.out}\n${wrong.err}`).toBe(1);
    expect(wrong.out + wrong.err).toMatch(/- 1 +\| b/);
    expect(wrong.out + wrong.err).toMatch(/\+ 1 +\| a/);
    // dbt 1.11.16: "Invalid column name: 'nom' in unit test fixture for 'raw'. Accepted columns for 'raw' are: ['id', 'name', 'amount', 'd', 'flag']", the test an error, exit 1.
    const unknown = await sm('test', '-s', 't_unknown', '--project-dir', dir);
    expect(unknown.code, `${unknown.out}\n${unknown.err}`).toBe(1);
    expect(unknown.out + unknown.err).toContain("names 'nom', which raw does not have. Accepted columns for 'raw' are: 'id', 'name', 'amount', 'd', 'flag'");
    // dbt 1.11.16: expected SQL is compared on every column the model outputs, so a query with fewer is an error:
    // "An error occurred during execution of unit test 't_sqlexp'. There may be an error in the unit test
    // definition: check the data types." then DuckDB's `Referenced column "amount" not found`.
    const sqlexp = await sm('test', '-s', 't_sqlexp', '--project-dir', dir);
    expect(sqlexp.code, `${sqlexp.out}\n${sqlexp.err}`).toBe(1);
    expect(sqlexp.out + sqlexp.err).toContain("An error occurred during execution of unit test 't_sqlexp'. There may be an error in the unit test definition: check the data types.");
    expect(sqlexp.out + sqlexp.err).toContain('Referenced column "amount" not found');
  });
});
