/**
 * A worker thread of a sharded compile (parallel-render.ts): it makes the target's adapter from
 * its module (for the dialect), waits for the project the main thread loaded, renders its shard
 * and posts the result back as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Adapter } from '../adapter.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { renderShard, shardOf } from './render-shard.ts';

interface Job {
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly adapters: Readonly<Record<string, { readonly url: string; readonly exportName: string }>>;
  readonly invocationId: string;
  readonly runStartedAt: string;
  readonly flags?: Record<string, unknown> | undefined;
}

const job = workerData as Job;
parentPort!.once('message', (m: { project: LoadedProject }) => {
  render(m.project).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (e: unknown) => parentPort!.postMessage({ ok: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});

async function render(project: LoadedProject) {
  const module = job.adapters[project.target.type];
  if (!module) throw new Error(`no worker module for target type ${project.target.type}`);
  const mod = (await import(module.url)) as Record<string, () => Adapter | Promise<Adapter>>;
  const adapter = await mod[module.exportName]!();
  return renderShard(project, shardOf(project, 1, 2), { dialect: adapter.dialect, invocationId: job.invocationId, runStartedAt: new Date(job.runStartedAt), env: job.env, flags: job.flags }).result;
}
