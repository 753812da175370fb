/** The name dbt gives an ephemeral model's CTE (its `add_ephemeral_prefix`), which packages such as dbt_utils test for. */
export const CTE_PREFIX = '__dbt__cte__';

/** A CTE definition as dbt's compiler writes it (an extra_ctes entry's `sql`): ` <name> as (\n<body>\n)`. */
export function cteDefinition(name: string, body: string): string {
  return ` ${name} as (\n${body}\n)`;
}

/**
 * Put CTEs in front of a query as dbt's `inject_ctes_into_sql` does: after a leading `with`
 * (or `with recursive`), keeping the whitespace that follows it, and a `, ` before the query's
 * own CTEs; otherwise a `with` before the first token that is not whitespace, and a space after
 * the definitions. Definitions are joined by `, ` (each begins with a space: `),  __dbt__cte__b`).
 */
export function injectCtes(sql: string, ctes: [string, string][]): string {
  const defs = ctes.map(([name, body]) => cteDefinition(name, body)).join(', ');
  const m = /^((?:--[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*)(with\s+recursive|with)(\s*)/i.exec(sql);
  if (m) return `${m[1]}${m[2]}${m[3]}${defs}, ${sql.slice(m[0].length)}`;
  const lead = /^\s*/.exec(sql)![0];
  return `${lead}with${defs} ${sql.slice(lead.length)}`;
}
