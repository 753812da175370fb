import { linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileOverSpare } from '../src/util/write-json.ts';

describe('writeFileOverSpare', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'sm-spare-'));
    dirs.push(d);
    return { path: join(d, 'run_results.json'), spare: join(d, '.sm', 'run_results.json.spare'), dir: d };
  };
  const bytes = (s: string) => Buffer.from(s);

  it('writes the chunks as one file, keeps the file it replaced as the spare, and then writes over that spare', () => {
    const { path, spare, dir } = fresh();
    writeFileOverSpare(path, spare, [bytes('{"a":'), bytes('1'), bytes('}')]);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}');
    writeFileOverSpare(path, spare, [bytes('{"a":"a longer value"}')]);
    expect(readFileSync(path, 'utf8')).toBe('{"a":"a longer value"}');
    // The first file became the spare; the third write goes over it, shorter than it was.
    expect(readFileSync(spare, 'utf8')).toBe('{"a":1}');
    const spareInode = statSync(spare).ino;
    writeFileOverSpare(path, spare, [bytes('{}')]);
    expect(readFileSync(path, 'utf8')).toBe('{}');
    expect(statSync(path).ino).toBe(spareInode);
    expect(readFileSync(spare, 'utf8')).toBe('{"a":"a longer value"}');
    expect(readdirSync(dir).sort()).toEqual(['.sm', 'run_results.json']);
    expect(readdirSync(join(dir, '.sm'))).toEqual(['run_results.json.spare']);
  });

  it('never writes over a spare that has another name (a hard link to an earlier file keeps its bytes)', () => {
    const { path, spare, dir } = fresh();
    writeFileOverSpare(path, spare, [bytes('first')]);
    writeFileOverSpare(path, spare, [bytes('second')]);
    // `first` is now the spare; a user's link to it must keep saying `first`.
    const mine = join(dir, 'mine.json');
    linkSync(spare, mine);
    writeFileOverSpare(path, spare, [bytes('third')]);
    expect(readFileSync(path, 'utf8')).toBe('third');
    expect(readFileSync(mine, 'utf8')).toBe('first');
  });

  it('writes the file the ordinary way when the spare cannot be written (a file where its folder goes)', () => {
    const { path, spare, dir } = fresh();
    writeFileSync(path, 'old');
    writeFileSync(join(dir, '.sm'), 'not a folder');
    writeFileOverSpare(path, spare, [bytes('new')]);
    expect(readFileSync(path, 'utf8')).toBe('new');
  });
});
