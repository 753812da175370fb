import type { Connection, Dialect } from '../adapter.ts';
import type { LoadedProject, LoadOptions } from '../project/load-project.ts';
import type { ExecutionRender } from '../render/execution.ts';
import type { ProjectRenderer } from '../render/render-project.ts';

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
  /** The compilation's project when a warm start read it from the store without its nodes: they are loaded only if a render reads them. */
  readonly warmProject?: LoadedProject | undefined;
  /** The invocation's selected nodes, dbt's `selected_resources`. */
  readonly selectedResources: readonly string[];
}

/**
 * The renderer a run uses for templates that ask the warehouse, for hooks and for operations:
 * made on first use (loading the project and the Jinja engine then), so a run that needs none
 * loads neither. Execution asks it for text only; everything else a run needs came from compile.
 */
export function executionRenderer(o: ExecutionRendererOptions): RenderLive {
  let renderer: Promise<ProjectRenderer> | undefined;
  const make = async (): Promise<ProjectRenderer> => {
    const [{ loadProject }, { ProjectRenderer: Renderer }, { RenderCache }, { nodesOnDemand }] = await Promise.all([import('../project/load-project.ts'), import('../render/render-project.ts'), import('../render/render-cache.ts'), import('./warm-start.ts')]);
    const load = () => loadProject({ ...o.load, noCache: o.load.noCache });
    const project = o.warmProject ? nodesOnDemand(o.warmProject, load) : load();
    // Opened when a model's render first reads it (a hook's need not): on 10,000 models it is ~0.1 s of JSON.
    const path = o.load.noCache ? undefined : o.cachePath;
    const cache = path ? () => RenderCache.open(path, project) : undefined;
    return new Renderer(project, { dialect: o.dialect, invocationId: o.invocationId, runStartedAt: o.runStartedAt, env: o.load.env, flags: o.flags, cache, selectedResources: o.selectedResources });
  };
  return async (what, conn) => (await (renderer ??= make())).renderForExecution(what, conn);
}
