import type { GraphNode } from '../types.ts';
import type { CheckResult } from './check-project.ts';
import { splitOrigin } from './infer/shape.ts';

/** A column of a node, as lineage names it. */
export interface ColumnRef {
  readonly unique_id: string;
  readonly column: string;
}

/** A column reached by following lineage from another, with how far and whether it is the same value all the way. */
export interface LineageStep extends ColumnRef {
  /** 1 for a direct parent or child column. */
  readonly depth: number;
  /** Every step on the way passes the value through unchanged. */
  readonly passthrough: boolean;
}

const k = (id: string, col: string) => `${id}\u0000${col.toLowerCase()}`;

/**
 * The column-level lineage graph of a checked project: for any column, the columns it is
 * computed from (upstream, transitively to sources and seeds) and the columns computed from it
 * (downstream). Built from each node's direct lineage; breadth-first, never recursive.
 */
export class ColumnLineageGraph {
  readonly #up = new Map<string, { to: string; pass: boolean }[]>();
  readonly #down = new Map<string, { to: string; pass: boolean }[]>();
  readonly #names = new Map<string, ColumnRef>();

  constructor(result: CheckResult) {
    for (const [id, r] of result.nodes) {
      for (const c of r.shape.cols) {
        const me = k(id, c.name);
        this.#names.set(me, { unique_id: id, column: c.name });
        for (const [origin, pass] of c.lineage) {
          const o = splitOrigin(origin);
          const from = k(o.node, o.column);
          if (!this.#names.has(from)) this.#names.set(from, { unique_id: o.node, column: o.column });
          push(this.#up, me, { to: from, pass });
          push(this.#down, from, { to: me, pass });
        }
      }
    }
  }

  /** Whether the graph knows this column (as an output or as someone's upstream). */
  has(ref: ColumnRef): boolean {
    return this.#names.has(k(ref.unique_id, ref.column));
  }

  /** Every column of a node the graph knows. */
  columnsOf(id: string): ColumnRef[] {
    return [...this.#names.values()].filter((c) => c.unique_id === id);
  }

  upstream(ref: ColumnRef, maxDepth = Infinity): LineageStep[] {
    return this.#walk(this.#up, ref, maxDepth);
  }

  downstream(ref: ColumnRef, maxDepth = Infinity): LineageStep[] {
    return this.#walk(this.#down, ref, maxDepth);
  }

  #walk(edges: Map<string, { to: string; pass: boolean }[]>, ref: ColumnRef, maxDepth: number): LineageStep[] {
    const start = k(ref.unique_id, ref.column);
    const best = new Map<string, { depth: number; pass: boolean }>([[start, { depth: 0, pass: true }]]);
    let frontier = [start];
    for (let depth = 1; frontier.length && depth <= maxDepth; depth++) {
      const next: string[] = [];
      for (const at of frontier) {
        const here = best.get(at)!;
        for (const e of edges.get(at) ?? []) {
          const pass = here.pass && e.pass;
          const seen = best.get(e.to);
          if (!seen) {
            best.set(e.to, { depth, pass });
            next.push(e.to);
          } else if (seen.depth === depth && pass && !seen.pass) best.set(e.to, { depth, pass });
        }
      }
      frontier = next;
    }
    best.delete(start);
    return [...best].map(([key, v]) => ({ ...this.#names.get(key)!, depth: v.depth, passthrough: v.pass })).sort((a, b) => a.depth - b.depth || a.unique_id.localeCompare(b.unique_id) || a.column.localeCompare(b.column));
  }
}

function push<T>(m: Map<string, T[]>, key: string, v: T): void {
  const l = m.get(key);
  if (l) l.push(v);
  else m.set(key, [v]);
}

/**
 * Read a column reference as users write it: `source.<source>.<table>.<column>` (dbt's source
 * selector form), `<model, seed or snapshot>.<column>`, or `<unique id>.<column>`.
 */
export function resolveColumnRef(text: string, nodes: ReadonlyMap<string, GraphNode>): ColumnRef | string {
  const dot = text.lastIndexOf('.');
  if (dot <= 0) return `"${text}" names no column: write <model>.<column> or source.<source>.<table>.<column>`;
  const node = text.slice(0, dot);
  const column = text.slice(dot + 1);
  if (nodes.has(node)) return { unique_id: node, column };
  const all = [...nodes.values()];
  if (node.startsWith('source.')) {
    const [src, table] = node.slice('source.'.length).split('.');
    const s = all.find((n) => n.resourceType === 'source' && n.sourceName === src && n.name === table);
    if (s) return { unique_id: s.uniqueId, column };
    return `No source ${src}.${table} in the project`;
  }
  const byName = all.filter((n) => n.name === node && (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot'));
  if (byName.length === 1) return { unique_id: byName[0]!.uniqueId, column };
  if (byName.length > 1) return `"${node}" is ambiguous: ${byName.map((n) => n.uniqueId).join(', ')}`;
  return `No model, seed, snapshot or source named "${node}"`;
}
