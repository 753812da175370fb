import type { CheckResult } from '../check/check-project.ts';
import { columnInfos } from '../check/column-lineage.ts';
import type { DocsColumn, DocsData } from './docs-data.ts';

/**
 * Put what `sm check` inferred into the docs data: each node's columns get their inferred type
 * and their upstream columns (the page inverts them for downstream), columns the YAML does not
 * document are added, and each node says whether its SQL was checked.
 */
export function addColumnLineage(data: DocsData, check: CheckResult): DocsData {
  const nodes = data.nodes.map((n) => {
    const r = check.nodes.get(n.id);
    if (!r) return n;
    const byName = new Map(n.columns.map((c) => [c.name.toLowerCase(), c]));
    const columns: DocsColumn[] = [];
    for (const { name, info } of columnInfos(r, check.dialect)) {
      const known = byName.get(name.toLowerCase());
      byName.delete(name.toLowerCase());
      columns.push({
        ...(known ?? { name, description: '', declaredType: null, actualType: null }),
        inferredType: info.data_type,
        upstream: info.lineage.map((u) => ({ id: u.unique_id, column: u.column, kind: u.kind })),
      });
    }
    columns.push(...byName.values());
    return { ...n, columns, check: { status: r.status, reason: r.reason ?? null, open: r.open } };
  });
  return { ...data, nodes };
}
