import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/** `sm ingest` arguments a user can get wrong: a usage error (exit 2) saying which flag and why, before anything is written. */
describe('hostile sm ingest arguments', () => {
  it('generate: no users, more users than the heap holds, a day the calendar lacks', async () => {
    const dir = writeProject({});
    const cases: [string[], string][] = [
      [['--users', '0'], '--users must be a whole number of 1 or more, not "0"'],
      [['--users', ''], '--users must be a whole number of 1 or more, not ""'],
      [['--users', '99999999999'], '--users 99999999999 needs more memory than this Node process may use'],
      [['--end', '2026-02-30'], '--end must be a date or timestamp (2026-11-01 or 2026-11-01T05:00:00Z), not "2026-02-30"'],
      [['--start', '2026-11-31', '--end', '2026-12-05'], '--start must be a date or timestamp'],
    ];
    for (const [argv, message] of cases) {
      const r = await sm('ingest', 'generate', ...argv, '--project-dir', dir);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain(message);
      expect(r.err).not.toContain('SM_UNEXPECTED');
    }
    expect(existsSync(join(dir, 'lake'))).toBe(false);
    // A real leap day is a date.
    expect((await sm('ingest', 'generate', '--users', '1', '--start', '2024-02-29', '--end', '2024-02-29T01:00:00Z', '--project-dir', dir)).code).toBe(0);
  });
});
