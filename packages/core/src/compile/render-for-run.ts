import type { LoadedProject } from '../project/load-project.ts';
import type { ProjectRenderer } from '../render/render-project.ts';
import type { GraphNode, ModelNode, UnitTestNode } from '../types.ts';
import { resolveInput } from '../unit/unit-inputs.ts';
import { isMicrobatch } from '../plan/microbatch.ts';

/**
 * What a run needs beyond each node's compiled SQL, rendered now so that execution renders only
 * what asks the warehouse: an incremental model's SQL with `is_incremental()` true (also a partitioned external
 * model's with insert_overwrite), and a unit test's model rendered with the test's overrides.
 */
export function renderForRun(renderer: ProjectRenderer, project: LoadedProject, nodes: Map<string, GraphNode>, selected: readonly string[]): void {
  const loaded = new Map<string, ModelNode>(project.models.map((m) => [m.uniqueId, m]));
  for (const id of selected) {
    const n = nodes.get(id)!;
    // A microbatch model renders once per batch when it runs (run/execute-microbatch.ts).
    if (n.resourceType === 'model' && runsIncrementally(n) && !isMicrobatch(n)) {
      // As an override of is_incremental, the render neither reads nor writes the render cache and leaves the model's normal render in place.
      const r = renderer.renderModelWithOverrides(loaded.get(id) ?? n, { macros: { is_incremental: true } });
      // A template that asks the warehouse only when incremental (`{% if is_incremental() %}{% set x = run_query(...) %}`,
      // dbt's usual high-water mark) rendered here as dbt's parse phase does: it runs rendered live, as compile marks
      // a node whose every render asks.
      nodes.set(id, { ...n, incrementalCode: r.sql, ...(r.askedWarehouse ? { needsWarehouse: true as const } : {}) });
    } else if (n.resourceType === 'unit_test') {
      // dbt renders a given input's `format: sql` rows as the template of the input's node.
      const givenSql = n.given.map((g) => (typeof g.rows === 'string' && g.format?.toLowerCase() === 'sql' && /\{[{%]/.test(g.rows) ? givenText(renderer, g.rows, n.packageName) : undefined));
      const withGiven = givenSql.some((x) => x !== undefined) ? { ...n, givenSql } : n;
      nodes.set(id, withGiven);
      const ov = n.overrides as { vars?: Record<string, unknown>; macros?: Record<string, unknown>; env_vars?: Record<string, unknown> } | undefined;
      const model = nodes.get(n.dependsOn.nodes[0] ?? '');
      if (model?.resourceType !== 'model') continue;
      // An ephemeral input's rows (format sql) stand in for its CTE: the model is rendered again with them.
      const ephemerals = new Map<string, string>();
      n.given.forEach((g, i) => {
        const input = ephemeralSqlInput(g, model, nodes);
        if (input) ephemerals.set(input, givenSql[i] ?? String(g.rows));
      });
      if (!ephemerals.size && (!ov || (!ov.vars && !ov.macros && !ov.env_vars))) continue;
      const r = renderer.renderModelWithOverrides(model, { vars: ov?.vars, macros: ov?.macros, envVars: ov?.env_vars, ephemerals });
      // A render that asked the warehouse is dbt's parse-phase text: execution renders the model again, live (execute-unit-test.ts),
      // except with an ephemeral's rows standing in, which only this render applies.
      nodes.set(id, { ...withGiven, modelCode: r.sql, ...(r.askedWarehouse && !ephemerals.size ? { modelLive: true as const } : {}) });
    }
  }
}

/** The ephemeral model a given input with `format: sql` rows stands in for, if it is one. */
export function ephemeralSqlInput(g: UnitTestNode['given'][number], model: ModelNode, nodes: ReadonlyMap<string, GraphNode>): string | undefined {
  if (g.format?.toLowerCase() !== 'sql' || typeof g.rows !== 'string') return undefined;
  try {
    const { node, isThis } = resolveInput(g.input, model, nodes, '');
    return !isThis && node.resourceType === 'model' && node.config.materialized === 'ephemeral' ? node.uniqueId : undefined;
  } catch {
    // Execution says what is wrong with the input.
    return undefined;
  }
}

/** A given input's SQL rendered; a template error is left for execution, where the SQL as written fails and says where. */
function givenText(renderer: ProjectRenderer, text: string, pkg: string): string | undefined {
  try {
    return renderer.renderString(text, undefined, pkg);
  } catch {
    return undefined;
  }
}

/** Models a run may build with `is_incremental()` true. */
function runsIncrementally(m: ModelNode): boolean {
  const mat = m.config.materialized;
  return mat === 'incremental' || (mat === 'external' && m.config.incremental_strategy === 'insert_overwrite');
}
