import type { GraphNode } from '../types.ts';

/** An ephemeral model: dbt inlines its SQL where it is referenced and never runs it. */
export const isEphemeral = (n: GraphNode | undefined): boolean => n?.resourceType === 'model' && n.config.materialized === 'ephemeral';

/** The ephemeral models a node inlines: its ephemeral parents, and theirs (parents first met first). */
export function inlinedEphemerals(predecessors: (id: string) => readonly string[] | undefined, nodes: ReadonlyMap<string, GraphNode>, id: string): string[] {
  const out: string[] = [];
  const walk = (x: string) => {
    for (const p of predecessors(x) ?? []) {
      if (out.includes(p) || !isEphemeral(nodes.get(p))) continue;
      out.push(p);
      walk(p);
    }
  };
  walk(id);
  return out;
}
