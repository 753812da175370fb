/**
 * Signals at awkward moments, table-driven: each row starts the real CLI as a child process,
 * waits for the moment its output announces, sends its signals, and checks the exit code (130
 * after SIGINT, 143 after SIGTERM, whichever came first; a second signal exits at once with the
 * same code) and that nothing half-built is visible: the previous tables keep their rows, no
 * work relation (`__sm_`) is left behind, landing keeps only whole files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeLake } from '@smsql/ingest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { describe, expect, it } from 'vitest';
import { sm, smProcess } from './run-cli.ts';

const PROFILE = 'sig:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/sig.duckdb\n      threads: 2\n';
const PROJECT = 'name: sig\nprofile: sig\n';
const SLOW = "{{ config(materialized='table') }}select {{ var('v', 1) }} as v{% if var('slow', false) %}, (select count(*) from range(20000000000)) as n{% endif %}";
const TRACE = /^\s+at .+(\(|\s)(\/|file:|node:)/m;

const query = (dir: string, sql: string) => queryDuckDb(join(dir, 'target/sig.duckdb'), sql);

/** Relations a run builds beside the real ones; none may outlive an interrupted run. */
async function leftovers(dir: string): Promise<unknown[]> {
  return query(dir, "select table_name from information_schema.tables where table_name like '%__sm_%'");
}

/** A seed of `n` rows (about 12 bytes each): big enough that loading it takes seconds. */
function bigSeed(n: number): string {
  const parts: string[] = ['id,label\n'];
  for (let i = 0; i < n; i++) parts.push(`${i},row ${i % 1000}\n`);
  return parts.join('');
}

interface Case {
  readonly name: string;
  readonly files?: Record<string, string>;
  /** What exists before the interrupted command (built by earlier, uninterrupted commands). */
  readonly before?: (dir: string) => Promise<void>;
  readonly argv: readonly string[];
  /** Output (stdout or stderr) that says the awkward moment has come (`start`: the command says nothing first), and how long to wait after it. */
  readonly when: RegExp | 'start';
  readonly delayMs?: number;
  /** Signals sent in order, 300 ms apart. */
  readonly signals: readonly NodeJS.Signals[];
  readonly exit: number;
  readonly check?: (dir: string, out: string) => Promise<void>;
}

const slowRun = (sigs: NodeJS.Signals[], exit: number): Case => ({
  name: `run: ${sigs.join(' then ')} while a table builds`,
  files: { 'models/slowt.sql': SLOW },
  before: async (dir) => void expect((await sm('run', '--project-dir', dir)).code).toBe(0),
  argv: ['run', '-s', 'slowt', '--vars', '{v: 2, slow: true}'],
  when: /run: 1 node/,
  delayMs: 600,
  signals: sigs,
  exit,
  check: async (dir) => {
    expect(await query(dir, 'select v::int as v from main.slowt')).toEqual([{ v: 1 }]);
    expect(await leftovers(dir)).toEqual([]);
  },
});

const seedCase = (sig: NodeJS.Signals, exit: number): Case => ({
  name: `seed: ${sig} while a large seed loads`,
  files: { 'seeds/big.csv': 'id,label\n1,old\n' },
  before: async (dir) => {
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    writeFileSync(join(dir, 'seeds/big.csv'), bigSeed(1_500_000));
  },
  argv: ['seed'],
  when: /seed: 1 node/,
  delayMs: 400,
  signals: [sig],
  exit,
  check: async (dir, out) => {
    expect(out).toMatch(/CANCELLED/);
    expect(await query(dir, 'select id::int as id, label from main.big')).toEqual([{ id: 1, label: 'old' }]);
    expect(await leftovers(dir)).toEqual([]);
  },
});

