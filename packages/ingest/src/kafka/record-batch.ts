import type { LandingStage } from '@smsql/core';
import { TOPICS } from '../raw-schema.ts';
import type { Topic } from '../raw-schema.ts';
import { STAMP_OFFSET, STAMP_PARTITION, digits, writeDigits } from './check-chunk.ts';
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
 * Buffers for chunks' values, handed back once a chunk is checked (nothing reads its raw values
 * after that: rejected records keep theirs as text, landing reads the staged lines), so that later
 * chunks reuse their memory. A run of 50 MB of records allocated 50 MB afresh, a page fault per
 * 4 KiB and external memory that drives V8's full collections.
 */
export class ChunkBuffers {
  readonly #free: Buffer[] = [];

  /** A buffer of at least `bytes`; its contents are left over (values are copied over every byte used). */
  take(bytes: number): Buffer {
    for (let k = this.#free.length - 1; k >= 0; k--) if (this.#free[k]!.length >= bytes) return this.#free.splice(k, 1)[0]!;
    return Buffer.allocUnsafeSlow(bytes);
  }

  give(b: Buffer): void {
    if (this.#free.length < MAX_FREE) this.#free.push(b);
  }
}

/** Free chunk buffers kept: a fetch round brings ~5 MB (five chunks or so) before the checker catches up. */
const MAX_FREE = 16;
const NO_VALUES = new Uint8Array(0);

/** A new stage on the warehouse's lander, for one raw table's staged lines of one batch. */
export type OpenStage = () => Promise<LandingStage>;

/**
 * Collects consumed records into chunks in columns (values copied into one buffer per chunk, so
 * the client's fetch buffers are not held) and hands each full chunk to the checker at once, so
 * that checking overlaps fetching. `seal` hands over the last chunk and waits for all of them.
 * With `openStage`, each checked chunk's staged lines are appended to the batch's stage of their
 * raw table and their buffer goes back to the pool: the lines wait for the warehouse on its disk,
 * not in fresh memory (50 MB of it for the benchmark's run, whose page faults and external memory
 * drove V8's full collections).
 */
export class RecordBatch {
  readonly #check: (c: ChunkIn) => Promise<ChunkOut>;
  readonly #mode: ChunkIn['mode'];
  readonly #chunks: Promise<ChunkOut>[] = [];
  #size = 0;
  #bytes = 0;
  // The chunk being filled, in columns; values are copied in as records arrive.
  #n = 0;
  readonly #buffers: ChunkBuffers;
  readonly #openStage: OpenStage | undefined;
  /** Per raw table (index in TOPICS), the stage its lines are appended to. */
  readonly #stages: (Promise<LandingStage> | undefined)[] = [];
  // Values are copied over every byte used: no zero-filling.
  #values: Buffer;
  #at = 0;
  #starts = new Int32Array(CHUNK);
  #ends = new Int32Array(CHUNK);
  #lineStarts = new Int32Array(CHUNK);
  #tables = new Uint8Array(CHUNK);
  #topics = new Uint16Array(CHUNK);
  #partitions = new Int32Array(CHUNK);
  #offsets = new Float64Array(CHUNK);
  #kafkaTopics: string[] = [];
  #sealed: Promise<CheckedBatch> | undefined;
  #checked = false;
  #lastTopic = '';
  #lastTopicIndex = -1;
  static #ids = 0;

  /** `buffers`: shared by a run's batches, so that a batch reuses the memory of those before it. */
  constructor(check: (c: ChunkIn) => Promise<ChunkOut>, mode: ChunkIn['mode'], buffers = new ChunkBuffers(), openStage?: OpenStage) {
    this.#check = check;
    this.#mode = mode;
    this.#buffers = buffers;
    this.#openStage = mode === 'stage' ? openStage : undefined;
    this.#values = buffers.take(1 << 20);
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes of record values added so far. */
  get bytes(): number {
    return this.#bytes;
  }

  add(topic: string, table: Topic, partition: number, offset: bigint, value: Buffer | null | undefined): void {
    if (value) this.addBytes(topic, table, partition, Number(offset), value, 0, value.length);
    else this.addBytes(topic, table, partition, Number(offset), undefined, -1, -1);
  }

  /** A record whose value is `bytes[start, end)` (start -1: no value); the bytes are copied. `offset` is exact (below 2^53). */
  addBytes(topic: string, table: Topic, partition: number, offset: number, bytes: Buffer | undefined, start: number, end: number): void {
    const i = this.#n++;
    if (start < 0 || !bytes) {
      this.#starts[i] = -1;
      this.#ends[i] = -1;
      this.#lineStarts[i] = -1;
    } else {
      const len = end - start;
      // To be staged, a value from `{` to `}` is written after its stamp and before a line break, so
      // that its line needs no copy of its own (see ChunkIn.lineStarts); the others as they are.
      const stamp = this.#mode === 'stage' && len >= 2 && bytes[start] === 0x7b && bytes[end - 1] === 0x7d;
      const room = stamp ? STAMP_PARTITION.length + digits(partition) + STAMP_OFFSET.length + digits(offset) + len + 1 : len;
      if (this.#at + room > this.#values.length) {
        const bigger = this.#buffers.take(Math.max(this.#values.length * 2, this.#at + room));
        this.#values.copy(bigger, 0, 0, this.#at);
        this.#buffers.give(this.#values);
        this.#values = bigger;
      }
      const v = this.#values;
      let at = this.#at;
      if (stamp) {
        this.#lineStarts[i] = at;
        v.set(STAMP_PARTITION, at);
        at = writeDigits(v, at + STAMP_PARTITION.length, partition);
        v.set(STAMP_OFFSET, at);
        at = writeDigits(v, at + STAMP_OFFSET.length, offset);
      } else this.#lineStarts[i] = -1;
      bytes.copy(v, at, start, end);
      this.#starts[i] = at;
      at += len;
      this.#ends[i] = at;
      if (stamp) v[at++] = 0x0a;
      this.#at = at;
      this.#bytes += len;
    }
    if (topic !== this.#lastTopic) {
      this.#lastTopic = topic;
      const k = this.#kafkaTopics.indexOf(topic);
      this.#lastTopicIndex = k >= 0 ? k : this.#kafkaTopics.push(topic) - 1;
    }
    this.#topics[i] = this.#lastTopicIndex;
    this.#tables[i] = TABLE_INDEX.get(table)!;
    this.#partitions[i] = partition;
    this.#offsets[i] = offset;
    this.#size++;
    if (this.#n >= CHUNK) this.#handOver();
  }

  /**
   * Hands the last chunk to the checker and resolves when all are checked; the batch must not be
   * added to afterwards. Called again, it answers the same.
   */
  seal(): Promise<CheckedBatch> {
    if (!this.#sealed) {
      if (this.#n) this.#handOver();
      this.#sealed = Promise.all(this.#chunks).then((chunks) => ({ size: this.#size, chunks }));
      const done = () => void (this.#checked = true);
      this.#sealed.then(done, done);
    }
    return this.#sealed;
  }

  /** Whether the batch is sealed and every chunk has its answer (seal() then resolves at once). */
  get checked(): boolean {
    return this.#checked;
  }

  /** Removes the batch's stages (once landed, or when it will not be); never rejects. */
  async discard(): Promise<void> {
    await Promise.all(this.#stages.map((p) => p?.then((s) => s.discard()).catch(() => undefined)));
  }

  /** `out`'s staged lines appended to the stages of their tables (their pieces are views of the chunk's values, or of a buffer of the check's). */
  async #stage(out: ChunkOut): Promise<ChunkOut['staged']> {
    return await Promise.all(
      out.staged.map(async (s) => {
        const stage = await (this.#stages[s.table] ??= this.#openStage!());
        const at = stage.size;
        await Promise.all(s.pieces.map((p) => stage.append(p)));
        return { ...s, pieces: [], stage, at };
      }),
    );
  }

  #handOver(): void {
    const n = this.#n;
    const chunk: ChunkIn = {
      id: RecordBatch.#ids++,
      mode: this.#mode,
      count: n,
      values: this.#values.subarray(0, this.#at),
      starts: this.#starts.subarray(0, n),
      ends: this.#ends.subarray(0, n),
      tables: this.#tables.subarray(0, n),
      topics: this.#topics.subarray(0, n),
      kafkaTopics: this.#kafkaTopics,
      partitions: this.#partitions.subarray(0, n),
      offsets: this.#offsets.subarray(0, n),
      lineStarts: this.#lineStarts.subarray(0, n),
    };
    const values = this.#values;
    // Once checked and its lines staged (or, without a stage, copied out), the chunk's values are read no more: their buffer goes to the next chunks.
    const checked = this.#check(chunk).then(async (out) => {
      const staged = this.#openStage ? await this.#stage(out) : out.staged.map((s) => ({ ...s, pieces: [Buffer.concat(s.pieces)] }));
      this.#buffers.give(values);
      return { ...out, staged, input: { ...out.input, values: NO_VALUES } };
    });
    // Awaited in seal(); a failure must not go unhandled before then.
    checked.catch(() => undefined);
    this.#chunks.push(checked);
    // The arrays went with the chunk (kept until it lands): start new ones.
    this.#n = 0;
    this.#at = 0;
    this.#values = this.#buffers.take(Math.max(1 << 16, this.#values.length));
    this.#starts = new Int32Array(CHUNK);
    this.#ends = new Int32Array(CHUNK);
    this.#lineStarts = new Int32Array(CHUNK);
    this.#tables = new Uint8Array(CHUNK);
    this.#topics = new Uint16Array(CHUNK);
    this.#partitions = new Int32Array(CHUNK);
    this.#offsets = new Float64Array(CHUNK);
    this.#kafkaTopics = [];
    this.#lastTopic = '';
    this.#lastTopicIndex = -1;
  }
}
