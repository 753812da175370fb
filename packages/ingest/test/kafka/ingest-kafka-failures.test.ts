import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestKafka } from '../../src/kafka/ingest-kafka.ts';
import { produceEvents } from '../../src/kafka/produce-events.ts';
import { startKafkaBroker, useKafkaBroker } from './broker.ts';
import { openDuckDbTarget } from './duckdb-target.ts';
import { sampleEvents } from './events.ts';
import { landedCounts, waitFor } from './kafka-helpers.ts';

const broker = useKafkaBroker();
const sample = sampleEvents({ users: 60, hours: 24, seed: 11 });
const dir = mkdtempSync(join(tmpdir(), 'sm-kafka-fail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs ingest-child.ts; resolves with its stdout lines when it exits. */
function child(opts: Record<string, unknown>, onLine: (line: string, kill: () => void) => void = () => {}) {
  const p = spawn(process.execPath, [join(import.meta.dirname, 'ingest-child.ts'), JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  let rest = '';
  p.stdout.on('data', (b: Buffer) => {
    const parts = (rest + b.toString()).split('\n');
    rest = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      onLine(l, () => p.kill('SIGKILL'));
    }
  });
  p.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise<{ lines: string[]; signal: string | null; code: number | null; stderr: string }>((resolve) =>
    p.on('exit', (code, signal) => resolve({ lines, code, signal, stderr: err })),
  );
}

describe('ingestKafka under failure', () => {
  it('lands every event exactly once after the ingest process is SIGKILLed mid-way', async () => {
    const prefix = 'kill.';
    await produceEvents({ brokers: [broker.current.bootstrap], events: sample.events, topicPrefix: prefix, partitions: 3 });
    const path = join(dir, 'kill.duckdb');
    // Small transactions (`once` lands a lag that fits in one), so that the kill falls between two.
    const opts = { brokers: [broker.current.bootstrap], groupId: 'g-kill', topicPrefix: prefix, path, batchSize: 100, batchMs: 50, once: true, transactionBytes: 20_000 };
    let batches = 0;
    const killed = await child(opts, (_line, kill) => {
      if (++batches === 3) kill();
    });
    expect(killed.signal, `exit ${killed.code}: ${killed.stderr}\n${killed.lines.join("\n")}`).toBe("SIGKILL");

    const t = await openDuckDbTarget(path);
    const partial = Object.values((await landedCounts(t)).perTopic).reduce((a, b) => a + b);
    await t.close({ keepFile: true });
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(sample.events.length);

    const again = await child({ ...opts, batchSize: 5000, transactionBytes: undefined });
    expect(again.code, again.stderr).toBe(0);
    const t2 = await openDuckDbTarget(path);
    try {
      const counts = await landedCounts(t2);
      expect(counts.perTopic).toEqual(sample.perTopic);
      expect(counts).toMatchObject({ duplicates: 0, deadLetters: 0 });
    } finally {
      await t2.close({ keepFile: true });
    }
  });

  it('stops cleanly on SIGTERM, keeping what landed and nothing twice', async () => {
    const prefix = 'term.';
    await produceEvents({ brokers: [broker.current.bootstrap], events: sample.events, topicPrefix: prefix, partitions: 3 });
    const path = join(dir, 'term.duckdb');
    const opts = { brokers: [broker.current.bootstrap], groupId: 'g-term', topicPrefix: prefix, path, batchSize: 100, batchMs: 50, once: false };
    const p = spawn(process.execPath, [join(import.meta.dirname, 'ingest-child.ts'), JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!sent && out.split('\n').length > 3) {
        sent = true;
        p.kill('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
    expect(code).toBe(0);
    const done = JSON.parse(out.trim().split('\n').pop()!).done;
    expect(done.stoppedBy).toBe('aborted');
    const t = await openDuckDbTarget(path);
    try {
      const landed = Object.values((await landedCounts(t)).perTopic).reduce((a, b) => a + b);
      // What the process reported as landed is exactly what is in the warehouse.
      expect(landed).toBe(done.rows);
      const res = await ingestKafka({ brokers: [broker.current.bootstrap], groupId: 'g-term', topicPrefix: prefix, connection: t.conn, adapter: t.adapter, once: true });
      expect(res.rows).toBe(sample.events.length - done.rows);
      expect((await landedCounts(t)).perTopic).toEqual(sample.perTopic);
    } finally {
      await t.close({ keepFile: true });
    }
  });

  it('lands every event exactly once when the broker is killed and restarted mid-way', async () => {
    // The file's broker itself is killed and restarted on the same ports and data; useKafkaBroker stops whichever runs at the end.
    const own = broker.current;
    const prefix = 'restart.';
    const half = Math.floor(sample.events.length / 2);
    const t = await openDuckDbTarget();
    const ac = new AbortController();
    const ingestConn = await t.session.acquire();
    // Polled on the target's own connection, beside the one ingesting; -1 until the tables exist.
    const landed = async () => Object.values((await landedCounts(t).catch(() => ({ perTopic: { x: -1 } }))).perTopic).reduce((a, b) => a + b);
    try {
      await produceEvents({ brokers: [own.bootstrap], events: sample.events.slice(0, half), topicPrefix: prefix, partitions: 3 });
      const warnings: string[] = [];
      const ingesting = ingestKafka({
        brokers: [own.bootstrap],
        groupId: 'g-restart',
        topicPrefix: prefix,
        connection: ingestConn,
        adapter: t.adapter,
        signal: ac.signal,
        batchSize: 100,
        batchMs: 50,
        sessionTimeoutMs: 3000,
        onWarning: (w) => warnings.push(w),
      });
      ingesting.catch(() => undefined);
      await waitFor('the first half to land', async () => (await landed()) === half);
      await own.stop({ keepData: true, kill: true });
      broker.current = await startKafkaBroker(own.restartOptions);
      // The second half exists only on the restarted broker, so landing it proves the consumer recovered.
      await produceEvents({ brokers: [broker.current.bootstrap], events: sample.events.slice(half), topicPrefix: prefix });
      await waitFor('the second half to land', async () => (await landed()) === sample.events.length);
      ac.abort();
      const res = await ingesting;
      expect(res.rows).toBe(sample.events.length);
      const counts = await landedCounts(t);
      expect(counts.perTopic).toEqual(sample.perTopic);
      expect(counts).toMatchObject({ duplicates: 0, deadLetters: 0 });
    } finally {
      ac.abort();
      await t.close();
    }
  });
});
