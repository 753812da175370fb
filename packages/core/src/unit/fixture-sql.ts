/**
 * A unit test's SQL in the shape dbt 1.11 writes it (recorded from dbt-core 1.11.16 with
 * dbt-duckdb 1.11.1; packages/cli/test/unit-test-dbt-shape.test.ts): each given input becomes a
 * `__dbt__cte__<name>` CTE of `-- Fixture for <name>` rows, the expected rows are a query of the
 * same shape typed by the model's output columns, and the statement run unions both, each row
 * marked `actual_or_expected`. The pieces that depend on the adapter (the cast around each value,
 * how a string is quoted) come from the project's own macros: see {@link CastCell}.
 */

/** One value to cast: what the fixture gave (string, number, boolean, null) and the column's type. */
export interface CastCell {
  readonly value: unknown;
  readonly type: string;
}

/** A column of the relation a fixture stands in for (or of the model's output): its name quoted as dbt quotes it, and its dbt data type. */
export interface FixtureColumn {
  readonly name: string;
  readonly quoted: string;
  readonly dataType: string;
}

/**
 * Renders every cell with the project's `safe_cast` (a string first through `string_literal` and
 * `escape_single_quotes`, null as the word `null`), in order. Cells are given in one call so that a
 * fixture costs one render.
 */
export type CastCells = (cells: readonly CastCell[]) => Promise<string[]>;

/** The column of `row` named `column`, ignoring case (YAML keeps the writer's case, warehouses fold it). */
function keyOf(row: Record<string, unknown>, column: string): string | undefined {
  if (column in row) return column;
  return Object.keys(row).find((k) => k.toLowerCase() === column.toLowerCase());
}

/** dbt strips a string column's length for string values, so a long fixture value is never cut (dbt-core#11974). */
function typeForValue(value: unknown, type: string): string {
  return typeof value === 'string' && type.includes('varying') ? type.split('(')[0]! : type;
}

/** The keys of fixture rows that no column has: dbt refuses them at compile. */
export function unknownFixtureColumns(rows: readonly Record<string, unknown>[], columns: readonly FixtureColumn[]): string[] {
  const known = new Set(columns.map((c) => c.name.toLowerCase()));
  const out: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!known.has(k.toLowerCase()) && !out.includes(k.toLowerCase())) out.push(k.toLowerCase());
  return out;
}

/**
 * A given input's rows as dbt compiles them: every column of the relation in its order, a value
 * the row gives cast through `safe_cast` as rendered, one it omits as `cast(null as <type>)`
 * trimmed. No rows: one row of nulls and `limit 0`, so the CTE keeps its columns and types.
 */
export async function fixtureSql(label: string, rows: readonly Record<string, unknown>[], columns: readonly FixtureColumn[], cast: CastCells): Promise<string> {
  const cells: CastCell[] = columns.map((c) => ({ value: null, type: c.dataType }));
  for (const r of rows) {
    for (const c of columns) {
      const k = keyOf(r, c.name);
      if (k !== undefined) cells.push({ value: r[k], type: typeForValue(r[k], c.dataType) });
    }
  }
  const out = await cast(cells);
  const nulls = out.slice(0, columns.length).map((s) => s.trim());
  let at = columns.length;
  const head = `\n-- Fixture for ${label}\n`;
  if (!rows.length) return `${head}select${columns.map((c, i) => ` ${nulls[i]} as ${c.quoted}`).join(',')}\n    limit 0`;
  const selects = rows.map((r) => `select${columns.map((c, i) => ` ${keyOf(r, c.name) !== undefined ? out[at++] : nulls[i]} as ${c.quoted}`).join(',')}`);
  return head + selects.join('\nunion all\n');
}

/**
 * The expected rows as dbt's `get_expected_sql` writes them: each row's own columns, every value
 * cast to the model's output type of its column; no rows: none of the actual ones. Columns a row
 * omits that an earlier row named are null here (dbt's union would fail on them).
 */
export async function expectedSql(rows: readonly Record<string, unknown>[], columns: readonly FixtureColumn[], cast: CastCells): Promise<string> {
  if (!rows.length) return 'select * from dbt_internal_unit_test_actual\n    limit 0';
  const cells: CastCell[] = [];
  for (const r of rows) {
    for (const c of columns) {
      const k = keyOf(r, c.name);
      const v = k === undefined ? null : r[k];
      cells.push({ value: v, type: typeForValue(v, c.dataType) });
    }
  }
  const out = await cast(cells);
  let at = 0;
  return rows.map(() => `select${columns.map((c) => ` ${out[at++]} as ${c.quoted}`).join(',')}`).join('\nunion all\n');
}

/** The statement a unit test runs (dbt's `get_unit_test_sql`): actual and expected rows in one result, told apart by `actual_or_expected`. */
export function unitTestSql(actual: string, expected: string, quotedColumns: readonly string[], literal: (s: string) => string, quote: (s: string) => string): string {
  const marker = quote('actual_or_expected');
  return `-- Build actual result given inputs
with dbt_internal_unit_test_actual as (
  select
    ${quotedColumns.join(',')}, ${literal('actual')} as ${marker}
  from (
    ${actual}
  ) _dbt_internal_unit_test_actual
),
-- Build expected result
dbt_internal_unit_test_expected as (
  select
    ${quotedColumns.join(', ')}, ${literal('expected')} as ${marker}
  from (
    ${expected}
  ) _dbt_internal_unit_test_expected
)
-- Union actual and expected results
select * from dbt_internal_unit_test_actual
union all
select * from dbt_internal_unit_test_expected`;
}

/** The column that tells actual rows from expected ones in {@link unitTestSql}'s result. */
export const ACTUAL_OR_EXPECTED = 'actual_or_expected';
