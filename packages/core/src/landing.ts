/**
 * The optional landing capability of an adapter ({@link Adapter.landing}): newline-delimited JSON
 * landed by the warehouse's own reader from files on this machine, which an embedded database can
 * do and a remote one cannot. `@smsql/ingest` drives it: it walks and scans the files, batches them,
 * holds the transaction and writes dead letters, bookkeeping and offsets with the dialect; the
 * adapter only turns these plain descriptions into statements on the connection it is given.
 *
 * Every path is taken literally: an implementation must never let the warehouse read a path as a
 * glob pattern (`a[1].json`, `x*.json`), whatever characters the file name holds.
 */

/** Where rows land, shaped as the adapter contract's `Relation` (kept apart so this file imports nothing). */
export interface LandingRelation {
  readonly database?: string | undefined;
  readonly schema: string;
  readonly identifier: string;
}

/** A JSON field of each line and the column it lands in. */
export interface LandingField {
  readonly field: string;
  readonly column: string;
  /** Column type: `varchar`, `bigint`, `integer`, `double` or `boolean`. */
  readonly type: string;
  /** Present and not null on every line; a line without it is rejected. */
  readonly required: boolean;
}

/** Where lines land: the fields of each line, then five lineage columns named here. */
export interface LandingTable {
  readonly relation: LandingRelation;
  readonly fields: readonly LandingField[];
  /** Lineage column names: source topic, Kafka partition, offset (Kafka offset or 0-based line number), file, load time. */
  readonly lineage: { readonly topic: string; readonly partition: string; readonly offset: string; readonly file: string; readonly loadedAt: string };
  /** Load time written on every row. */
  readonly loadedAt: Date;
}

/** A local file to land whole. */
export interface LandingFile {
  /** Absolute path, read literally. */
  readonly path: string;
  /** The file column of its rows (e.g. the path relative to the lake). */
  readonly name: string;
  /** Lines the caller counted: pieces between `\n`, the empty piece after a final `\n` not counted. */
  readonly lines: number;
}

/** Lines to check one by one. */
export interface LandingLines {
  readonly topic: string;
  readonly lines: readonly {
    /** The file column of its row. */
    readonly file: string;
    /** 0-based line number. */
    readonly offset: number;
    /** The line without its line break (and without a trailing `\r`). */
    readonly text: string;
  }[];
}

/** Consecutive records that share their topic, partition and file, with offsets `offset`, `offset + 1`, ... */
export interface LineageRun {
  readonly topic: string;
  /** Kafka partition; null for lines of a file. */
  readonly partition: number | null;
  /** The file column; null for Kafka records. */
  readonly file: string | null;
  /** Kafka offset, or 0-based line number, of the first record. */
  readonly offset: bigint;
  readonly count: number;
}

/** Lineage that staged lines carry themselves (see {@link Lander.insertStaged}). */
export interface LineStamp {
  /** The topic column of every row. */
  readonly topic: string;
  /** The key of each line's partition (an integer), and of its offset (an integer). */
  readonly partitionKey: string;
  readonly offsetKey: string;
}

/** Stamped lines on the lander's disk (see {@link Lander.createStage}); gone when discarded or the lander closes. */
export interface LandingStage {
  /** Appends whole lines, each ending with a line break. `bytes` may be reused once the promise resolves; appends may overlap and keep their call order. */
  append(bytes: Uint8Array): Promise<void>;
  /** Bytes appended so far, pending ones included. */
  readonly size: number;
  /** Everything appended, in order, after the pending appends. */
  read(): Promise<Buffer>;
  /** Removes what the stage holds on disk; called again, does nothing. */
  discard(): Promise<void>;
}

/** Landing statements on one connection; they run in the caller's transaction. */
export interface Lander {
  /**
   * Whether {@link Lander.insertFiles} can run here at all. DuckDB numbers lines by position,
   * which holds only while it preserves insertion order (its default).
   */
  readonly wholeFiles: boolean;
  /**
   * Inserts every line of `files` (0-based line numbers, `topic` on every row) when each line
   * reads whole, and rejects, having inserted nothing, when one does not: blank, not a JSON
   * object, a field that cannot be read as its type, or a required field missing or null.
   * Resolves to the rows inserted.
   */
  insertFiles(table: LandingTable, topic: string, files: readonly LandingFile[]): Promise<number>;
  /** Of `files`, the indexes of those {@link Lander.insertFiles} would probably refuse: a cheap guess that narrows line-by-line checking. */
  suspectFiles(table: LandingTable, files: readonly LandingFile[]): Promise<ReadonlySet<number>>;
  /**
   * Checks lines one by one with the rules of {@link Lander.insertFiles}, inserts those that
   * read and returns the reason for each other one, by index in `lines.lines`.
   */
  insertLines(table: LandingTable, lines: LandingLines): Promise<{ rows: number; rejected: ReadonlyMap<number, string> }>;
  /**
   * Inserts records already checked by the caller: `values` are their JSON objects, one per
   * line (chunks are concatenated), and `lineage` says where consecutive lines came from, in the
   * same order. Resolves to the rows inserted; rejects, inserting nothing, when a line does not
   * read or the lines and the lineage do not line up (the caller then writes the rows another way).
   */
  insertRecords(table: LandingTable, values: readonly Uint8Array[], lineage: readonly LineageRun[]): Promise<number>;
  /**
   * An empty stage: a place on the lander's disk for records already checked by the caller, one
   * JSON object per line, written while the rest of a batch is still arriving (so the caller can
   * reuse its buffers rather than hold every line until the insert). Each line has, besides its
   * fields, the keys `partitionKey` and `offsetKey` of the {@link LineStamp} it is inserted with
   * (neither a field's name, never twice in a line).
   */
  createStage(): LandingStage;
  /**
   * Inserts the lines of `stages`, after their pending appends; every row gets `stamp.topic`, and
   * its partition and offset from its own line, in whatever order the lines come. With `from`, a
   * line whose partition is a key of it and whose offset is below that key's value is skipped
   * (records the warehouse already has). Resolves to the rows inserted; rejects, inserting
   * nothing, when a line does not read or lacks a stamp.
   */
  insertStaged(table: LandingTable, stages: readonly LandingStage[], stamp: LineStamp, from?: ReadonlyMap<number, bigint>): Promise<number>;
  /** Removes what the lander keeps on disk. */
  close(): Promise<void>;
}

/** The landing capability of an adapter; `C` is its connection type (the contract's `Connection`). */
export interface Landing<C = unknown> {
  /**
   * Checks the target's `landing:` options (from profiles.yml; undefined when absent) and
   * returns them resolved. Throws an Error whose `code` is `SM_<TYPE>_LANDING_CONFIG`, naming the
   * bad key and what it takes, so the CLI reports it as a usage error.
   */
  options(raw: unknown): Readonly<Record<string, unknown>>;
  /** A lander on `conn` with options from {@link Landing.options}; close it when done. */
  open(conn: C, options: Readonly<Record<string, unknown>>): Promise<Lander>;
}
