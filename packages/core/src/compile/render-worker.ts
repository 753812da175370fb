/**
 * A worker thread of a sharded compile (parallel-render.ts): it loads the project itself (while
 * the main thread loads it too), makes the target's adapter from its module (for the dialect),
 * renders its shard and posts the result back as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Adapter } from '../adapter.ts';
import { loadProjectCollecting, type LoadOptions } from '../project/load-project.ts';
import { renderShard, shardOf } from './render-shard.ts';

interface Job {
  readonly load: LoadOptions;
  readonly adapters: Readonly<Record<string, { readonly url: string; readonly exportName: string }>>;
  readonly invocationId: string;
  readonly runStartedAt: string;
  readonly flags?: Record<string, unknown> | undefined;
}

const job = workerData as Job;
try {
  // The main thread reads and writes the caches; this thread only reads the project's files.
  const project = loadProjectCollecting({ ...job.load, noCache: true });
  const module = job.adapters[project.target.type];
  if (!module) throw new Error(`no worker module for target type ${project.target.type}`);
  const mod = (await import(module.url)) as Record<string, () => Adapter | Promise<Adapter>>;
  const adapter = await mod[module.exportName]!();
  const { result } = renderShard(project, shardOf(project, 1, 2), { dialect: adapter.dialect, invocationId: job.invocationId, runStartedAt: new Date(job.runStartedAt), env: job.load.env, flags: job.flags });
  parentPort!.postMessage({ ok: true, result });
} catch (e) {
  parentPort!.postMessage({ ok: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
