import { checkChunk } from './check-chunk.ts';
import type { ChunkIn, ChunkOut } from './check-chunk.ts';

/**
 * Checks chunks of consumed records on the calling thread, one chunk per turn of the event loop
 * (each from its own `setImmediate`), so that checking fills the time the thread spends waiting
 * for Kafka's fetch answers and the warehouse, and socket reads, timers and the warehouse's
 * callbacks run between two chunks (a chunk of 2,000 records takes a few milliseconds). Chunks
 * are answered in order. A worker thread did this before: its start-up, its own copy of the
 * modules and of V8's compiled code, and every chunk posted to it and its lines back cost more
 * CPU than the checking it took off this thread, which waited for fetches half the run anyway
 * (bench/README.md, issue 15: 0.85x the CPU of a run).
 */
export class RecordChecker {
  readonly #queue: { c: ChunkIn; resolve: (o: ChunkOut) => void; reject: (e: Error) => void }[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  #closed: Error | undefined;

  check(c: ChunkIn): Promise<ChunkOut> {
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      this.#queue.push({ c, resolve, reject });
      this.#scheduled ??= setImmediate(() => this.#next());
    });
  }

  async close(): Promise<void> {
    this.#closed ??= new Error('the record checker is closed');
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    for (const job of this.#queue.splice(0)) job.reject(this.#closed);
  }

  #next(): void {
    this.#scheduled = undefined;
    const job = this.#queue.shift();
    if (!job) return;
    // The next chunk waits for the next turn, after whatever I/O arrived meanwhile.
    if (this.#queue.length) this.#scheduled = setImmediate(() => this.#next());
    let out: ChunkOut;
    try {
      out = checkChunk(job.c);
    } catch (e) {
      job.reject(new Error(`checking Kafka records failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
      return;
    }
    job.resolve(out);
  }
}

/** The same at once, for tests and tiny batches. */
export const checkHere = (c: ChunkIn): Promise<ChunkOut> => Promise.resolve(checkChunk(c));
