import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AdapterFactory, Dialect } from '../adapter.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { LoadedProject, LoadOptions } from '../project/load-project.ts';
import { findProjectFile } from '../project/project-file.ts';
import type { RenderCache } from '../render/render-cache.ts';
import type { CompiledProject, ProjectRenderer } from '../render/render-project.ts';
import type { GraphNode } from '../types.ts';
import { renderShard, shardOf, type RenderShardOptions, type ShardResult } from './render-shard.ts';

/** Below this many models and tests a second thread costs more than it saves (its start, sending the project). */
export const PARALLEL_FROM = 2000;

const WORKER = new URL(import.meta.url.endsWith('.ts') ? './render-worker.ts' : './render-worker.js', import.meta.url);

export interface ParallelRender {
  readonly compiled: CompiledProject;
  /** This thread's renderer: what a run needs beyond compiled SQL is rendered with it. */
  readonly renderer: ProjectRenderer;
  /** Whether any render, on any thread, read the environment or the clock. */
  readonly volatile: boolean;
}

/** A worker rendering the second shard of a project, started before the main thread loads it. */
export interface RenderWorker {
  readonly answer: Promise<ShardResult | undefined>;
  /** Hand the worker the project as this thread loaded it (plain data, copied). */
  send(project: LoadedProject): void;
  stop(): Promise<void>;
}

/**
 * Whether a cold compile renders on two threads: only when asked (`SM_RENDER_THREADS=2`). Since
 * model files are walked rather than compiled (jinja/straight-line.ts) and schema YAML is read by
 * sm's own reader, one thread renders the 10,000-model project in a fraction of what handing the
 * loaded project to a worker costs (copying it there ~0.6 s, the worker's start and adapter):
 * alternating cold compiles at load 2.5-3.5 took 4.4-5.1 s CPU on one thread against 6.0-7.1 s on
 * two, and no more wall time (bench/README.md, "one thread again"). Kept for projects whose
 * templates are heavier than model files are.
 */
export function renderThreadsAsked(env: NodeJS.ProcessEnv | undefined): boolean {
  return (env ?? process.env).SM_RENDER_THREADS === '2';
}

/**
 * Start the second thread of a sharded render when asked and it may pay: more than one core, an adapter a
 * worker can make (AdapterFactory.module), and a project whose model files look numerous enough
 * (counted before loading). The worker starts (loads its modules) while this thread loads the
 * project, then gets the loaded project from {@link RenderWorker.send}: it loaded the project
 * itself once, which cost as much CPU as this thread's load (a second of YAML, files and test
 * nodes at 10,000 models) where copying the loaded data costs a fifth of that.
 */
