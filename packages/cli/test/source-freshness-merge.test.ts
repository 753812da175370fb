import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * dbt-core 1.11.16 + dbt-duckdb 1.11.1 (8 Dec 2026), `dbt source freshness` on tables last
 * loaded 2026-12-01 with the YAML below: ev warned (warn_after 1 hour from the source's config),
 * ev2 passed with criteria warn_after 1000000 day (its own) and error_after 100000 day (the
 * source's: the levels merge, threshold by threshold), ev3 (`freshness: null`) was not checked;
 * the manifest gave the same merged freshness. sm took the first level that set freshness, so ev2
 * had no error_after.
 */
describe("a source table's freshness, merged as dbt merges it", () => {
  it('takes each threshold from the nearest level that sets it; null turns it off', async () => {
    const dir = writeDuckdbProject({
      'seeds/ev.csv': 'ts\n2026-12-01 00:00:00\n',
      'seeds/ev2.csv': 'ts\n2026-12-01 00:00:00\n',
      'seeds/ev3.csv': 'ts\n2026-12-01 00:00:00\n',
      'models/src.yml': `version: 2
sources:
  - name: raw
    schema: main
    config:
      freshness:
        warn_after: {count: 1, period: hour}
        error_after: {count: 100000, period: day}
      loaded_at_field: ts
    tables:
      - name: ev
      - name: ev2
        config:
          freshness:
            warn_after: {count: 1000000, period: day}
      - name: ev3
        config:
          freshness: null
`,
    });
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    const r = await sm('source', 'freshness', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const results = (JSON.parse(readFileSync(join(dir, 'target/sources.json'), 'utf8')) as { results: { unique_id: string; status: string; criteria: unknown }[] }).results;
    const day = (count: number) => ({ count, period: 'day' });
    expect(results.map((x) => [x.unique_id, x.status, x.criteria])).toEqual([
      ['source.demo.raw.ev', 'warn', { warn_after: { count: 1, period: 'hour' }, error_after: day(100000), filter: null }],
      ['source.demo.raw.ev2', 'pass', { warn_after: day(1000000), error_after: day(100000), filter: null }],
    ]);
  });
});
