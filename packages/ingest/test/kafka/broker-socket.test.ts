/**
 * The broker socket reads responses straight into its response buffer: whatever way the bytes
 * are cut into reads, a response that outgrows the buffer, or the next request's first bytes
 * landing where the last response left room, each answer must be its frame exactly.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerSocket } from '../../src/kafka/broker-socket.ts';

/** A frame: the 4-byte size, then `size` bytes numbered from `seed`. */
function frame(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(4 + size);
  b.writeInt32BE(size, 0);
  for (let i = 0; i < size; i++) b[4 + i] = (seed + i * 7) & 0xff;
  return b;
}

describe('BrokerSocket', () => {
  /** Answers each request (any bytes) with the next planned frame, sent in the planned pieces with a pause between them. */
  const plan: { size: number; cuts: number[] }[] = [];
  let port = 0;
  const server = createServer((s: Socket) => {
    let k = 0;
    s.on('data', async () => {
      const { size, cuts } = plan[k]!;
      const f = frame(size, k++);
      let at = 0;
      for (const cut of [...cuts, f.length]) {
        s.write(f.subarray(at, Math.min(cut, f.length)));
        at = Math.min(cut, f.length);
        await new Promise((r) => setTimeout(r, 5));
      }
    });
  });
  beforeAll(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', () => ((port = (server.address() as AddressInfo).port), r()))));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('answers every request with its frame, read in pieces, past the buffer, and after a larger one', async () => {
    plan.push(
      // The size prefix cut in two; a response larger than the first buffer (it grows); then smaller ones, whose first
      // read lands where the previous response left room; a large one read in many pieces; one of a few bytes.
      { size: 10, cuts: [2, 5] },
      { size: 300_000, cuts: [3, 70_000, 200_000] },
      { size: 1000, cuts: [] },
      { size: 250_000, cuts: [] },
      { size: 2_000_000, cuts: Array.from({ length: 30 }, (_, i) => 1 + i * 60_000) },
      { size: 5, cuts: [4] },
      { size: 100_000, cuts: [50_000] },
    );
    const socket = new BrokerSocket('127.0.0.1', port);
    try {
      for (let k = 0; k < plan.length; k++) {
        const body = await socket.request(Buffer.from([0, 0, 0, 0]), 5000);
        expect(body.equals(frame(plan[k]!.size, k).subarray(4))).toBe(true);
      }
    } finally {
      socket.close();
    }
  });
});
