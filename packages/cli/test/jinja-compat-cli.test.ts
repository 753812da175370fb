import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { sm } from './run-cli.ts';

/**
 * A dbt project (dbt_project.yml, a custom generic test in tests/generic with default
 * arguments, macros with defaults, a loop filter, namespace, `do`, Python-style values) run
 * with `sm build` on DuckDB. The expected compiled SQL, table row and test names are what
 * dbt-core 1.11.16 with dbt-duckdb 1.11.1 produced for the same files (computed once, pasted),
 * except the database qualifier dbt-duckdb adds ("jinja_cli".), which sm leaves out.
 */
const PROJECT: Record<string, string> = {
  "dbt_project.yml": "name: jinja_cli\nversion: '1.0'\nprofile: jinja_cli\nconfig-version: 2\nvars:\n  regions: ['eu', 'us', 'apac']\n  flag: true\nmodels:\n  jinja_cli:\n    +materialized: table\n",
  "profiles.yml": "jinja_cli:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/jinja_cli.duckdb\n      schema: main\n      threads: 1\n",
  "macros/amounts.sql": "{% macro cents(col, scale=100) -%}\ncast({{ col }} * {{ scale }} as integer)\n{%- endmacro %}\n\n{% macro region_sums(regions) -%}\n{%- for r in regions %}\n  sum(case when region = '{{ r }}' then amount else 0 end) as {{ r }}_amount{{ ',' if not loop.last }}\n{%- endfor %}\n{%- endmacro %}\n",
  "models/orders.sql": "select * from (values (1, 'eu', 2.5), (2, 'us', 4.0), (3, 'eu', 1.25), (4, 'apac', 9.0)) as t(id, region, amount)\n",
  "models/summary.sql": "{%- set regions = var('regions') %}\n{%- set ns = namespace(kept=[]) %}\n{%- for r in regions if r != 'apac' %}{% do ns.kept.append(r | upper) %}{% endfor %}\nselect\n  {{ region_sums(regions) }},\n  {{ cents('sum(amount)') }} as total_cents,\n  '{{ ns.kept | join(\"|\") }}' as kept,\n  {{ var('flag') }} as flag,\n  {{ [1, 2] == [1, 2] }} as lists_equal,\n  '{{ \"%03d\" % 7 }}' as padded,\n  '{{ {\"b\": 1, \"a\": [1, none]} | tojson }}' as as_json,\n  '{{ this.identifier }}' as me,\n  {{ regions | length }} as n_regions\nfrom {{ ref('orders') }}\n",
  "tests/generic/within_range.sql": "{% test within_range(model, column_name, min_value=0, max_value=none) %}\nselect * from {{ model }}\nwhere {{ column_name }} < {{ min_value }}\n{%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}\n{% endtest %}\n",
  "models/schema.yml": "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: amount\n        tests:\n          - within_range:\n              max_value: 10\n  - name: summary\n    columns:\n      - name: total_cents\n        tests: [within_range]\n",
};

function writeDbtProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sm-jinja-cli-'));
  for (const [rel, text] of Object.entries(PROJECT)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** dbt's target/compiled/jinja_cli/models/summary.sql, whitespace-normalised. */
const DBT_SUMMARY_SQL =
  "select sum(case when region = 'eu' then amount else 0 end) as eu_amount, sum(case when region = 'us' then amount else 0 end) as us_amount, sum(case when region = 'apac' then amount else 0 end) as apac_amount, cast(sum(amount) * 100 as integer) as total_cents, 'EU|US' as kept, True as flag, True as lists_equal, '007' as padded, '{\"a\": [1, null], \"b\": 1}' as as_json, 'summary' as me, 3 as n_regions from \"jinja_cli\".\"main\".\"orders\"";

/** The row dbt built in main.summary. */
const DBT_SUMMARY_ROW = { eu_amount: '3.75', us_amount: '4.00', apac_amount: '9.00', total_cents: 1675, kept: 'EU|US', flag: true, lists_equal: true, padded: '007', as_json: '{"a": [1, null], "b": 1}', me: 'summary', n_regions: 3 };

describe('a dbt project with the Jinja analysts write, through the sm CLI', () => {
  it('compiles to the SQL dbt compiles, builds the same row and runs the custom generic test with its defaults', async () => {
    const dir = writeDbtProject();
    const r = await sm('build', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/Done\. OK=4/);
    const compiled = readFileSync(join(dir, 'target/compiled/jinja_cli/models/summary.sql'), 'utf8');
    expect(compiled.replace(/\s+/g, ' ').trim()).toBe(DBT_SUMMARY_SQL);
    const db = await DuckDBInstance.create(join(dir, 'target/jinja_cli.duckdb'));
    const con = await db.connect();
    try {
      // Decimals as text, the way dbt's Python client printed them (9.00, not 9).
      const sql = 'select * replace (eu_amount::varchar as eu_amount, us_amount::varchar as us_amount, apac_amount::varchar as apac_amount) from main.summary';
      const rows = (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
      expect(rows).toHaveLength(1);
      const row = Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
      expect(row).toEqual(DBT_SUMMARY_ROW);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });

  it('renders --inline snippets as dbt compile --inline does', async () => {
    const dir = writeDbtProject();
    // Each pair: the snippet and what `dbt compile -q --inline` printed for it in this project.
    const cases: [string, string][] = [
      ["{{ ['a','b'] }} {{ none }} {{ true }}", "['a', 'b'] None True"],
      ["{{ dict(x=1) | tojson }} {{ 'a-b'.split('-') }}", '{"x": 1} [\'a\', \'b\']'],
      ["{{ var('regions') | length }} {{ target.name }}", '3 dev'],
    ];
    for (const [snippet, dbt] of cases) {
      const r = await sm('compile', '--project-dir', dir, '--profiles-dir', dir, '-q', '--inline', snippet);
      expect(r.code, r.out + r.err).toBe(0);
      expect(r.out.trim(), snippet).toBe(dbt);
    }
  });
});
