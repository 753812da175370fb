/** The worker thread that checks consumed records (see check-chunk.ts), so the main thread only fetches and lands. */
import { parentPort } from 'node:worker_threads';
import { checkChunk } from './check-chunk.ts';
import type { ChunkIn, ChunkOut } from './check-chunk.ts';

parentPort!.on('message', (c: ChunkIn) => {
  let out: ChunkOut;
  try {
    out = checkChunk(c);
  } catch (e) {
    parentPort!.postMessage({ id: c.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    return;
  }
  const transfer = new Set<ArrayBuffer>();
  for (const s of out.staged) for (const a of [s.bytes, s.recs, s.ends]) if (a.byteLength) transfer.add(a.buffer as ArrayBuffer);
  for (const a of [c.values, c.starts, c.ends, c.tables, c.topics, c.partitions, c.offsets]) if (a.byteLength) transfer.add(a.buffer as ArrayBuffer);
  parentPort!.postMessage(out, [...transfer]);
});
