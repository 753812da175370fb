import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { generateEvents } from './generate-events.ts';
import type { GenerateOptions } from './generate-events.ts';
import { TOPICS } from './raw-schema.ts';
import type { Topic } from './raw-schema.ts';
import { serializeEvent } from './serialize-event.ts';
import { makeDirs } from '@smsql/core';

export interface WriteLakeOptions extends GenerateOptions {
  /** Lake root; created if missing. Files of the same hours are replaced (each once written whole), others are left alone. */
  readonly outDir: string;
}

export interface WriteLakeResult {
  /** Every file written, as `outDir` joined with its lake path, in the order they were finished. */
  readonly files: string[];
  readonly counts: Record<Topic, number>;
}

/** Lake path of the hourly file holding an event at `ts` (UTC), relative to the lake root. */
export function lakePath(topic: Topic, ts: number): string {
  const d = new Date(ts);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${topic}/year=${d.getUTCFullYear()}/month=${p(d.getUTCMonth() + 1)}/day=${p(d.getUTCDate())}/hour=${p(d.getUTCHours())}/part-00000.json`;
}

const FLUSH_BYTES = 1 << 20;

/** An open hourly file of one topic, written in large chunks. */
interface OpenFile {
  readonly path: string;
  /** Where it is written until finished: a hidden name in its folder, which loads skip. */
  readonly temp: string;
  readonly fd: number;
  buf: string[];
  bytes: number;
}

/**
 * Generates events (see {@link generateEvents}) into newline-delimited JSON files laid out as
 * `<outDir>/<topic>/year=YYYY/month=MM/day=DD/hour=HH/part-00000.json`. Events come in time
 * order, so each topic has one open file at a time and memory stays bounded. Same seed and
 * arguments give byte-identical files.
 */
export async function writeLake(opts: WriteLakeOptions): Promise<WriteLakeResult> {
  const counts = Object.fromEntries(TOPICS.map((t) => [t, 0])) as Record<Topic, number>;
  const open = new Map<Topic, OpenFile>();
  const files: string[] = [];
  const flush = (f: OpenFile) => {
    if (f.buf.length) writeSync(f.fd, f.buf.join(''));
    f.buf = [];
    f.bytes = 0;
  };
  // A file appears under its lake name only once whole: a generator stopped half-way (killed,
  // out of disk) leaves no half hour that a load would land as if complete.
  const finish = (f: OpenFile) => {
    flush(f);
    closeSync(f.fd);
    renameSync(f.temp, f.path);
    files.push(f.path);
  };
  try {
    for (const { topic, event } of generateEvents(opts)) {
      const path = join(opts.outDir, lakePath(topic, event.ts as number));
      let f = open.get(topic);
      if (f?.path !== path) {
        if (f) finish(f);
        makeDirs(dirname(path));
        const temp = join(dirname(path), `.${basename(path)}.tmp`);
        f = { path, temp, fd: openSync(temp, 'w'), buf: [], bytes: 0 };
        open.set(topic, f);
      }
      const line = serializeEvent(event) + '\n';
      f.buf.push(line);
      f.bytes += line.length;
      if (f.bytes >= FLUSH_BYTES) flush(f);
      counts[topic]++;
    }
    for (const f of open.values()) finish(f);
    open.clear();
  } finally {
    for (const f of open.values()) {
      closeSync(f.fd);
      rmSync(f.temp, { force: true });
    }
  }
  return { files, counts };
}
