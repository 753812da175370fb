import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../src/errors/classify-error.ts';

/** Node's own shape for a failed system call (root cannot provoke EACCES or EROFS on a normal file system, so they are built here). */
function systemError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
}

describe('classifyError', () => {
  it.each([
    ['EACCES', 'open', '/srv/project/models/secret.sql', /permission denied/, /permissions/],
    ['EROFS', 'mkdir', '/mnt/ro/target', /read-only/, /writable/],
    ['ENOSPC', 'write', '/srv/project/target/manifest.json', /no space/, /free disk space/],
  ])('%s on %s names the path, says what is wrong and what to do, exit 2', (code, syscall, path, what, todo) => {
    const c = classifyError(systemError(code, syscall, path));
    expect(c.exit).toBe(2);
    expect(c.known).toBe(true);
    expect(c.diagnostics).toHaveLength(1);
    expect(c.diagnostics[0]!.message).toContain(path);
    expect(c.diagnostics[0]!.message).toMatch(what);
    expect(c.diagnostics[0]!.hint).toMatch(todo);
  });

  it('a file in the middle of a path (--target-path dbt_project.yml/x) is named, not the file sm was making below it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-notdir-'));
    writeFileSync(join(dir, 'dbt_project.yml'), 'name: x\n');
    const below = join(dir, 'dbt_project.yml', 'x', '.sm', 'compiled', 'proof.json');
    for (const e of [systemError('ENOTDIR', 'lstat', below), systemError('EEXIST', 'mkdir', join(dir, 'dbt_project.yml'))]) {
      const c = classifyError(e);
      expect(c.exit).toBe(2);
      expect(c.diagnostics[0]!.message).toMatch(new RegExp(`^${join(dir, 'dbt_project.yml').replace(/[.]/g, '\\.')} is a file where a directory was expected`));
      expect(c.diagnostics[0]!.hint).toBe('point at the folder, not a file in it');
    }
  });

  it('an error sm does not know is exit 2 too, marked unknown, with its message', () => {
    const c = classifyError(new TypeError('x is not a function'));
    expect(c).toMatchObject({ exit: 2, known: false });
    expect(c.diagnostics[0]!.message).toBe('Unexpected error: TypeError: x is not a function');
  });
});
