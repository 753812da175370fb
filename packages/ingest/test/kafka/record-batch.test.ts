/**
 * A batch's chunk buffers go back to the run's pool once their chunk is checked, so later chunks
 * reuse the memory; what was left in a reused buffer must never reach a staged line.
 */
import type { LandingStage } from '@smsql/core';
import { describe, expect, it } from 'vitest';
import { checkHere } from '../../src/kafka/record-checker.ts';
import { ChunkBuffers, RecordBatch } from '../../src/kafka/record-batch.ts';

class CountingBuffers extends ChunkBuffers {
  readonly taken: Buffer[] = [];
  override take(bytes: number): Buffer {
    const b = super.take(bytes);
    this.taken.push(b);
    return b;
  }
}

const value = (n: number, pad: number) => Buffer.from(`{"ts":${n},"sessionId":${n},"level":"${'x'.repeat(pad)}","itemInSession":0,"city":"c","zip":"1","state":"s","userAgent":"u","lon":1,"lat":2,"success":true}`);

async function batchOf(buffers: ChunkBuffers, from: number, count: number, pad: number) {
  const b = new RecordBatch(checkHere, 'stage', buffers);
  for (let i = from; i < from + count; i++) b.add('auth', 'auth_events', 0, BigInt(i), value(i, pad));
  return b.seal();
}

describe('RecordBatch', () => {
  it('reuses checked chunks\' buffers for later chunks, and stages only the new values', async () => {
    const buffers = new CountingBuffers();
    // Long values first, so that the reused buffers hold bytes past what the shorter values fill.
    const first = await batchOf(buffers, 0, 4500, 40);
    const fresh = new Set(buffers.taken);
    expect(fresh.size).toBe(buffers.taken.length);
    const second = await batchOf(buffers, 4500, 4500, 1);
    const reused = buffers.taken.slice(fresh.size).filter((b) => fresh.has(b));
    expect(reused.length).toBeGreaterThan(0);
    for (const batch of [first, second]) for (const c of batch.chunks) expect(c.input.values.length).toBe(0);
    const lines = second.chunks.flatMap((c) => c.staged.flatMap((s) => Buffer.concat(s.pieces).toString().split('\n').filter(Boolean)));
    expect(lines).toHaveLength(4500);
    lines.forEach((l, k) => expect(JSON.parse(l)).toMatchObject({ _sm_offset: 4500 + k, ts: 4500 + k, level: 'x' }));
  });

  it('appends each checked chunk\'s staged lines to its table\'s stage from where they are, then reuses the chunk\'s buffer', async () => {
    const buffers = new CountingBuffers();
    const stages: FakeStage[] = [];
    const b = new RecordBatch(checkHere, 'stage', buffers, () => {
      const s = new FakeStage();
      stages.push(s);
      return Promise.resolve(s);
    });
    for (let i = 0; i < 4500; i++) b.add('auth', 'auth_events', 0, BigInt(i), i === 2100 ? Buffer.from('not json') : value(i, 3));
    const batch = await b.seal();
    // One table, one stage; the lines of every chunk in it, where each chunk says, and none in memory.
    expect(stages).toHaveLength(1);
    const text = stages[0]!.bytes.toString();
    for (const c of batch.chunks) {
      for (const s of c.staged) {
        expect(s.pieces).toHaveLength(0);
        expect(s.stage).toBe(stages[0]);
        const lines = text.slice(s.at, s.at! + s.ends[s.ends.length - 1]!).split('\n').filter(Boolean);
        expect(lines.map((l) => (JSON.parse(l) as { _sm_offset: number })._sm_offset)).toEqual([...s.recs].map((i) => c.input.offsets[i]));
      }
    }
    expect(text.split('\n').filter(Boolean)).toHaveLength(4499);
    expect(batch.chunks.flatMap((c) => c.rejected.map((r) => r.raw))).toEqual(['not json']);
    // Three chunks, their lines staged from the buffer of their values (none of their own), each given back once staged (the batch holds the next chunk's).
    const taken = new Set(buffers.taken);
    expect(taken.size).toBe(4);
    for (let k = 0; k < 3; k++) expect(taken.has(buffers.take(1))).toBe(true);
    await b.discard();
    expect(stages[0]!.discarded).toBe(true);
  });
});

/** A stage in memory, for what the batch appends. */
class FakeStage implements LandingStage {
  bytes = Buffer.alloc(0);
  discarded = false;
  get size(): number {
    return this.bytes.length;
  }
  append(bytes: Uint8Array): Promise<void> {
    this.bytes = Buffer.concat([this.bytes, bytes]);
    return Promise.resolve();
  }
  read(): Promise<Buffer> {
    return Promise.resolve(this.bytes);
  }
  discard(): Promise<void> {
    this.discarded = true;
    return Promise.resolve();
  }
}