const landing = (sig: NodeJS.Signals, exit: number): Case => ({
  name: `ingest load: ${sig} after the first batch`,
  before: async (dir) => void (await writeLake({ users: 40, start: new Date('2024-06-01T00:00:00Z'), end: new Date('2024-06-01T12:00:00Z'), seed: 3, outDir: join(dir, 'lake') })),
  argv: ['ingest', 'load', '--batch-mb', '0.001', '--log-format', 'json'],
  when: /"event":"ingest_batch"/,
  signals: [sig],
  exit,
  check: async (dir, out) => {
    expect(out).toMatch(/"interrupted":true/);
    const torn = await query(dir, 'select f.file from raw._sm_landed_files f left join raw.listen_events r on r._file = f.file where f.topic = \'listen_events\' group by f.file, f.lines having count(r._offset) <> f.lines');
    expect(torn).toEqual([]);
  },
});

const docsServe = (sig: NodeJS.Signals, exit: number): Case => ({
  name: `docs serve: ${sig} while serving`,
  before: async (dir) => void expect((await sm('docs', 'generate', '--project-dir', dir, '--empty-catalog')).code).toBe(0),
  argv: ['docs', 'serve', '--port', '0'],
  when: /Serving .* at http/,
  signals: [sig],
  exit,
});

const cases: Case[] = [
  slowRun(['SIGINT'], 130),
  slowRun(['SIGTERM'], 143),
  slowRun(['SIGINT', 'SIGINT'], 130),
  slowRun(['SIGTERM', 'SIGTERM'], 143),
  slowRun(['SIGTERM', 'SIGINT'], 143),
  seedCase('SIGINT', 130),
  seedCase('SIGTERM', 143),
  landing('SIGINT', 130),
  landing('SIGTERM', 143),
  docsServe('SIGINT', 130),
  docsServe('SIGTERM', 143),
  {
    name: 'show: SIGTERM during a long query',
    argv: ['show', '--inline', 'select sum(i) as n from range(20000000000) t(i)'],
    when: 'start',
    delayMs: 3000,
    signals: ['SIGTERM'],
    exit: 143,
  },
  {
    name: 'run-operation: SIGINT while the macro\'s query runs',
    files: { 'macros/slow.sql': "{% macro slow() %}{% do run_query('select sum(i) as n from range(20000000000) t(i)') %}{% do run_query('create table main.after_slow as select 1 as x') %}{% endmacro %}" },
    argv: ['run-operation', 'slow'],
    when: 'start',
    delayMs: 3000,
    signals: ['SIGINT'],
    exit: 130,
    // The statement after the cancelled one never runs.
    check: async (dir) => expect(await query(dir, "select count(*)::int as n from information_schema.tables where table_name = 'after_slow'")).toEqual([{ n: 0 }]),
  },
];

describe('signals at awkward moments: exit 130/143, nothing half-built', () => {
  it.each(cases)('$name', async (c) => {
    const dir = writeProject({ 'sm_project.yml': PROJECT, 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', ...c.files });
    await c.before?.(dir);
    const child = smProcess([...c.argv, '--project-dir', dir]);
    let out = '';
    let fired = false;
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const fire = async () => {
      fired = true;
      await new Promise((r) => setTimeout(r, c.delayMs ?? 0));
      for (const [i, s] of c.signals.entries()) {
        if (i) await new Promise((r) => setTimeout(r, 300));
        child.kill(s);
      }
    };
    const onData = (b: Buffer) => {
      out += b.toString();
      if (!fired && c.when !== 'start' && c.when.test(out)) void fire();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    if (c.when === 'start') void fire();
    const code = await exited;
    expect(fired, out).toBe(true);
    expect(code, out).toBe(c.exit);
    expect(out).not.toMatch(TRACE);
    // The first signal is named, with how to stop at once: Ctrl-C at a terminal, the same signal again from a scheduler.
    if (out.includes('Received ')) expect(out).toContain(c.signals[0] === 'SIGINT' ? 'Received SIGINT: cancelling running queries; nothing half-built will remain. Press Ctrl-C again to exit at once.' : `Received ${c.signals[0]}: cancelling running queries; nothing half-built will remain. Send ${c.signals[0]} again to exit at once.`);
    await c.check?.(dir, out);
  });
});
