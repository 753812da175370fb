import { writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeDirs } from '../util/make-dirs.ts';

/**
 * Extract a gzipped tar archive (as the hub's download links serve: one top folder holding the
 * package) into `dest`, dropping that top folder. Regular files and folders only; pax and GNU
 * long names are honoured; links and devices are skipped; a path that would leave `dest` is
 * refused.
 */
export function extractTarGz(data: Buffer, dest: string): number {
  const tar = gunzipSync(data);
  let files = 0;
  let off = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const text = (a: number, n: number) => header.toString('utf8', a, a + n).replace(/\0.*$/s, '');
    const size = parseSize(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 48);
    const prefix = text(345, 155);
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      paxPath = paxValue(body, 'path') ?? paxPath;
      continue;
    }
    if (type === 'g') continue;
    const name = paxPath ?? longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
    longName = paxPath = undefined;
    const inner = name.split('/').slice(1).join('/');
    if (!inner) continue;
    const target = normalize(join(dest, inner));
    if (target !== dest && !target.startsWith(dest + sep)) throw new Error(`The archive holds a path outside its folder: ${name}`);
    if (type === '5') makeDirs(target);
    else if (type === '0' || type === '7') {
      makeDirs(dirname(target));
      writeFileSync(target, body);
      files++;
    }
  }
  return files;
}

function parseSize(field: Buffer): number {
  // Sizes past 8 GiB use base-256; a package never does, but read it rather than misparse.
  if ((field[0]! & 0x80) !== 0) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const s = field.toString('ascii').replace(/[\0 ]+$/g, '').trim();
  return s ? parseInt(s, 8) : 0;
}

function paxValue(body: Buffer, key: string): string | undefined {
  // Records are "<byte length> <key>=<value>\n"; lengths count bytes, so walk the buffer.
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(body.toString('ascii', i, sp), 10);
    if (!(len > 0)) break;
    const rec = body.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (rec.slice(0, eq) === key) return rec.slice(eq + 1);
    i += len;
  }
  return undefined;
}
