import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanLakeFiles } from '../src/scan-lake-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'sm-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(content: Buffer | string) {
  const abs = join(dir, `f${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(abs, content);
  const [f] = await scanLakeFiles([{ abs, rel: 'x.json', size: -1, mtimeMs: 0 }]);
  return { lines: f!.lines, utf8: f!.utf8, size: f!.size };
}

const MiB = 1 << 20;

describe('scanLakeFiles', () => {
  it('counts lines as the landing numbers them: a last line without a newline counts, the empty piece after a final one does not', async () => {
    expect(await scan('')).toEqual({ lines: 0, utf8: true, size: 0 });
    expect(await scan('\n')).toEqual({ lines: 1, utf8: true, size: 1 });
    expect(await scan('a\nb')).toEqual({ lines: 2, utf8: true, size: 3 });
    expect(await scan('a\r\nb\r\n\r\n')).toEqual({ lines: 3, utf8: true, size: 8 });
  });

  it('counts and checks across chunk boundaries, with a multi-byte character cut by one', async () => {
    // 'é' is 2 bytes and '😀' 4: placed so that each straddles the 1 MiB chunk boundary.
    for (const [ch, before] of [['é', MiB - 1], ['😀', MiB - 2], ['😀', MiB - 3], ['😀', MiB - 1]] as const) {
      const text = `${'x'.repeat(before)}${ch}\n${'y\n'.repeat(1000)}z`;
      expect(await scan(text), `${ch} at ${before}`).toEqual({ lines: 1002, utf8: true, size: Buffer.byteLength(text) });
    }
    const many = 'line\n'.repeat(600_000);
    expect((await scan(many)).lines).toBe(600_000);
  });

  it('finds bytes that are not UTF-8 anywhere: early, at a chunk boundary, or a sequence cut short by the end of the file', async () => {
    expect((await scan(Buffer.from([0x61, 0xfc, 0x0a]))).utf8).toBe(false);
    const atBoundary = Buffer.concat([Buffer.alloc(MiB - 1, 0x61), Buffer.from([0xe2, 0x28, 0xa1, 0x0a])]);
    expect(await scan(atBoundary)).toEqual({ lines: 1, utf8: false, size: MiB + 3 });
    expect((await scan(Buffer.from([0x61, 0x0a, 0xf0, 0x9f, 0x98])))).toEqual({ lines: 2, utf8: false, size: 5 });
    expect((await scan(Buffer.concat([Buffer.alloc(MiB, 0x61), Buffer.from([0xc3])])))).toEqual({ lines: 1, utf8: false, size: MiB + 1 });
  });
});
