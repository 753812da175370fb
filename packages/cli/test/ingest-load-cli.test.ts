/**
 * `sm ingest load` as a user meets it: mistakes in the command line are one line and exit 2,
 * files it cannot land are listed and the rest lands, the first Ctrl-C stops it (exit 130) with
 * nothing half-landed, and `_file` keeps every character of a lake path.
 */
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { TOPICS, writeLake } from '@smsql/ingest';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm, smProcess } from './run-cli.ts';

const PROFILE = (extra = '') => `demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n${extra}`;

async function query<T>(dir: string, sql: string): Promise<T[]> {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: join(dir, 'target/demo.duckdb') }, { projectDir: dir });
  try {
    const c = await session.acquire();
    return (await c.execute(sql)).rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))) as T[];
  } finally {
    await session.close();
  }
}

const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('sm ingest load', () => {
  it.each([
    { args: ['--lake', ''], culprit: /--lake names no directory/ },
    { args: ['--lake', '  '], culprit: /--lake names no directory/ },
    { args: ['--lake', 'sm_project.yml'], culprit: /--lake .*sm_project\.yml is a file, not a directory/ },
    { args: ['--lake', 'no/such/lake'], culprit: /lake directory .*no\/such\/lake does not exist/ },
    { args: ['--lake'], culprit: /--lake/ },
    { args: ['--batch-mb', '0'], culprit: /--batch-mb must be a positive number/ },
    { args: ['--batch-mb', 'lots'], culprit: /--batch-mb must be a positive number/ },
    { args: ['--schema', ''], culprit: /--schema names no schema/ },
    { args: ['--schema', '  '], culprit: /--schema names no schema/ },
  ])('exits 2 naming the flag for $args', async ({ args, culprit }) => {
    const dir = writeProject({ 'profiles.yml': PROFILE() });
    const r = await sm('ingest', 'load', '--project-dir', dir, ...args);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.out + r.err).toMatch(culprit);
    noTrace(r.out + r.err);
  });

  it('exits 2 naming a bad landing option of the target', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE('      landing:\n        stage_dri: /tmp\n'), 'lake/.keep': '' });
    const r = await sm('ingest', 'load', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.out + r.err).toMatch(/landing\.stage_dri/);
    noTrace(r.out + r.err);
  });

  it("exits 2, landing nothing and keeping the table as it was, when a raw table is the user's own with other columns", async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE() });
    await writeLake({ users: 3, start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-01T04:00:00Z'), seed: 1, outDir: join(dir, 'lake') });
    await query(dir, 'create schema raw; create table raw.listen_events (x int); insert into raw.listen_events values (42)');
    const r = await sm('ingest', 'load', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toContain('error SM_USAGE: Table raw.listen_events exists without column(s) artist, song');
    expect(r.err).not.toContain('SM_UNEXPECTED');
    expect(await query(dir, 'select * from raw.listen_events')).toEqual([{ x: 42 }]);
    expect(await query(dir, 'select count(*) as n from raw.page_view_events')).toEqual([{ n: 0 }]);
  });

  it('gives up with exit 1 and its reason, keeping what landed and listing the files, when file after file fails', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE(), 'empty/.keep': '' });
    expect((await sm('ingest', 'load', '--lake', 'empty', '--project-dir', dir)).code).toBe(0);
    // A column of the user's own type that no event converts to: every listen_events file fails.
    await query(dir, 'create or replace table raw.listen_events as select * replace (cast(null as date) as duration) from raw.listen_events where false');
    await writeLake({ users: 20, start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-02T00:00:00Z'), seed: 1, outDir: join(dir, 'lake') });
    const r = await sm('ingest', 'load', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.err).toMatch(/error: landing stopped: the last \d+ files failed and none landed, the last with: .*DOUBLE -> DATE/);
    expect(r.err).toMatch(/listen_events\/year=2026\/month=11\/day=01\/hour=\d\d\/part-00000\.json failed/);
    expect(r.err).not.toContain('SM_UNEXPECTED');
    expect(r.out).toContain('not landed this time');
  });

  it('lands the rest, lists what it could not land, and keeps every character of the lake path in _file', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE() });
    const lake = join(dir, '🎵 lake [1]');
    await writeLake({ users: 20, start: '2024-06-01T00:00:00Z', end: '2024-06-01T03:00:00Z', seed: 5, outDir: lake });
    const hour = join(lake, 'auth_events/year=2024/month=06/day=01/hour=00');
    writeFileSync(join(hour, 'a[1].json'), '{"ts": 1\n{"half": ');
    mkdirSync(join(hour, 'loop'));
    symlinkSync('..', join(hour, 'loop', 'up'));
    const r = await sm('ingest', 'load', '--project-dir', dir, '--lake', '🎵 lake [1]');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.err).toContain('auth_events/year=2024/month=06/day=01/hour=00/a[1].json left for a later load: its last line has no line break yet');
    expect(r.err).toMatch(/warning: auth_events\/year=2024\/month=06\/day=01\/hour=00\/loop\/up\/ not landed: .*loop/);
    const files = await query<{ f: string }>(dir, `select distinct _file as f from raw.listen_events order by 1`);
    expect(files.length).toBeGreaterThan(0);
    for (const { f } of files) expect(f).toMatch(/^listen_events\/year=2024\/month=06\/day=01\/hour=0\d\/part-\d+\.json$/);
  });

  it('stops at the first Ctrl-C with exit 130, keeping only whole files, and a rerun lands the rest exactly once', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE() });
    const lake = join(dir, 'lake');
    const written = await writeLake({ users: 60, start: '2024-06-01T00:00:00Z', end: '2024-06-02T00:00:00Z', seed: 9, outDir: lake });
    const child = smProcess(['ingest', 'load', '--project-dir', dir, '--batch-mb', '0.001', '--log-format', 'json']);
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!sent && out.includes('"event":"ingest_batch"')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(code, out + err).toBe(130);
    expect(err).toMatch(/cancelling/);
    const done = JSON.parse(out.trim().split('\n').pop()!) as { event: string; interrupted: boolean };
    expect(done).toMatchObject({ event: 'ingest_load', interrupted: true });
    noTrace(err);
    const landedFiles = (await query<{ n: number }>(dir, 'select count(*) as n from raw._sm_landed_files'))[0]!.n;
    expect(landedFiles).toBeGreaterThan(0);
    expect(landedFiles).toBeLessThan(written.files.length);
    for (const t of TOPICS) {
      const torn = await query(dir, `select f.file from raw._sm_landed_files f left join raw.${t} r on r._file = f.file where f.topic = '${t}' group by f.file, f.lines having count(r._offset) <> f.lines`);
      expect(torn, t).toEqual([]);
    }
    const again = await sm('ingest', 'load', '--project-dir', dir);
    expect(again.code, again.out + again.err).toBe(0);
    for (const t of TOPICS) {
      const [row] = await query<{ n: number; d: number }>(dir, `select count(*) as n, count(distinct (_file, _offset)) as d from raw.${t}`);
      expect(row, t).toEqual({ n: written.counts[t], d: written.counts[t] });
    }
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`sm-landing-${child.pid}-`))).toEqual([]);
  });
});
