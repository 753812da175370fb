/**
 * `sm ingest kafka` against a broker that goes away, driven through the CLI as a scheduler runs
 * it: the real test broker is stopped and started again on the same port and data. Within the
 * retry window the consumer waits and lands everything once; past it, it exits 1 with a one-line
 * cause. No other exit code, no stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { produceEvents } from '../../src/kafka/produce-events.ts';
import { startKafkaBroker, useKafkaBroker } from './broker.ts';
import { openDuckDbTarget } from './duckdb-target.ts';
import { sampleEvents } from './events.ts';
import { landedCounts } from './kafka-helpers.ts';

const BIN = join(import.meta.dirname, '../../../cli/src/bin.ts');
const broker = useKafkaBroker();
const sample = sampleEvents({ users: 40, hours: 12, seed: 21 });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A project whose target is a DuckDB file, as `sm ingest kafka --project-dir` opens it. */
function project(): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sm-kafka-outage-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'sm_project.yml'), 'name: demo\nprofile: demo\n');
  writeFileSync(join(dir, 'profiles.yml'), 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n');
  return { dir, db: join(dir, 'target/demo.duckdb') };
}

interface Run {
  readonly done: Promise<{ code: number | null; signal: string | null; out: string; err: string }>;
  /** Resolves when stdout or stderr has printed something matching. */
  printed(re: RegExp): Promise<void>;
}

function cli(args: string[]): Run {
  const p = spawn(process.execPath, [BIN, 'ingest', 'kafka', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) if (w.re.test(out + err)) waiters.splice(waiters.indexOf(w), 1) && w.resolve();
  };
  p.stdout.on('data', (b: Buffer) => ((out += b.toString()), check()));
  p.stderr.on('data', (b: Buffer) => ((err += b.toString()), check()));
  const done = new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((res) => p.on('exit', (code, signal) => res({ code, signal, out, err })));
  return {
    done,
    printed: (re) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ re, resolve });
        check();
        void done.then(({ code, out: o, err: e }) => reject(new Error(`exited ${code} before printing ${re}:\n${o}\n${e}`)));
      }),
  };
}

const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

async function landed(db: string): Promise<{ total: number; duplicates: number }> {
  const t = await openDuckDbTarget(db);
  try {
    const c = await landedCounts(t);
    return { total: Object.values(c.perTopic).reduce((a, b) => a + b, 0), duplicates: c.duplicates };
  } finally {
    await t.close({ keepFile: true });
  }
}

describe('sm ingest kafka when the broker goes away', () => {
  it('waits for a broker that is down at start and lands everything once it is back', async () => {
    const own = broker.current;
    await produceEvents({ brokers: [own.bootstrap], events: sample.events, topicPrefix: 'start.', partitions: 3 });
    await own.stop({ keepData: true, kill: true });
    const { dir, db } = project();
    const run = cli(['--brokers', own.bootstrap, '--group', 'g-start', '--topic-prefix', 'start.', '--once', '--retry-for', '300', '--project-dir', dir]);
    // Still waiting, and saying so, while the broker is away.
    await run.printed(/warning: Kafka: .*reconnecting \(giving up after 300 s without Kafka\)/);
    broker.current = await startKafkaBroker(own.restartOptions);
    const r = await run.done;
    expect(r.code, r.out + r.err).toBe(0);
    noTrace(r.err);
    expect(await landed(db)).toEqual({ total: sample.events.length, duplicates: 0 });
  });

  it('exits 1 with a one-line cause when the broker stays away past --retry-for', async () => {
    const own = broker.current;
    await own.stop({ keepData: true, kill: true });
    try {
      const { dir } = project();
      const r = await cli(['--brokers', own.bootstrap, '--group', 'g-gone', '--topic-prefix', 'start.', '--once', '--retry-for', '3', '--project-dir', dir]).done;
      expect(r.code, r.out + r.err).toBe(1);
      expect(r.err).toMatch(new RegExp(`error: Kafka at ${own.bootstrap.replace(/\./g, '\\.')} could not be reached for \\d+ s .*--retry-for`));
      noTrace(r.err);
    } finally {
      broker.current = await startKafkaBroker(own.restartOptions);
    }
  });

  it('exits 1 when the broker is lost mid-stream for longer than the window, and a rerun lands the rest exactly once', async () => {
    const own = broker.current;
    const half = Math.floor(sample.events.length / 2);
    await produceEvents({ brokers: [own.bootstrap], events: sample.events.slice(0, half), topicPrefix: 'mid.', partitions: 3 });
    const { dir, db } = project();
    const args = ['--brokers', own.bootstrap, '--group', 'g-mid', '--topic-prefix', 'mid.', '--batch-size', '200', '--batch-ms', '50', '--project-dir', dir];
    const run = cli([...args, '--retry-for', '4']);
    // The database is the CLI's while it runs (one process per DuckDB file): its progress lines say when the first half is in.
    await run.printed(new RegExp(`landed ${half} rows .*lag 0,`));
    await own.stop({ keepData: true, kill: true });
    const r = await run.done;
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.err).toMatch(/error: Kafka at .* could not be reached/);
    noTrace(r.err);
    broker.current = await startKafkaBroker(own.restartOptions);
    await produceEvents({ brokers: [broker.current.bootstrap], events: sample.events.slice(half), topicPrefix: 'mid.' });
    const again = await cli([...args, '--once']).done;
    expect(again.code, again.out + again.err).toBe(0);
    expect(await landed(db)).toEqual({ total: sample.events.length, duplicates: 0 });
  });
});
