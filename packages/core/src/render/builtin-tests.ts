/**
 * A built-in test's macro, spaced as dbt 1.11 renders its own (its compiled test is byte for byte
 * dbt's): the call's output starts `\n    \n    \n\n` and ends with two blank lines.
 */
const testMacro = (signature: string, lines: string[]) => `{% macro test_${signature} %}\n    \n    \n\n${lines.join('\n')}\n\n\n{% endmacro %}\n`;

/**
 * The four generic tests every dbt user expects, as macros a project may override by
 * defining a test of the same name. Each selects the failing rows, with the columns dbt 1.11's
 * select (accepted_values `select *`, relationships `from_field`), its values `,`-separated as there.
 * Spaced as dbt's (recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1: fixtures/compiled-whitespace.dbt-1.11.json).
 */
export const BUILTIN_TEST_MACROS = [
  testMacro('unique(model, column_name)', [
    'select',
    '    {{ column_name }} as unique_field,',
    '    count(*) as n_records',
    '',
    'from {{ model }}',
    'where {{ column_name }} is not null',
    'group by {{ column_name }}',
    'having count(*) > 1',
  ]),
  testMacro('not_null(model, column_name)', [
    // As dbt's: every column when the failing rows are kept, so they show the whole row.
    "{% set column_list = '*' if should_store_failures() else column_name %}",
    '',
    'select {{ column_list }}',
    'from {{ model }}',
    'where {{ column_name }} is null',
  ]),
  testMacro('accepted_values(model, column_name, values, quote=true)', [
    'with all_values as (',
    '',
    '    select',
    '        {{ column_name }} as value_field,',
    '        count(*) as n_records',
    '',
    '    from {{ model }}',
    '    group by {{ column_name }}',
    '',
    ')',
    '',
    'select *',
    'from all_values',
    'where value_field not in (',
    `    {% for v in values %}{% if quote %}'{{ v | replace("'", "''") }}'{% else %}{{ v }}{% endif %}{% if not loop.last %},{% endif %}{% endfor %}`,
    ')',
  ]),
  testMacro('relationships(model, column_name, to, field)', [
    'with child as (',
    '    select {{ column_name }} as from_field',
    '    from {{ model }}',
    '    where {{ column_name }} is not null',
    '),',
    '',
    'parent as (',
    '    select {{ field }} as to_field',
    '    from {{ to }}',
    ')',
    '',
    'select',
    '    from_field',
    '',
    'from child',
    'left join parent',
    '    on child.from_field = parent.to_field',
    '',
    'where parent.to_field is null',
  ]),
].join('\n');

/** How each built-in test is written in YAML, for the hint of an error about its arguments. */
export const BUILTIN_TEST_USAGE: Record<string, string> = {
  accepted_values: '- accepted_values: {values: [a, b]}   (add quote: false for numbers)',
  relationships: "- relationships: {to: ref('dim_x'), field: x_key}",
};
