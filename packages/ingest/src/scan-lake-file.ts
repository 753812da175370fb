import { isUtf8 } from 'node:buffer';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileReport } from './file-report.ts';
import type { LakeFile } from './walk-lake.ts';

/** A lake file as read just before it lands: its lines counted and its bytes checked. */
export interface ScannedFile extends LakeFile {
  /** Number of lines: pieces between `\n`, the empty piece after the final `\n` not counted. */
  readonly lines: number;
  /** Whether every byte is valid UTF-8 (DuckDB's readers refuse the file otherwise). */
  readonly utf8: boolean;
}

const CHUNK = 1 << 20;

/**
 * Counts the lines of each file and checks its UTF-8, a chunk at a time so memory stays at one
 * chunk whatever the file size; it runs on the main thread while the warehouse lands the previous
 * batch. A file that looks still being written is reported `deferred` instead: its last line has
 * no line break yet, or its size or modification time changed since it was listed. A file that
 * cannot be read is reported `failed`. Either way the other files go on.
 */
export async function scanLakeFiles(files: readonly LakeFile[]): Promise<{ scanned: ScannedFile[]; reports: FileReport[] }> {
  const buf = Buffer.allocUnsafe(CHUNK + 3);
  const scanned: ScannedFile[] = [];
  const reports: FileReport[] = [];
  for (const f of files) {
    const r = await scanOne(f, buf).catch((e: NodeJS.ErrnoException): FileReport => ({ file: f.rel, kind: 'failed', reason: `cannot read it (${e.code ?? e.message})` }));
    if ('reason' in r) reports.push(r);
    else scanned.push(r);
  }
  return { scanned, reports };
}

async function scanOne(f: LakeFile, buf: Buffer): Promise<ScannedFile | FileReport> {
  // Non-blocking, so that a named pipe put in the file's place since the walk cannot hang the load.
  const fh = await open(f.abs, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await fh.stat()).isFile()) return { file: f.rel, kind: 'skipped', reason: 'not a regular file (a pipe, socket or device); sm lands only regular files' };
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
    const st = await fh.stat();
    if (size !== f.size || st.size !== f.size || st.mtimeMs !== f.mtimeMs) {
      return { file: f.rel, kind: 'deferred', reason: `it changed while being read (${f.size} bytes listed, ${st.size} now), so it is still being written; it lands in a later load` };
    }
    if (size > 0 && last !== 10) {
      return {
        file: f.rel,
        kind: 'deferred',
        reason: 'its last line has no line break yet, so it is probably still being written; it lands in a later load once it ends with a newline (if the file is complete, append one)',
      };
    }
    return { ...f, lines: newlines, utf8 };
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
