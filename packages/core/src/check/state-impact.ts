import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diag, SmProjectError } from '../diagnostics.ts';
import type { CheckResult } from './check-project.ts';
import { columnInfos } from './column-lineage.ts';

/** A column of a node that is gone or has another type than in the saved state. */
export interface ColumnChange {
  readonly unique_id: string;
  readonly column: string;
  readonly change: 'removed' | 'retyped';
  readonly was: string | null;
  readonly now: string | null;
}

/** A column downstream of a changed one. */
export interface ImpactedColumn {
  readonly unique_id: string;
  readonly column: string;
  /** The changed columns it is computed from. */
  readonly causes: readonly string[];
  /** `broken`: the checker reports an error in its node now; `affected`: it reads the changed column but still checks. */
  readonly status: 'broken' | 'affected';
}

export interface StateImpact {
  readonly changes: readonly ColumnChange[];
  readonly downstream: readonly ImpactedColumn[];
}

interface PrevColumn {
  name: string;
  sm?: { data_type: string | null; lineage: { unique_id: string; column: string }[] };
}

const colKey = (id: string, col: string) => `${id}\u0000${col.toLowerCase()}`;

/**
 * What changed in the columns since the manifest saved in `stateDir` (written by `sm check` or
 * a `--strict` run, which record each column's type and lineage), and which downstream columns
 * read what changed: through the saved lineage (what read the column before) and the current.
 */
export function stateImpact(stateDir: string, result: CheckResult): StateImpact {
  const path = join(stateDir, 'manifest.json');
  if (!existsSync(path)) throw new SmProjectError([diag('SM_STATE_NOT_FOUND', `No manifest.json in --state ${stateDir}`, undefined, { hint: 'Point --state at the target/ directory of an earlier sm check (copy it before it is overwritten).' })]);
  const m = JSON.parse(readFileSync(path, 'utf8')) as { nodes?: Record<string, { columns?: Record<string, PrevColumn> }>; sources?: Record<string, { columns?: Record<string, PrevColumn> }> };
  const prev = new Map<string, Map<string, PrevColumn>>();
  let withLineage = 0;
  for (const [id, n] of [...Object.entries(m.nodes ?? {}), ...Object.entries(m.sources ?? {})]) {
    const cols = new Map<string, PrevColumn>();
    for (const c of Object.values(n.columns ?? {})) {
      cols.set(c.name.toLowerCase(), c);
      if (c.sm) withLineage++;
    }
    prev.set(id, cols);
  }
  if (!withLineage) {
    throw new SmProjectError([
      diag('SM_STATE_NOT_FOUND', `The manifest in --state ${stateDir} records no column types or lineage`, { file: path }, { hint: 'Save the target/ of an sm check (or a run with --strict) as the state to compare with.' }),
    ]);
  }
  // Downstream edges: upstream column -> columns computed from it, before and now.
  const down = new Map<string, Set<string>>();
  const edge = (from: string, to: string) => {
    let s = down.get(from);
    if (!s) down.set(from, (s = new Set()));
    s.add(to);
  };
  for (const [id, cols] of prev) for (const c of cols.values()) for (const u of c.sm?.lineage ?? []) edge(colKey(u.unique_id, u.column), colKey(id, c.name));
  const names = new Map<string, { id: string; column: string }>();
  for (const [id, r] of result.nodes) {
    for (const { name, info } of columnInfos(r, result.dialect)) {
      names.set(colKey(id, name), { id, column: name });
      for (const u of info.lineage) edge(colKey(u.unique_id, u.column), colKey(id, name));
    }
  }
  for (const [id, cols] of prev) for (const c of cols.values()) if (!names.has(colKey(id, c.name))) names.set(colKey(id, c.name), { id, column: c.name });

  const changes: ColumnChange[] = [];
  for (const [id, r] of result.nodes) {
    const before = prev.get(id);
    if (!before) continue;
    const now = new Map(columnInfos(r, result.dialect).map((c) => [c.name.toLowerCase(), c]));
    for (const [k, c] of before) {
      if (!c.sm) continue;
      const cur = now.get(k);
      if (!cur) {
        if (!r.open) changes.push({ unique_id: id, column: c.name, change: 'removed', was: c.sm.data_type, now: null });
      } else if (c.sm.data_type && cur.info.data_type && c.sm.data_type !== cur.info.data_type) {
        changes.push({ unique_id: id, column: c.name, change: 'retyped', was: c.sm.data_type, now: cur.info.data_type });
      }
    }
  }
  const broken = new Set(result.diagnostics.filter((d) => d.severity === 'error' && d.nodeId).map((d) => d.nodeId!));
  const impacted = new Map<string, Set<string>>();
  for (const ch of changes) {
    const start = colKey(ch.unique_id, ch.column);
    const seen = new Set<string>([start]);
    const queue = [start];
    while (queue.length) {
      const k = queue.shift()!;
      for (const next of down.get(k) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
        let causes = impacted.get(next);
        if (!causes) impacted.set(next, (causes = new Set()));
        causes.add(`${ch.unique_id}.${ch.column}`);
      }
    }
  }
  const downstream: ImpactedColumn[] = [...impacted].map(([k, causes]) => {
    const n = names.get(k) ?? { id: k.split('\u0000')[0]!, column: k.split('\u0000')[1]! };
    return { unique_id: n.id, column: n.column, causes: [...causes].sort(), status: broken.has(n.id) ? 'broken' : 'affected' };
  });
  downstream.sort((a, b) => (a.status === b.status ? 0 : a.status === 'broken' ? -1 : 1) || a.unique_id.localeCompare(b.unique_id) || a.column.localeCompare(b.column));
  return { changes, downstream };
}
