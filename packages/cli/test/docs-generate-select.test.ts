import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

const FILES = {
  'profiles.yml': PROFILE,
  'seeds/s.csv': 'id\n1\n',
  'models/t.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('s') }}\n",
  'models/u.sql': "select * from {{ source('src', 's') }}\n",
  'models/schema.yml': `sources:
  - name: src
    schema: main
    tables: [{name: s}]
models:
  - name: t
    columns:
      - name: id
        data_tests:
          - unique
          - not_null:
              config: {store_failures: true}
`,
};

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, 'target', file), 'utf8')) as Record<string, any>;

// Recorded from `dbt seed`, `dbt build`, then `dbt docs generate`, `dbt docs generate -s t` and `dbt docs generate -s source:src` (dbt-core 1.11.16,
// dbt-duckdb 1.11.1) on the same files, 7 Dec 2026: the selection chooses what is compiled (run_results.json, the
// tests of t with it) and what the catalog describes (t and its stored failures; the source alone).
describe('docs generate --select, as dbt 1.11', () => {
  it('compiles and describes the selected nodes only', async () => {
    const dir = writeProject(FILES);
    // The seed first: u reads it as a source, which gives build no order between them.
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    expect((await sm('build', '--project-dir', dir)).code).toBe(0);
    // The whole catalog, in dbt's order: by schema, then relation name (recorded with `dbt docs generate`).
    let r = await sm('docs', 'generate', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    let catalog = read(dir, 'catalog.json');
    expect([Object.keys(catalog.nodes), Object.keys(catalog.sources)]).toEqual([['seed.demo.s', 'model.demo.t', 'model.demo.u', 'test.demo.not_null_t_id.a3af787eb8'], ['source.demo.src.s']]);
    r = await sm('docs', 'generate', '-s', 't', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    catalog = read(dir, 'catalog.json');
    expect([Object.keys(catalog.nodes), Object.keys(catalog.sources)]).toEqual([['model.demo.t', 'test.demo.not_null_t_id.a3af787eb8'], []]);
    let rr = read(dir, 'run_results.json');
    expect(rr.results.map((x: { unique_id: string }) => x.unique_id)).toEqual(['model.demo.t', 'test.demo.not_null_t_id.a3af787eb8', 'test.demo.unique_t_id.8ad39b758b']);
    expect(rr.args).toMatchObject({ which: 'generate', select: ['t'] });
    r = await sm('docs', 'generate', '-s', 'source:src', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    catalog = read(dir, 'catalog.json');
    expect([Object.keys(catalog.nodes), Object.keys(catalog.sources)]).toEqual([[], ['source.demo.src.s']]);
    rr = read(dir, 'run_results.json');
    expect([rr.results, rr.args.select]).toEqual([[], ['source:src']]);
  });
});
