/**
 * The record checker runs on the calling thread, one chunk per turn of the event loop: socket
 * reads and timers must get their turn between two chunks (a fetch answer or a heartbeat would
 * otherwise wait for every queued chunk), chunks are answered in order, and closing refuses what
 * is still queued.
 */
import { describe, expect, it } from 'vitest';
import type { ChunkIn } from '../../src/kafka/check-chunk.ts';
import { RecordChecker } from '../../src/kafka/record-checker.ts';
import { TOPICS } from '../../src/raw-schema.ts';

const value = Buffer.from('{"ts":1717200117559,"sessionId":1,"level":"free","itemInSession":0,"city":"Tulsa","zip":"74105","state":"OK","userAgent":"x","lon":-95.9,"lat":36.1,"success":true}');
let ids = 0;
const chunk = (table = TOPICS.indexOf('auth_events')): ChunkIn => ({
  id: ids++,
  mode: 'stage',
  count: 1,
  values: value,
  starts: Int32Array.of(0),
  ends: Int32Array.of(value.length),
  tables: Uint8Array.of(table),
  topics: Uint16Array.of(0),
  kafkaTopics: ['auth_events'],
  partitions: Int32Array.of(0),
  offsets: Float64Array.of(7),
});

describe('RecordChecker', () => {
  it('answers chunks in order, letting the event loop run between two of them', async () => {
    const checker = new RecordChecker();
    const seen: string[] = [];
    const a = chunk();
    const b = chunk();
    const done = [checker.check(a).then((o) => seen.push(`chunk ${o.id - a.id}`)), checker.check(b).then((o) => seen.push(`chunk ${o.id - a.id}`))];
    setImmediate(() => seen.push('immediate'));
    await Promise.all(done);
    expect(seen).toEqual(['chunk 0', 'immediate', 'chunk 1']);
    const out = await checker.check(chunk());
    expect(out.rejected).toEqual([]);
    expect(Buffer.concat(out.staged[0]!.pieces).toString()).toBe(`{"_sm_partition":0,"_sm_offset":7,${value.subarray(1).toString()}\n`);
    await checker.close();
  });

  it('refuses the chunks still queued when closed, and any after', async () => {
    const checker = new RecordChecker();
    const queued = checker.check(chunk());
    await checker.close();
    await expect(queued).rejects.toThrow(/closed/);
    await expect(checker.check(chunk())).rejects.toThrow(/closed/);
  });

  it('rejects a chunk whose check fails, and checks the next', async () => {
    const checker = new RecordChecker();
    const bad = checker.check(chunk(99));
    const good = checker.check(chunk());
    await expect(bad).rejects.toThrow(/checking Kafka records failed/);
    expect((await good).staged).toHaveLength(1);
    await checker.close();
  });
});
