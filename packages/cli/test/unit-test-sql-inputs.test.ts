import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// dbt-core 1.11.16 on the same files (6 Dec 2026): a given input's `format: sql` rows are the
// template of the node dbt makes for the input, so their Jinja renders ({% set %}, target); an
// ephemeral model may be given that way, its rows standing in for its CTE. `dbt build`: raw,
// scores, the unit test and m, PASS=4, exit 0; the unit test's SQL in
// target/compiled/demo/models/u.yml/models/joins_scores.sql (and run/).
describe('unit test inputs given as SQL, as dbt 1.11', () => {
  it('renders their Jinja, and stands them in for an ephemeral model', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/raw.sql': "select 1 as id, 'a' as name",
      'models/stg.sql': "{{ config(materialized='ephemeral') }} select id, upper(name) as name from {{ ref('raw') }}",
      'models/scores.sql': 'select 10 as id, 5 as score',
      'models/m.sql': "select s.id, s.name, c.score from {{ ref('stg') }} s join {{ ref('scores') }} c using (id)",
      'models/u.yml': [
        'unit_tests:',
        '  - name: joins_scores',
        '    model: m',
        '    given:',
        "      - input: ref('stg')",
        '        format: sql',
        '        rows: |',
        "          {% set text_type = 'varchar' %}",
        "          select 1 as id, cast('X' as {{ text_type }}) as name",
        '          union all',
        "          select 2 as id, cast('{{ target.type }}' as {{ text_type }}) as name",
        "      - input: ref('scores')",
        '        format: sql',
        '        rows: |',
        '          select {{ 1 }} as id, 7 as score union all select 2 as id, 8 as score',
        '    expect:',
        '      rows:',
        '        - {id: 1, name: X, score: 7}',
        '        - {id: 2, name: duckdb, score: 8}',
      ].join('\n'),
    });
    const b = await sm('build', '--project-dir', dir);
    expect(b.code, `${b.out}\n${b.err}`).toBe(0);
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results;
    expect(Object.fromEntries(results.map((r) => [r.unique_id, r.status]))).toEqual({
      'model.demo.raw': 'success',
      'model.demo.scores': 'success',
      'unit_test.demo.m.joins_scores': 'pass',
      'model.demo.m': 'success',
    });
    // dbt writes a unit test's SQL under its YAML file, at dbt's pseudo path (the YAML's folder again).
    expect(existsSync(join(dir, 'target', 'compiled', 'demo', 'models', 'u.yml', 'models', 'joins_scores.sql'))).toBe(true);
    expect(existsSync(join(dir, 'target', 'run', 'demo', 'models', 'u.yml', 'models', 'joins_scores.sql'))).toBe(true);
  });
});
