import type { Dialect } from '../adapter.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { RenderCache, RenderCacheEntry } from '../render/render-cache.ts';
import { ProjectRenderer, type CompiledProject } from '../render/render-project.ts';
import type { GraphNode } from '../types.ts';
import { ProvisionalCache } from './provisional-cache.ts';

/** Which of `threads` renders each model and test: every `threads`-th, in the project's order, so the halves cost about the same. */
export function shardOf(project: LoadedProject, shard: number, threads: number): Set<string> {
  const out = new Set<string>();
  project.models.forEach((m, i) => i % threads === shard && out.add(m.uniqueId));
  project.tests.forEach((t, i) => i % threads === shard && out.add(t.uniqueId));
  return out;
}

export interface RenderShardOptions {
  readonly dialect: Dialect;
  readonly invocationId: string;
  /** The same instant on every thread: `run_started_at` must read alike everywhere. */
  readonly runStartedAt: Date;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** dbt's `flags` the templates read (WHICH, FULL_REFRESH): the same on every thread. */
  readonly flags?: Record<string, unknown> | undefined;
}

/** What one thread rendered of its shard, as plain data. */
export interface ShardResult {
  /** The project's input digest as this thread loaded it: the threads must have read the same files. */
  readonly digest: string;
  /** The shard's models and tests, rendered. */
  readonly nodes: [string, GraphNode][];
  /** Ephemeral models each of the shard's nodes inlines. */
  readonly ephemerals: [string, string[]][];
  /** This thread's render diagnostics (loading's are the project's). */
  readonly diagnostics: Diagnostic[];
  readonly volatile: boolean;
  /** Render cache entries of the shard's models. */
  readonly entries: [string, RenderCacheEntry][];
  /** The relation name this thread assumed for each model of the other shards it refers to. */
  readonly assumed: [string, string][];
  /** How many nodes rendering disabled (a config() call, a test on what is disabled or missing): the other thread cannot know of them. */
  readonly disabledByRender: number;
}

/**
 * Render one shard of a project: the shard's models and tests, with the others' models stood in
 * for by their relation before rendering (ProvisionalCache). Returns the renderer too: the
 * thread that merges renders what a run needs with it.
 */
export function renderShard(project: LoadedProject, shard: ReadonlySet<string>, o: RenderShardOptions, real?: RenderCache): { result: ShardResult; renderer: ProjectRenderer; compiled: CompiledProject } {
  const cache = new ProvisionalCache(real);
  const renderer = new ProjectRenderer(project, { dialect: o.dialect, invocationId: o.invocationId, runStartedAt: o.runStartedAt, env: o.env, flags: o.flags, cache, only: shard });
  const others = new Set(project.models.map((m) => m.uniqueId).filter((id) => !shard.has(id)));
  const standIns = cache.standIn(renderer, project, others);
  const compiled = renderer.renderAll();
  const nodes: [string, GraphNode][] = [];
  const ephemerals: [string, string[]][] = [];
  const assumed = new Map<string, string>();
  for (const id of shard) {
    const n = compiled.nodes.get(id);
    if (!n) continue;
    nodes.push([id, n]);
    const e = compiled.ephemerals.get(id);
    if (e) ephemerals.push([id, e]);
    for (const d of n.dependsOn.nodes) {
      const name = standIns.get(d);
      if (name !== undefined) assumed.set(d, name);
    }
  }
  const plain = renderer.diagnostics.map(({ cause: _c, ...d }) => d);
  return {
    result: { digest: project.inputDigest, nodes, ephemerals, diagnostics: plain, volatile: renderer.readVolatile, entries: [...cache.own], assumed: [...assumed], disabledByRender: (compiled.disabled?.length ?? 0) - project.disabled.length + (compiled.disabledTests?.length ?? 0) },
    renderer,
    compiled,
  };
}
