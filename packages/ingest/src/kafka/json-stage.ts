import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '@sm/core';
import { lit } from '../landing-sql.ts';
import { TOPIC_FIELDS } from '../raw-schema.ts';
import type { Topic } from '../raw-schema.ts';
import { col } from './kafka-tables.ts';

/**
 * A local directory of newline-delimited JSON files that the warehouse reads itself with
 * `read_json`: what an embedded DuckDB can do and a remote warehouse cannot. Landing a batch
 * through it costs DuckDB's C++ JSON reader, on all its threads, instead of one appender call
 * per cell on the main thread.
 */
export interface JsonStage {
  readonly dir: string;
  close(): Promise<void>;
}

const STAGE_PREFIX = 'sm-kafka-stage-';

/** Stages left by ingest processes that were killed (their pid is in the name and no longer runs). */
async function removeStaleStages(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^sm-kafka-stage-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A stage when the warehouse can read a file written here (tried on a probe file), otherwise undefined. */
export async function openJsonStage(conn: Connection): Promise<JsonStage | undefined> {
  await removeStaleStages();
  const dir = await mkdtemp(join(tmpdir(), `${STAGE_PREFIX}${process.pid}-`));
  const close = () => rm(dir, { recursive: true, force: true });
  try {
    const probe = join(dir, 'probe.json');
    await writeFile(probe, '{"x": 1}\n');
    const res = await conn.execute(`select count(*) as n from read_json(${lit(probe)}, format = 'newline_delimited', columns = {'x': 'INTEGER'})`);
    await unlink(probe);
    if (Number(col(res.rows[0] ?? {}, 'n')) === 1) return { dir, close };
  } catch {
    // Not DuckDB, or DuckDB on another machine: the caller lands through binds or the appender.
  }
  await close();
  return undefined;
}

/**
 * The stage's records of one raw table: each line `{"t":topic,"p":partition,"o":offset,"v":value}`
 * with the record's value as it came (already parsed and checked by `mapRecord`), written into
 * one buffer sized up front.
 */
export class StagedLines {
  #parts: (Buffer | string)[] = [];
  #bytes = 0;
  readonly #topicJson = new Map<string, string>();

  add(topic: string, partition: number, offset: bigint, value: Buffer): void {
    let t = this.#topicJson.get(topic);
    if (t === undefined) this.#topicJson.set(topic, (t = JSON.stringify(topic)));
    const head = `{"t":${t},"p":${partition},"o":${offset},"v":`;
    this.#parts.push(head, value);
    this.#bytes += Buffer.byteLength(head) + value.length + 2;
  }

  get size(): number {
    return this.#parts.length / 2;
  }

  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.#bytes);
    let at = 0;
    for (let i = 0; i < this.#parts.length; i += 2) {
      at += out.write(this.#parts[i] as string, at, 'utf8');
      at += (this.#parts[i + 1] as Buffer).copy(out, at);
      out[at++] = 0x7d; // }
      out[at++] = 0x0a; // \n
    }
    return out;
  }
}

/**
 * The value bytes a staged line can carry verbatim: without the whitespace a producer may end
 * it with, and only when no line break is left inside (JSON allows one between tokens, and it
 * would split the line). Otherwise undefined, and the caller writes the checked values instead.
 */
export function stageableValue(value: Buffer): Buffer | undefined {
  let end = value.length;
  while (end > 0 && (value[end - 1] === 0x0a || value[end - 1] === 0x0d || value[end - 1] === 0x20 || value[end - 1] === 0x09)) end--;
  const v = end === value.length ? value : value.subarray(0, end);
  return v.indexOf(0x0a) < 0 && v.indexOf(0x0d) < 0 ? v : undefined;
}

/** The checked values of one record as a JSON object on one line, for a value `stageableValue` refused. */
export function valuesAsJson(topic: Topic, values: readonly unknown[]): Buffer {
  const fields = TOPIC_FIELDS[topic];
  const o: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) o[fields[i]!.field] = values[i];
  return Buffer.from(JSON.stringify(o));
}

/** Inserts a staged file into the raw table: each field read as its column type, lineage from the line. */
export function stagedInsertSql(schema: string, table: Topic, file: string, ingestedAtMs: number): string {
  const fields = TOPIC_FIELDS[table];
  const struct = `STRUCT(${fields.map((f) => `"${f.field}" ${f.type.toUpperCase()}`).join(', ')})`;
  const columns = `{'t': 'VARCHAR', 'p': 'INTEGER', 'o': 'BIGINT', 'v': ${lit(struct)}}`;
  return `insert into ${schema}.${table} (${[...fields.map((f) => f.column), '_topic', '_partition', '_offset', '_file', '_ingested_at'].join(', ')})
    select ${[...fields.map((f) => `v."${f.field}"`), 't', 'p', 'o', 'null', `make_timestamp(${ingestedAtMs * 1000})`].join(', ')}
    from read_json(${lit(file)}, format = 'newline_delimited', records = true, hive_partitioning = false, columns = ${columns})`;
}

/** Writes one table's staged lines, inserts them and removes the file; the number of rows inserted. */
export async function insertStaged(conn: Connection, stage: JsonStage, schema: string, table: Topic, lines: StagedLines, ingestedAt: Date): Promise<number> {
  const file = join(stage.dir, `${table}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, lines.toBuffer());
  try {
    const res = await conn.execute(stagedInsertSql(schema, table, file, ingestedAt.getTime()));
    return res.rowsAffected ?? lines.size;
  } finally {
    await unlink(file).catch(() => undefined);
  }
}
