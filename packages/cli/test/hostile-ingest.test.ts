import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeLake } from '@smsql/ingest';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm, smProcess } from './run-cli.ts';

/** Files under `dir` whose names do not start with a dot (what a load lands), relative to it. */
const visible = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => relative(dir, join(e.parentPath, e.name))) : [];

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

  // A load lands every visible .json file that ends with a newline; a generator killed mid-hour used
  // to leave that hour's file under its lake name, whole lines but not all of them.
  it('generate killed half-way leaves only whole hour files under lake names', async () => {
    const dir = writeProject({});
    const args = ['--users', '2000', '--start', '2026-11-01', '--end', '2026-11-02', '--seed', '5'];
    const child = smProcess(['ingest', 'generate', ...args, '--out', 'lake', '--project-dir', dir]);
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    const lake = join(dir, 'lake');
    while (visible(lake).length === 0 && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await exited;
    const seen = visible(lake);
    expect(seen.length).toBeGreaterThan(0);
    // Each file there is byte for byte what a complete run writes.
    const whole = join(dir, 'whole');
    await writeLake({ users: 2000, start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-02T00:00:00Z'), seed: 5, outDir: whole });
    for (const f of seen) expect(readFileSync(join(lake, f), 'utf8') === readFileSync(join(whole, f), 'utf8'), f).toBe(true);
    expect(visible(whole).length).toBeGreaterThan(seen.length);
  }, 60_000);

  // Checked before any broker is asked (localhost:1 is never dialled): --topics '' used to mean no topic, and the run went to Kafka anyway.
  it('kafka: --topics naming no topic is a usage error', async () => {
    const dir = writeProject({ 'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n' });
    for (const topics of ['', ' , ']) {
      const r = await sm('ingest', 'kafka', '--brokers', 'localhost:1', '--topics', topics, '--once', '--retry-for', '0', '--project-dir', dir);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain('--topics names no topic; give some of listen_events, page_view_events, auth_events, status_change_events');
    }
  });
});
