import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * What a data test runs, as dbt 1.11's test materialization writes it to target/run: one statement
 * counting the failing rows with fail_calc, warn_if and error_if (`limit` inside the subquery), or,
 * when the test stores its failures, counting them from the relation that holds them. Recorded
 * from dbt-core 1.11.16 with dbt-duckdb 1.11.1 on these files (`dbt build`):
 * fixtures/test-run-files.dbt-1.11.json.
 */
const RECORDED = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'test-run-files.dbt-1.11.json'), 'utf8')) as {
  files: Record<string, string>;
  results: Record<string, [string, number | null, string | null, string | null]>;
};

describe("data tests' target/run files as dbt 1.11 writes them", () => {
  it('counts in one statement, from the stored relation when the test stores its failures', async () => {
    const dir = writeDuckdbProject({
      'models/m.sql': 'select 1 as id union all select null\n',
      'models/m.yml': [
        'models:',
        '  - name: m',
        '    columns:',
        '      - name: id',
        '        data_tests:',
        '          - not_null',
        '          - unique:',
        "              config: {store_failures: true, limit: 5, warn_if: \">1\", error_if: \">5\"}",
        '          - accepted_values:',
        '              arguments:',
        '                values: [1]',
        '              config: {store_failures: true, store_failures_as: view}',
      ].join('\n'),
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, `${r.out}\n${r.err}`).toBe(1);
    // Byte for byte, the compiled test inside the statement too.
    for (const [path, text] of Object.entries(RECORDED.files)) expect(readFileSync(join(dir, path), 'utf8'), path).toBe(text);
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; failures: number | null; message: string | null; relation_name: string | null }[] }).results;
    // The tests' entries as dbt's (a built model's message is sm's own words on purpose: README, "Using sm").
    const tests = results.filter((x) => x.unique_id.startsWith('test.'));
    expect(Object.fromEntries(tests.map((x) => [x.unique_id, [x.status, x.failures, x.message, x.relation_name]]))).toEqual(Object.fromEntries(Object.entries(RECORDED.results).filter(([id]) => id.startsWith('test.'))));
  });
});
