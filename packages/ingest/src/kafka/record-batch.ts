import { TOPICS } from '../raw-schema.ts';
import type { Topic } from '../raw-schema.ts';
import type { ChunkIn, ChunkOut } from './check-chunk.ts';

/** Records per chunk handed to the checker: small enough that the last one is checked quickly at a flush. */
const CHUNK = 2000;
const TABLE_INDEX = new Map<string, number>(TOPICS.map((t, i) => [t, i]));

/** A batch whose records are all checked, in arrival order, chunk after chunk. */
export interface CheckedBatch {
  readonly size: number;
  readonly chunks: readonly ChunkOut[];
}

/**
 * Collects consumed records into chunks in columns (values copied into one buffer per chunk, so
 * the client's fetch buffers are not held) and hands each full chunk to the checker at once, so
 * that checking overlaps fetching. `seal` hands over the last chunk and waits for all of them.
 */
export class RecordBatch {
  readonly #check: (c: ChunkIn) => Promise<ChunkOut>;
  readonly #mode: ChunkIn['mode'];
  readonly #chunks: Promise<ChunkOut>[] = [];
  #size = 0;
  #values: (Buffer | null | undefined)[] = [];
  #tables: number[] = [];
  #topics: string[] = [];
  #partitions: number[] = [];
  #offsets: bigint[] = [];
  #bytes = 0;
  static #ids = 0;

  constructor(check: (c: ChunkIn) => Promise<ChunkOut>, mode: ChunkIn['mode']) {
    this.#check = check;
    this.#mode = mode;
  }

  get size(): number {
    return this.#size;
  }

  add(topic: string, table: Topic, partition: number, offset: bigint, value: Buffer | null | undefined): void {
    this.#values.push(value);
    this.#tables.push(TABLE_INDEX.get(table)!);
    this.#topics.push(topic);
    this.#partitions.push(partition);
    this.#offsets.push(offset);
    this.#bytes += value ? value.length : 0;
    this.#size++;
    if (this.#values.length >= CHUNK) this.#handOver();
  }

  /** All records checked; the batch must not be added to afterwards. */
  async seal(): Promise<CheckedBatch> {
    if (this.#values.length) this.#handOver();
    const chunks = await Promise.all(this.#chunks);
    return { size: this.#size, chunks };
  }

  #handOver(): void {
    const n = this.#values.length;
    const values = new Uint8Array(this.#bytes);
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const v = this.#values[i];
      if (!v) {
        starts[i] = -1;
        ends[i] = -1;
        continue;
      }
      starts[i] = at;
      values.set(v, at);
      at += v.length;
      ends[i] = at;
    }
    const kafkaTopics: string[] = [];
    const topicIdx = new Map<string, number>();
    const topics = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const t = this.#topics[i]!;
      let k = topicIdx.get(t);
      if (k === undefined) topicIdx.set(t, (k = kafkaTopics.push(t) - 1));
      topics[i] = k;
    }
    const chunk: ChunkIn = {
      id: RecordBatch.#ids++,
      mode: this.#mode,
      count: n,
      values,
      starts,
      ends,
      tables: Uint8Array.from(this.#tables),
      topics,
      kafkaTopics,
      partitions: Int32Array.from(this.#partitions),
      offsets: BigInt64Array.from(this.#offsets),
    };
    const checked = this.#check(chunk);
    // Awaited in seal(); a failure must not go unhandled before then.
    checked.catch(() => undefined);
    this.#chunks.push(checked);
    this.#values = [];
    this.#tables = [];
    this.#topics = [];
    this.#partitions = [];
    this.#offsets = [];
    this.#bytes = 0;
  }
}
