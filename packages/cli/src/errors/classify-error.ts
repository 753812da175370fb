import { lstatSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Diagnostic } from '@smsql/core';
import { configError } from '../config-error.ts';
import { EXIT } from '../exit-codes.ts';

/** What the CLI reports for an error that reached it: diagnostics to print and the exit code. */
export interface ClassifiedError {
  diagnostics: Diagnostic[];
  exit: number;
  /** False for errors sm does not recognise: the report says how to see the stack trace. */
  known: boolean;
}

/** What a file-system error code means to a user, and what to do about it. */
const FS_ERRORS: Record<string, [what: string, todo: string]> = {
  ENOENT: ['does not exist', 'check the path (and --project-dir / --profiles-dir / --state)'],
  EACCES: ['is not readable or writable by this user (permission denied)', 'fix its permissions or run as a user that may use it'],
  EPERM: ['may not be changed by this user (operation not permitted)', 'fix its permissions or ownership'],
  EISDIR: ['is a directory where a file was expected', 'point at the file, not the folder'],
  ENOTDIR: ['is a file where a directory was expected', 'point at the folder, not a file in it'],
  EROFS: ['is on a read-only file system', 'choose a writable location (e.g. target-path in the project file)'],
  ELOOP: ['is a loop of symbolic links', 'fix or remove the link'],
  ENAMETOOLONG: ['has a name too long for the file system', 'shorten the path'],
  ENOSPC: ['could not be written: no space left on the device', 'free disk space'],
  EMFILE: ['could not be opened: too many open files', 'raise the limit (ulimit -n)'],
  EEXIST: ['already exists', 'remove it or choose another name'],
  ENOTEMPTY: ['is a directory that is not empty', 'empty or remove it first'],
  EBUSY: ['is busy or locked', 'close what holds it and retry'],
};

/** The first existing part of `path`, from the root, that is not a directory; undefined if none is. */
function fileInPath(path: string): string | undefined {
  let at = '';
  for (const part of resolve(path).split(sep)) {
    at = at === '' ? part || sep : join(at, part);
    const st = lstatSync(at, { throwIfNoEntry: false });
    if (!st) return undefined;
    if (!st.isDirectory() && !st.isSymbolicLink()) return at;
  }
  return undefined;
}

/**
 * Sort an error into what the user is told. Project, profile, usage and environment problems
 * (a missing or unreadable file, a refused login, a bad path) are exit 2 with a message naming
 * the culprit; anything else is an unexpected error, also exit 2 as dbt reports an unhandled
 * error, with the stack trace only under --debug.
 */
export function classifyError(e: unknown): ClassifiedError {
  const config = configError(e);
  if (config) return { diagnostics: [...config.diagnostics], exit: EXIT.usage, known: true };
  const err = e as (Error & { code?: unknown; path?: unknown; syscall?: unknown; dest?: unknown }) | undefined;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  if (code && FS_ERRORS[code]) {
    // mkdir's EEXIST means a file stands where a folder is needed.
    const path = typeof err!.path === 'string' ? err!.path : undefined;
    const [what, todo] =
      code === 'EEXIST' && err!.syscall === 'mkdir'
        ? FS_ERRORS.ENOTDIR!
        : code === 'ENOENT' && path && lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()
          ? ['is a symbolic link to something that does not exist', 'fix or remove the link']
          : FS_ERRORS[code];
    // A file in the middle of a path (--target-path dbt_project.yml/x): name that file, not the path sm was making below it.
    const blocker = path && (code === 'ENOTDIR' || (code === 'EEXIST' && err!.syscall === 'mkdir')) ? fileInPath(path) : undefined;
    const message = blocker && blocker !== path ? `${blocker} ${what} (in ${path})` : path ? `${path} ${what}${err!.syscall ? ` (${err!.syscall})` : ''}` : `${err!.message}`;
    return { diagnostics: [{ code: `SM_FS_${code}`, severity: 'error', message, hint: todo, cause: e }], exit: EXIT.usage, known: true };
  }
  if (code && /^SM_[A-Z_]+$/.test(code) && err instanceof Error) {
    // An sm error with a stable code that is not a project error (e.g. a refused login): its message says what happened.
    const hint = (err as { hint?: unknown }).hint;
    return { diagnostics: [{ code, severity: 'error', message: err.message, hint: typeof hint === 'string' ? hint : undefined, cause: e }], exit: EXIT.usage, known: true };
  }
  const message = err instanceof Error ? `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}` : String(e);
  return { diagnostics: [{ code: 'SM_UNEXPECTED', severity: 'error', message: `Unexpected error: ${message}`, cause: e }], exit: EXIT.usage, known: false };
}
