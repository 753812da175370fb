import type { ExtraCte } from '../types.ts';
import { CTE_PREFIX, cteDefinition, injectCtes } from './inject-ctes.ts';

/**
 * Ephemeral models as CTEs: each model's own SQL (before CTEs were put in front), and the
 * ephemerals each node inlines, dependencies first, found with a stack (no recursion).
 */
export class Ephemerals {
  /** Node id -> the ephemerals it inlines, in dependency order. */
  readonly byNode = new Map<string, string[]>();
  readonly #bare = new Map<string, { name: string; sql: string }>();

  /** Record a model's SQL without CTEs, for models that inline it; `name` is its identifier (alias), which names its CTE as in dbt. */
  setBare(id: string, name: string, sql: string): void {
    this.#bare.set(id, { name, sql });
  }

  /** The CTEs node `id` inlines, as dbt's manifest lists them (`extra_ctes`); undefined when none. */
  extraCtes(id: string): ExtraCte[] | undefined {
    const all = this.byNode.get(id);
    return all?.length ? all.map((e) => ({ id: e, sql: cteDefinition(...this.#cte(e)) })) : undefined;
  }

  /** The CTE of ephemeral `id`: its name and SQL (as compiled, unless `sql` gives another). */
  #cte(id: string, sql?: string): [string, string] {
    const b = this.#bare.get(id);
    return [`${CTE_PREFIX}${b?.name ?? id.split('.').pop()}`, sql ?? b?.sql ?? ''];
  }

  /** Every ephemeral behind the direct ones, each after the ephemerals it inlines itself (none behind one `replaced`). */
  closure(direct: Iterable<string>, replaced?: ReadonlyMap<string, string>): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const root of direct) {
      const stack: [string, boolean][] = [[root, false]];
      while (stack.length) {
        const [id, done] = stack.pop()!;
        if (done) {
          if (!seen.has(id)) {
            seen.add(id);
            out.push(id);
          }
          continue;
        }
        if (seen.has(id)) continue;
        stack.push([id, true]);
        if (replaced?.has(id)) continue;
        for (const d of [...(this.byNode.get(id) ?? [])].reverse()) if (!seen.has(d)) stack.push([d, false]);
      }
    }
    return out;
  }

  /**
   * `sql` of node `id` with the ephemerals it refs (directly) in front as CTEs; records its
   * closure unless `id` is undefined. `live` gives an ephemeral's SQL rendered again at execution
   * (undefined: its SQL as compiled); `replaced`, the SQL that stands in for an ephemeral (a unit
   * test's rows), without the ephemerals behind it.
   */
  inline(id: string | undefined, sql: string, direct: Iterable<string>, live?: (id: string) => string | undefined, replaced?: ReadonlyMap<string, string>): string {
    const all = this.closure(direct, replaced);
    if (!all.length) return sql;
    if (id !== undefined) this.byNode.set(id, all);
    return injectCtes(sql, all.map((e) => this.#cte(e, replaced?.get(e) ?? live?.(e))));
  }
}