export function startRenderWorker(load: LoadOptions, adapters: Readonly<Record<string, AdapterFactory>>, invocationId: string, runStartedAt: Date, flags?: Record<string, unknown>): RenderWorker | undefined {
  const modules = Object.fromEntries(Object.entries(adapters).flatMap(([k, f]) => (f.module ? [[k, f.module]] : [])));
  if (!renderThreadsAsked(load.env) || !Object.keys(modules).length || availableParallelism() < 2 || modelFiles(load.projectDir, PARALLEL_FROM / 2) < PARALLEL_FROM / 2) return undefined;
  const worker = new Worker(WORKER, { workerData: { env: load.env, adapters: modules, invocationId, runStartedAt: runStartedAt.toISOString(), flags } });
  const answer = new Promise<ShardResult | undefined>((resolve) => {
    worker.once('message', (m: { ok: boolean; result?: ShardResult }) => resolve(m.ok ? m.result : undefined));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  // Until it has work, the waiting worker must not keep the process alive (a compile that fails before sending it the project exits as usual).
  worker.unref();
  const send = (project: LoadedProject) => {
    worker.ref();
    worker.postMessage({ project });
  };
  return { answer, send, stop: async () => void (await worker.terminate()) };
}

/**
 * Render a large project on two threads: this one and the worker each render every other model
 * and test, standing in for the other's models by the relation their config names before
 * rendering (render-shard.ts). The result is used only when it is what one thread would have
 * rendered: both threads rendered the same loaded project (input digests), neither found an error (a project
 * with errors is rendered again on one thread, so its diagnostics come in their usual order) nor disabled a node,
 * and every relation a thread assumed is the one the other thread's render gave. Otherwise
 * undefined, and the caller renders on one thread (the render cache keeps what this thread
 * rendered: its entries are checked against their dependencies when used).
 */
export async function finishParallel(worker: RenderWorker, project: LoadedProject, dialect: Dialect, o: RenderShardOptions, real: RenderCache | undefined): Promise<ParallelRender | undefined> {
  if (project.models.length + project.tests.length < PARALLEL_FROM) {
    await worker.stop();
    return undefined;
  }
  worker.send(project);
  let mine: ReturnType<typeof renderShard>;
  try {
    mine = renderShard(project, shardOf(project, 0, 2), o, real);
  } catch (e) {
    await worker.stop();
    throw e;
  }
  const other = await worker.answer;
  await worker.stop();
  if (!other || other.digest !== project.inputDigest) return undefined;
  const own = mine.result;
  if ([...own.diagnostics, ...other.diagnostics].some((d) => d.severity === 'error')) return undefined;
  // What rendering disables takes tests on it along, which the other thread rendered as enabled.
  if (own.disabledByRender || other.disabledByRender) return undefined;
  const ownNodes = new Map(own.nodes);
  const otherNodes = new Map(other.nodes);
  const agrees = (assumed: [string, string][], rendered: Map<string, GraphNode>) =>
    assumed.every(([id, name]) => {
      const n = rendered.get(id);
      return !!n && 'relation' in n && !!n.relation && n.config.materialized !== 'ephemeral' && dialect.relationName(n.relation) === name;
    });
  if (!agrees(own.assumed, otherNodes) || !agrees(other.assumed, ownNodes)) return undefined;
  const { compiled } = mine;
  // What one renderAll gives, in its order: every node from the thread that rendered it.
  const nodes = new Map<string, GraphNode>();
  for (const [id, n] of compiled.nodes) nodes.set(id, otherNodes.get(id) ?? ownNodes.get(id) ?? n);
  const ephemerals = new Map<string, string[]>();
  for (const [id, list] of [...own.ephemerals, ...other.ephemerals]) ephemerals.set(id, list);
  for (const [id, e] of other.entries) real?.set(id, e);
  return {
    compiled: { ...compiled, nodes, ephemerals, diagnostics: dedupe([...compiled.diagnostics, ...other.diagnostics]) },
    renderer: mine.renderer,
    volatile: own.volatile || other.volatile,
  };
}

/** How many `.sql` files the project's model folders hold, counting up to `enough` (the project file's `model-paths`, read plainly; default `models`). */
function modelFiles(projectDir: string, enough: number): number {
  try {
    const file = findProjectFile(projectDir);
    const text = file ? readFileSync(join(projectDir, file), 'utf8') : '';
    const m = /^(?:model|source)-paths:\s*\[([^\]]*)\]/m.exec(text);
    const folders = m ? m[1]!.split(',').map((s) => s.trim().replace(/^["']|["']$/g, '')).filter(Boolean) : ['models'];
    let n = 0;
    for (const f of folders) {
      const dir = join(projectDir, f);
      if (!existsSync(dir)) continue;
      // Walked as discover() walks (links to folders are not followed): readdirSync's `recursive`
      // follows them, and a link back up the tree made it list forever, growing to gigabytes.
      const stack = [dir];
      while (stack.length) {
        const d = stack.pop()!;
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) stack.push(join(d, e.name));
          else if (e.name.endsWith('.sql') && ++n >= enough) return n;
        }
      }
    }
    return n;
  } catch {
    return 0;
  }
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.code}|${d.message}|${d.location?.file}|${d.location?.line}|${d.location?.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
