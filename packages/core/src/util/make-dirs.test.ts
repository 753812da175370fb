import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from './make-dirs.ts';

describe('makeDirs', () => {
  it('makes every missing folder, and is quiet when they exist', () => {
    const root = mkdtempSync(join(tmpdir(), 'sm-make-dirs-'));
    makeDirs(join(root, 'a', 'b', 'c'));
    expect(statSync(join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
    expect(() => makeDirs(join(root, 'a', 'b'))).not.toThrow();
  });

  it('throws the refusal, naming the folder, where a file is in the way', () => {
    const root = mkdtempSync(join(tmpdir(), 'sm-make-dirs-'));
    writeFileSync(join(root, 'f'), '');
    expect(() => makeDirs(join(root, 'f', 'x'))).toThrow(expect.objectContaining({ code: 'ENOTDIR', path: join(root, 'f', 'x') }));
  });

  it('throws where the kernel answers ENOENT under an existing folder (/proc), where mkdirSync recursive spins forever', () => {
    expect(() => makeDirs('/proc/self/sm-make-dirs/x')).toThrow(expect.objectContaining({ code: 'ENOENT', path: '/proc/self/sm-make-dirs' }));
  });
});
