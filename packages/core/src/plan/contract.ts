import type { Dialect } from '../adapter.ts';
import type { ModelNode } from '../types.ts';
import { contractEnforced } from '../project/constraints.ts';

/** A column as the warehouse describes a query's result. */
export interface DescribedColumn {
  readonly name: string;
  readonly type: string;
}

const HEADER = [
  'This model has an enforced contract that failed.',
  "Please ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.",
];

/**
 * dbt's model contract, enforced when the model runs: the query's columns must be exactly the
 * YAML's, by name, number and data type. Both sides are described by the warehouse (the YAML's
 * types through `cast(null as <type>)`), so `int` and `integer` are the same type and a typo is
 * the warehouse's error. Undefined when the model enforces no contract, it is not a table, view
 * or incremental model (dbt enforces none elsewhere), or the dialect cannot describe a query.
 */
export function contractCheck(m: ModelNode, sql: string, d: Dialect): { query: string; declared: string | undefined; missingTypes: string[] } | undefined {
  if (!contractEnforced(m) || !d.describeQuery || !['table', 'view', 'incremental'].includes(String(m.config.materialized))) return undefined;
  const cols = Object.values(m.columns);
  const missingTypes = cols.filter((c) => !c.dataType?.trim()).map((c) => c.name);
  const declared = cols.length && !missingTypes.length ? d.describeQuery(`select ${cols.map((c) => `cast(null as ${c.dataType}) as ${d.quoteIdentifier(c.name)}`).join(', ')}`) : undefined;
  return { query: d.describeQuery(sql), declared, missingTypes };
}

/** What is wrong with the model's columns against its contract, as dbt words it, or undefined when they match. */
export function contractMismatch(m: ModelNode, actual: readonly DescribedColumn[], declared: readonly DescribedColumn[]): string | undefined {
  const byName = new Map(declared.map((c) => [c.name, c]));
  const inQuery = new Set(actual.map((c) => c.name));
  const rows: [string, string, string, string][] = [];
  for (const a of actual) {
    const y = byName.get(a.name);
    if (!y) rows.push([a.name, a.type, '', 'missing in contract']);
    else if (y.type !== a.type) rows.push([a.name, a.type, y.type, 'data type mismatch']);
  }
  for (const y of declared) if (!inQuery.has(y.name)) rows.push([y.name, '', y.type, 'missing in definition']);
  if (!rows.length && actual.length === declared.length) return undefined;
  return [`${m.name} (${m.originalFilePath}, contract in ${m.patchPath ?? 'its YAML'}):`, ...HEADER, ...table(['column_name', 'definition_type', 'contract_type', 'mismatch_reason'], rows)].join('\n');
}

/** The message for a contracted model whose YAML lacks columns or data types. */
export function contractIncomplete(m: ModelNode, missingTypes: readonly string[]): string {
  const where = `${m.name} (${m.originalFilePath}, contract in ${m.patchPath ?? 'its YAML'})`;
  if (!Object.keys(m.columns).length) return `${where}: ${HEADER[0]} The contract lists no columns: declare each column the model selects under columns:, with its data_type.`;
  return `${where}: Contracted models require data_type to be defined for each column: ${missingTypes.join(', ')}. Add data_type to each in the YAML.`;
}

function table(head: string[], rows: string[][]): string[] {
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  return [line(head), `| ${w.map((n) => '-'.repeat(n)).join(' | ')} |`, ...rows.map(line)];
}
