import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A git command that failed: the command line (without credentials) and git's own words. */
export class GitError extends Error {
  readonly kind = 'GitError';
}

const COMMIT = /^[0-9a-f]{40}$/;

/** Strip `user:password@` from a URL before it goes into a message. */
export function scrubUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

function git(cwd: string, args: string[], url: string): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      // Never wait for a password prompt; messages in English so they can be matched and shown.
      env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' },
    });
  } catch (e) {
    const err = e as { code?: string; stderr?: string | Buffer };
    if (err.code === 'ENOENT') throw new GitError('git is not installed or not on PATH; sm deps needs it for git packages.');
    const stderr = String(err.stderr ?? '').trim().split('\n').filter(Boolean).slice(-3).join(' / ');
    throw new GitError(`git ${args.map((a) => (a === url ? scrubUrl(a) : a)).join(' ')} failed: ${scrubUrl(stderr) || (e as Error).message}`);
  }
}

/**
 * Check out `revision` of the repository at `url` into `dir` (which must not exist) the way dbt
 * does: a shallow clone (sparse when only `subdirectory` is wanted), then the revision fetched
 * and reset to, a tag preferred over a branch of the same name. Returns the commit checked out
 * and the package's directory (the subdirectory when one is given).
 */
export function gitCheckout(url: string, revision: string | undefined, subdirectory: string | undefined, dir: string): { sha: string; packageDir: string } {
  const rev = revision ?? 'HEAD';
  const parent = join(dir, '..');
  const clone = ['clone', '--quiet', '--depth', '1'];
  if (subdirectory) clone.push('--filter=blob:none', '--sparse');
  git(parent, [...clone, url, dir], url);
  if (subdirectory) git(dir, ['sparse-checkout', 'set', subdirectory], url);
  if (COMMIT.test(rev)) {
    git(dir, ['fetch', '--quiet', 'origin', '--depth', '1', rev], url);
  } else {
    git(dir, ['remote', 'set-branches', 'origin', rev], url);
    git(dir, ['fetch', '--quiet', 'origin', '--depth', '1', '--tags', rev], url);
  }
  const tags = COMMIT.test(rev) ? [] : git(dir, ['tag', '--list'], url).split('\n');
  const spec = COMMIT.test(rev) ? rev : tags.includes(rev) ? `tags/${rev}` : `origin/${rev}`;
  git(dir, ['reset', '--quiet', '--hard', spec], url);
  const sha = git(dir, ['rev-parse', 'HEAD'], url).trim();
  const packageDir = subdirectory ? join(dir, subdirectory) : dir;
  if (subdirectory && !existsSync(packageDir)) throw new GitError(`${scrubUrl(url)} at ${rev} has no subdirectory "${subdirectory}"`);
  return { sha, packageDir };
}
