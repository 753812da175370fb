/**
 * A batch's chunk buffers go back to the run's pool once their chunk is checked, so later chunks
 * reuse the memory; what was left in a reused buffer must never reach a staged line.
 */
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
    const lines = second.chunks.flatMap((c) => c.staged.flatMap((s) => Buffer.from(s.bytes).toString().split('\n').filter(Boolean)));
    expect(lines).toHaveLength(4500);
    lines.forEach((l, k) => expect(JSON.parse(l)).toMatchObject({ _sm_offset: 4500 + k, ts: 4500 + k, level: 'x' }));
  });
});
