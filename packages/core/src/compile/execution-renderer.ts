import type { Connection, Dialect } from '../adapter.ts';
import type { LoadedProject, LoadOptions } from '../project/load-project.ts';
import type { ExecutionRender } from '../render/execution.ts';
import type { ProjectRenderer } from '../render/render-project.ts';
import type { GraphStore } from '../render/render-options.ts';

/** Render, with a live connection, what compile could not render without one (render/execution.ts). */
export type RenderLive = (what: ExecutionRender, conn: Connection) => Promise<string>;

export interface ExecutionRendererOptions {
  readonly load: LoadOptions;
  readonly dialect: Dialect;
  readonly invocationId: string;
  readonly runStartedAt: Date;
  readonly flags: Record<string, unknown>;
  /** `<target>/.sm/render-cache.json`, read (never written) so the dependencies of what is rendered come from it. */
  readonly cachePath?: string | undefined;
  /**
   * The compilation's project: as loaded, after a cold compile (which leaves it so: core's
   * compile-keeps-project test), or, after a warm start (`reused`), read from the store without
   * its nodes, which are then loaded (with `load`) only if a render reads them.
   */
  readonly project: LoadedProject;
  readonly reused: boolean;
  /** The invocation's selected nodes, dbt's `selected_resources`. */
  readonly selectedResources: readonly string[];
  /** Where `graph` is kept for the compilation's inputs (stored-graph.ts). */
  readonly graphStore?: GraphStore | undefined;
}

/**
 * The renderer a run uses for templates that ask the warehouse, for hooks and for operations:
 * made on first use (the Jinja engine loaded then), so a run that needs none loads none. Execution asks it for text only; everything else a run needs came from compile.
 */
export function executionRenderer(o: ExecutionRendererOptions): RenderLive {
  let renderer: Promise<ProjectRenderer> | undefined;
  const make = async (): Promise<ProjectRenderer> => {
    const [{ loadProject }, { ProjectRenderer: Renderer }, { RenderCache }, { nodesOnDemand }] = await Promise.all([import('../project/load-project.ts'), import('../render/render-project.ts'), import('../render/render-cache.ts'), import('./warm-start.ts')]);
    const project = o.reused ? nodesOnDemand(o.project, () => loadProject(o.load)) : o.project;
    // Opened when a model's render first reads it (a hook's need not): on 10,000 models it is ~0.1 s of JSON.
    const path = o.load.noCache ? undefined : o.cachePath;
    const cache = path ? () => RenderCache.open(path, project) : undefined;
    return new Renderer(project, { dialect: o.dialect, invocationId: o.invocationId, runStartedAt: o.runStartedAt, env: o.load.env, flags: o.flags, cache, selectedResources: o.selectedResources, graphStore: o.graphStore });
  };
  return async (what, conn) => (await (renderer ??= make())).renderForExecution(what, conn);
}
