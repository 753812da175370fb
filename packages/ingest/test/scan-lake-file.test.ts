import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanLakeFiles } from '../src/scan-lake-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'sm-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(content: Buffer | string) {
  const abs = join(dir, `f${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(abs, content);
  const st = statSync(abs);
  const { scanned, reports } = await scanLakeFiles([{ abs, rel: 'x.json', size: st.size, mtimeMs: st.mtimeMs }]);
  if (reports.length) return reports[0]!;
  const f = scanned[0]!;
  return { lines: f.lines, utf8: f.utf8, size: f.size };
}

const MiB = 1 << 20;

describe('scanLakeFiles', () => {
  it('counts lines as the landing numbers them: the empty piece after the final newline is not a line', async () => {
    expect(await scan('')).toEqual({ lines: 0, utf8: true, size: 0 });
    expect(await scan('\n')).toEqual({ lines: 1, utf8: true, size: 1 });
    expect(await scan('a\nb\n')).toEqual({ lines: 2, utf8: true, size: 4 });
    expect(await scan('a\r\nb\r\n\r\n')).toEqual({ lines: 3, utf8: true, size: 8 });
  });

  it('leaves a file whose last line has no line break for a later load (it may still be being written)', async () => {
    for (const text of ['a\nb', '{"ts":1', 'x']) expect(await scan(text), text).toMatchObject({ kind: 'deferred', reason: expect.stringMatching(/no line break/) });
  });

  it('leaves a file that changed since it was listed for a later load', async () => {
    const abs = join(dir, 'grew.json');
    writeFileSync(abs, 'a\n');
    const st = statSync(abs);
    writeFileSync(abs, 'a\nb\n');
    const { scanned, reports } = await scanLakeFiles([{ abs, rel: 'grew.json', size: st.size, mtimeMs: st.mtimeMs }]);
    expect(scanned).toEqual([]);
    expect(reports).toEqual([{ file: 'grew.json', kind: 'deferred', reason: expect.stringMatching(/changed while being read \(2 bytes listed, 4 now\)/) }]);
  });

  it('reports a file it cannot read and goes on with the others', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, 'a\n');
    const st = statSync(good);
    const { scanned, reports } = await scanLakeFiles([
      { abs: join(dir, 'gone.json'), rel: 'gone.json', size: 1, mtimeMs: 0 },
      { abs: good, rel: 'good.json', size: st.size, mtimeMs: st.mtimeMs },
    ]);
    expect(scanned.map((f) => f.rel)).toEqual(['good.json']);
    expect(reports).toEqual([{ file: 'gone.json', kind: 'failed', reason: 'cannot read it (ENOENT)' }]);
  });

  it('counts and checks across chunk boundaries, with a multi-byte character cut by one', async () => {
    // 'é' is 2 bytes and '😀' 4: placed so that each straddles the 1 MiB chunk boundary.
    for (const [ch, before] of [['é', MiB - 1], ['😀', MiB - 2], ['😀', MiB - 3], ['😀', MiB - 1]] as const) {
      const text = `${'x'.repeat(before)}${ch}\n${'y\n'.repeat(1000)}z\n`;
      expect(await scan(text), `${ch} at ${before}`).toEqual({ lines: 1002, utf8: true, size: Buffer.byteLength(text) });
    }
    const many = 'line\n'.repeat(600_000);
    expect(await scan(many)).toMatchObject({ lines: 600_000 });
  });

  it('finds bytes that are not UTF-8 anywhere: early, at a chunk boundary, or a sequence cut short before the last newline', async () => {
    expect(await scan(Buffer.from([0x61, 0xfc, 0x0a]))).toMatchObject({ utf8: false });
    const atBoundary = Buffer.concat([Buffer.alloc(MiB - 1, 0x61), Buffer.from([0xe2, 0x28, 0xa1, 0x0a])]);
    expect(await scan(atBoundary)).toEqual({ lines: 1, utf8: false, size: MiB + 3 });
    expect(await scan(Buffer.from([0x61, 0x0a, 0xf0, 0x9f, 0x98, 0x0a]))).toEqual({ lines: 2, utf8: false, size: 6 });
    expect(await scan(Buffer.concat([Buffer.alloc(MiB, 0x61), Buffer.from([0xc3, 0x0a])]))).toEqual({ lines: 1, utf8: false, size: MiB + 2 });
  });
});
