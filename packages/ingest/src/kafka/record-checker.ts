import { Worker } from 'node:worker_threads';
import { checkChunk } from './check-chunk.ts';
import type { ChunkIn, ChunkOut } from './check-chunk.ts';

/**
 * Checks chunks of consumed records on a worker thread, so that parsing JSON never holds up the
 * main thread that fetches from Kafka and drives the warehouse. Chunks are answered in order.
 */
export class RecordChecker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (o: ChunkOut) => void; reject: (e: Error) => void }>();
  #failed: Error | undefined;

  constructor() {
    // Built packages ship .js beside .js; sources run as .ts.
    const file = new URL(import.meta.url.endsWith('.ts') ? './check-worker.ts' : './check-worker.js', import.meta.url);
    this.#worker = new Worker(file);
    this.#worker.on('message', (m: ChunkOut | { id: number; error: string }) => {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (!this.#pending.size) this.#worker.unref();
      if ('error' in m) p?.reject(new Error(`checking Kafka records failed: ${m.error}`));
      else p?.resolve(m);
    });
    this.#worker.on('error', (e) => this.#fail(e));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the record-checking worker exited (${code})`)));
    // An idle worker must not keep the process alive on its own.
    this.#worker.unref();
  }

  check(c: ChunkIn): Promise<ChunkOut> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      // Referenced while it holds work, so the process waits for the answer.
      if (!this.#pending.size) this.#worker.ref();
      this.#pending.set(c.id, { resolve, reject });
      const transfer = [c.values, c.starts, c.ends, c.tables, c.topics, c.partitions, c.offsets].filter((a) => a.byteLength).map((a) => a.buffer as ArrayBuffer);
      this.#worker.postMessage(c, transfer);
    });
  }

  async close(): Promise<void> {
    this.#failed ??= new Error('the record checker is closed');
    await this.#worker.terminate();
  }

  #fail(e: Error): void {
    this.#failed ??= e;
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }
}

/** The same on the calling thread, for tests and tiny batches. */
export const checkHere = (c: ChunkIn): Promise<ChunkOut> => Promise.resolve(checkChunk(c));
