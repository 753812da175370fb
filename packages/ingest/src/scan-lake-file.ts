import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import type { LakeFile } from './land-batch-duckdb.ts';

/** A lake file as read just before it lands: its lines counted and its bytes checked. */
export interface ScannedFile extends LakeFile {
  /** Bytes read, which replaces the size listed (the file is read once more by DuckDB). */
  readonly size: number;
  /** Number of lines: pieces between `\n`, the empty piece after a final `\n` not counted. */
  readonly lines: number;
  /** Whether every byte is valid UTF-8 (DuckDB's text and JSON readers refuse the file otherwise). */
  readonly utf8: boolean;
}

const CHUNK = 1 << 20;

/**
 * Counts the lines of each file and checks its UTF-8, a chunk at a time so memory stays at
 * one chunk whatever the file size. Cheaper than asking DuckDB (which would split the whole
 * text into a list), and it runs on the main thread while DuckDB lands the previous batch.
 */
export async function scanLakeFiles(files: readonly LakeFile[]): Promise<ScannedFile[]> {
  const buf = Buffer.allocUnsafe(CHUNK + 3);
  const out: ScannedFile[] = [];
  for (const f of files) out.push(await scanOne(f, buf));
  return out;
}

async function scanOne(f: LakeFile, buf: Buffer): Promise<ScannedFile> {
  const fh = await open(f.abs, 'r');
  try {
    let newlines = 0;
    let size = 0;
    let last = -1;
    let utf8 = true;
    // Bytes of a UTF-8 sequence cut by the chunk's end, checked with the next chunk.
    let carry = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, carry, CHUNK, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      const end = carry + bytesRead;
      const view = buf.subarray(0, end);
      for (let i = view.indexOf(10, carry); i >= 0; i = view.indexOf(10, i + 1)) newlines++;
      last = buf[end - 1]!;
      const cut = utf8 ? incompleteTail(buf, end) : end;
      if (utf8 && !isUtf8(buf.subarray(0, cut))) utf8 = false;
      carry = end - cut;
      buf.copyWithin(0, cut, end);
    }
    if (carry && utf8) utf8 = isUtf8(buf.subarray(0, carry));
    return { ...f, size, lines: newlines + (size > 0 && last !== 10 ? 1 : 0), utf8 };
  } finally {
    await fh.close();
  }
}

/** Where a multi-byte sequence that the buffer's end cuts short begins, or `end` if none is cut. */
function incompleteTail(buf: Buffer, end: number): number {
  for (let i = end - 1; i >= 0 && i >= end - 3; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return end - i < need ? i : end;
  }
  return end;
}
