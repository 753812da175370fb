import type { LoadedProject } from '../project/load-project.ts';
import type { ProjectRenderer } from '../render/render-project.ts';
import type { GraphNode, ModelNode } from '../types.ts';
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
      const ov = n.overrides as { vars?: Record<string, unknown>; macros?: Record<string, unknown>; env_vars?: Record<string, unknown> } | undefined;
      const model = nodes.get(n.dependsOn.nodes[0] ?? '');
      if (!ov || (!ov.vars && !ov.macros && !ov.env_vars) || model?.resourceType !== 'model') continue;
      nodes.set(id, { ...n, modelCode: renderer.renderModelWithOverrides(model, { vars: ov.vars, macros: ov.macros, envVars: ov.env_vars }).sql });
    }
  }
}

/** Models a run may build with `is_incremental()` true. */
function runsIncrementally(m: ModelNode): boolean {
  const mat = m.config.materialized;
  return mat === 'incremental' || (mat === 'external' && m.config.incremental_strategy === 'insert_overwrite');
}
