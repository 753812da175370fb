import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import type { AdapterSession, Connection } from '@smsql/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TOPICS, landFiles, rawColumns, serializeEvent, writeLake } from '../src/index.ts';
import type { LandFilesOptions } from '../src/index.ts';
import type { WriteLakeResult } from '../src/index.ts';

let session: AdapterSession;
let conn: Connection;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'sm-land-'));
  dirs.push(d);
  return d;
};

beforeEach(async () => {
  session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: ':memory:' }, { projectDir: tmpdir() });
  conn = await session.acquire();
});
afterEach(async () => session.close());
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const landFilesDuckDb = (c: Connection, opts: LandFilesOptions) => landFiles({ connection: c, adapter: createDuckDbAdapter() }, opts);
const count = async (sql: string) => Number((await conn.execute(sql)).rows[0]!.n);

describe('landFilesDuckDb on a generated lake', () => {
  let lake: string;
  let written: WriteLakeResult;
  beforeAll(async () => {
    lake = tmp();
    written = await writeLake({ users: 100, start: '2024-06-01', end: '2024-06-02', seed: 3, outDir: lake });
  });

  /** Every file's offsets in raw.page_view_events are exactly its line numbers 0..n-1, and each row is the line it claims to be. */
  async function expectLineNumbers(c: Connection): Promise<void> {
    const gaps = await c.execute(
      `select _file, count(*) n, count(distinct _offset) d, min(_offset) lo, max(_offset) hi from raw.page_view_events group by _file having d <> n or lo <> 0 or hi <> n - 1`,
    );
    expect(gaps.rows).toEqual([]);
    const rows = await c.execute(`select _file, _offset, ts, session_id, item_in_session from raw.page_view_events`);
    const lines = new Map<string, string[]>();
    const wrong = rows.rows.filter((r) => {
      const file = String(r._file);
      if (!lines.has(file)) lines.set(file, readFileSync(join(lake, file), 'utf8').split('\n'));
      const e = JSON.parse(lines.get(file)![Number(r._offset)]!) as Record<string, number>;
      return BigInt(e.ts!) !== r.ts || BigInt(e.sessionId!) !== r.session_id || e.itemInSession !== r.item_in_session;
    });
    expect(wrong).toEqual([]);
  }

  it('lands every generated event once, with lineage, and nothing twice on replay', async () => {
    const first = await landFilesDuckDb(conn, { lakeDir: lake });
    expect(first.counts).toEqual(written.counts);
    expect(first.deadLetters).toBe(0);
    expect(first.skippedFiles).toBe(0);
    expect(first.carefulBatches).toBe(0);
    for (const t of TOPICS) expect(await count(`select count(*) n from raw.${t}`), t).toBe(written.counts[t]);

    await expectLineNumbers(conn);
    const files = await count(`select count(*) n from raw._sm_landed_files`);
    expect(files).toBe(written.files.length);

    const again = await landFilesDuckDb(conn, { lakeDir: lake });
    expect(again.counts).toEqual({ listen_events: 0, page_view_events: 0, auth_events: 0, status_change_events: 0 });
    expect(again.skippedFiles).toBe(written.files.length);
    for (const t of TOPICS) expect(await count(`select count(*) n from raw.${t}`), t).toBe(written.counts[t]);
  });

  it('survives SIGKILL mid-way: every landed file is whole, and a rerun converges to the generated counts', async () => {
    const db = join(tmp(), 'crash.duckdb');
    const child = spawn(process.execPath, [fileURLToPath(new URL('./land-child.ts', import.meta.url)), lake, db], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // A few batches in: the next one is most likely mid-transaction when the signal lands.
      if (out.split('\n').length > 4) child.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');
    expect(out).not.toContain('done');

    await session.close();
    session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'crash', schema: 'main', threads: 1, path: db }, { projectDir: tmpdir() });
    conn = await session.acquire();
    const landedRows = async () => {
      let n = 0;
      for (const t of TOPICS) n += await count(`select count(*) n from raw.${t}`);
      return n;
    };
    const partial = await landedRows();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(Object.values(written.counts).reduce((a, b) => a + b, 0));
    for (const t of TOPICS) {
      const torn = await conn.execute(
        `select f.file, f.lines, count(r._offset) as n from raw._sm_landed_files f left join raw.${t} r on r._file = f.file where f.topic = '${t}' group by all having count(r._offset) <> f.lines
         union all select r._file, null, count(*) from raw.${t} r anti join raw._sm_landed_files f on f.file = r._file group by all`,
      );
      expect(torn.rows, t).toEqual([]);
    }
    const rerun = await landFilesDuckDb(conn, { lakeDir: lake });
    expect(rerun.skippedFiles).toBeGreaterThan(0);
    for (const t of TOPICS) expect(await count(`select count(*) n from raw.${t}`), t).toBe(written.counts[t]);
  });

  it('numbers every line right when DuckDB reads a batch in parallel parts', async () => {
    const two = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 2, path: ':memory:' }, { projectDir: tmpdir() });
    try {
      const c = await two.acquire();
      const r = await landFilesDuckDb(c, { lakeDir: lake, topics: ['page_view_events'] });
      expect([r.counts.page_view_events, r.carefulBatches]).toEqual([written.counts.page_view_events, 0]);
      await expectLineNumbers(c);
    } finally {
      await two.close();
    }
  });

  it('keeps field values and absences (user fields null for guests and logged-out views)', async () => {
    await landFilesDuckDb(conn, { lakeDir: lake, schema: 'landing', topics: ['page_view_events', 'listen_events'] });
    expect(await count(`select count(*) n from landing.page_view_events where auth in ('Guest', 'Logged Out') and user_id is not null`)).toBe(0);
    expect(await count(`select count(*) n from landing.page_view_events where auth in ('Logged In', 'Cancelled') and user_id is null`)).toBe(0);
    expect(await count(`select count(*) n from landing.listen_events where length(zip) <> 5 or user_id is null or duration is null`)).toBe(0);
    expect(await count(`select count(*) n from landing.page_view_events where _topic <> 'page_view_events' or _partition is not null or _ingested_at is null`)).toBe(0);
    const tables = (await conn.describe('landing')).map((r) => r.identifier).sort();
    expect(tables).toEqual(['_sm_landed_files', 'dead_letters', 'listen_events', 'page_view_events']);
  });
});

describe('landFilesDuckDb with bad input', () => {
  const good = {
    ts: 1717200117559, sessionId: 1, level: 'free', itemInSession: 3, city: 'Tulsa', zip: '74105', state: 'OK',
    userAgent: '"Mozilla/5.0"', lon: -95.969, lat: 36.098, userId: 7, lastName: 'Lee', firstName: 'Amy', gender: 'F', registration: 1700000000000, success: true,
  };
  const rel = 'auth_events/year=2024/month=06/day=01/hour=00/part-00000.json';
  const { userId: _u, lastName: _l, firstName: _f, gender: _g, registration: _r, ...anonymous } = good;
  const planted: [string, RegExp][] = [
    ['this is not json', /^not valid JSON$/],
    ['[1,2,3]', /^not a JSON object: array$/],
    [serializeEvent({ ...good, ts: undefined }), /^missing required field ts$/],
    [serializeEvent({ ...good, ts: 'yesterday' }), /^field ts: cannot read varchar as bigint$/],
    [serializeEvent({ ...good, success: null }), /^required field success is null$/],
    [serializeEvent({ ...good, userId: 'seven' }), /^field userId: cannot read varchar as bigint$/],
    [serializeEvent({ ...good, lat: { deg: 36 }, itemInSession: 'x' }), /^field itemInSession: cannot read varchar as integer; field lat: cannot read object as double$/],
    ['', /^empty line$/],
  ];

  function plantLake(): string {
    const lake = tmp();
    mkdirSync(join(lake, rel, '..'), { recursive: true });
    const lines = [serializeEvent(good), ...planted.map((p) => p[0]), serializeEvent({ ...anonymous, success: false }), serializeEvent(good)];
    writeFileSync(join(lake, rel), lines.join('\r\n') + '\r\n');
    return lake;
  }

  it('sends every bad line to dead letters with its raw text, offset and reason, and lands the good ones', async () => {
    const lake = plantLake();
    const r = await landFilesDuckDb(conn, { lakeDir: lake });
    expect(r.counts.auth_events).toBe(3);
    expect(r.deadLetters).toBe(planted.length);
    expect(r.carefulBatches).toBe(1);
    const dl = await conn.execute(`select _topic, _offset, _file, raw_value, reason from raw.dead_letters order by _offset`);
    expect(dl.rows.map((d) => Number(d._offset))).toEqual(planted.map((_, i) => i + 1));
    dl.rows.forEach((d, i) => {
      expect(d._topic).toBe('auth_events');
      expect(d._file).toBe(rel);
      expect(d.raw_value).toBe(planted[i]![0]);
      expect(String(d.reason)).toMatch(planted[i]![1]);
    });
    const rows = await conn.execute(`select _offset, success, user_id from raw.auth_events order by _offset`);
    expect(rows.rows.map((x) => [Number(x._offset), x.success, x.user_id === null ? null : Number(x.user_id)])).toEqual([
      [0, true, 7],
      [planted.length + 1, false, null],
      [planted.length + 2, true, 7],
    ]);
    const landed = await conn.execute(`select file, lines, dead_letters from raw._sm_landed_files`);
    expect(landed.rows).toEqual([{ file: rel, lines: BigInt(planted.length + 3), dead_letters: BigInt(planted.length) }]);
  });

  it('does not let the fast path land incomplete rows or skip blank lines', async () => {
    const lake = tmp();
    mkdirSync(join(lake, rel, '..'), { recursive: true });
    const lines = [serializeEvent(good), serializeEvent({ ...good, ts: undefined }), '', serializeEvent({ ...good, success: null }), serializeEvent({ ...good, zip: 74105 }), serializeEvent(good)];
    writeFileSync(join(lake, rel), lines.join('\n') + '\n');
    const r = await landFilesDuckDb(conn, { lakeDir: lake });
    expect(r.carefulBatches).toBe(1);
    expect(r.counts.auth_events).toBe(3);
    const dl = await conn.execute(`select _offset, raw_value, reason from raw.dead_letters order by _offset`);
    expect(dl.rows.map((d) => [Number(d._offset), d.raw_value, d.reason])).toEqual([
      [1, lines[1], 'missing required field ts'],
      [2, '', 'empty line'],
      [3, lines[3], 'required field success is null'],
    ]);
    const landed = await conn.execute(`select _offset, zip from raw.auth_events order by _offset`);
    expect(landed.rows.map((x) => [Number(x._offset), x.zip])).toEqual([[0, '74105'], [4, '74105'], [5, '74105']]);
  });

  it('numbers every line right when a blank line sits in the middle or at the end of a batch', async () => {
    const lake = tmp();
    const hours = ['00', '01', '02'].map((h) => `auth_events/year=2024/month=06/day=01/hour=${h}/part-00000.json`);
    // itemInSession = line number, so a row numbered wrongly shows.
    const line = (i: number) => serializeEvent({ ...good, itemInSession: i });
    const files = [[line(0), line(1)], [line(0), '  ', line(2)], [line(0), line(1), '']];
    hours.forEach((h, i) => {
      mkdirSync(join(lake, h, '..'), { recursive: true });
      writeFileSync(join(lake, h), files[i]!.join('\n') + '\n');
    });
    const r = await landFilesDuckDb(conn, { lakeDir: lake });
    expect([r.counts.auth_events, r.deadLetters]).toEqual([6, 2]);
    expect(await count(`select count(*) n from raw.auth_events where _offset <> item_in_session`)).toBe(0);
    const dl = await conn.execute(`select _file, _offset, reason from raw.dead_letters order by _file`);
    expect(dl.rows).toEqual([
      { _file: hours[1], _offset: 1n, reason: 'empty line' },
      { _file: hours[2], _offset: 2n, reason: 'empty line' },
    ]);
  });

  it('dead-letters lines that are not UTF-8 with their bytes in base64, and lands the rest', async () => {
    const lake = plantLake();
    const latin1 = 'auth_events/year=2024/month=06/day=01/hour=01/part-00000.json';
    mkdirSync(join(lake, latin1, '..'), { recursive: true });
    const badBytes = Buffer.from([0x7b, 0x22, 0x63, 0x69, 0x74, 0x79, 0x22, 0x3a, 0x22, 0x4d, 0xfc, 0x6e, 0x22, 0x7d]); // {"city":"M\xfcn"} in Latin-1
    writeFileSync(join(lake, latin1), Buffer.concat([Buffer.from(serializeEvent(good) + '\n'), badBytes, Buffer.from('\n' + serializeEvent(good) + '\n')]));
    const r = await landFilesDuckDb(conn, { lakeDir: lake });
    expect(r.counts.auth_events).toBe(3 + 2);
    expect(r.deadLetters).toBe(planted.length + 1);
    const dl = await conn.execute(`select _offset, raw_value, reason from raw.dead_letters where _file = '${latin1}'`);
    expect(dl.rows).toEqual([{ _offset: 1n, raw_value: badBytes.toString('base64'), reason: 'line is not valid UTF-8 (raw_value holds the bytes in base64)' }]);
    const landed = await conn.execute(`select _offset from raw.auth_events where _file = '${latin1}' order by 1`);
    expect(landed.rows).toEqual([{ _offset: 0n }, { _offset: 2n }]);
    expect((await landFilesDuckDb(conn, { lakeDir: lake })).skippedFiles).toBe(2);
  });

  it('lands nothing of a file the warehouse refuses, names it, lands the others, and lands it once fixed', async () => {
    const lake = plantLake();
    const second = 'auth_events/year=2024/month=06/day=01/hour=01/part-00000.json';
    const third = 'auth_events/year=2024/month=06/day=01/hour=02/part-00000.json';
    for (const f of [second, third]) mkdirSync(join(lake, f, '..'), { recursive: true });
    writeFileSync(join(lake, second), [good, { ...good, city: 'Nowhere' }, good].map(serializeEvent).join('\n') + '\n');
    writeFileSync(join(lake, third), [good, good].map(serializeEvent).join('\n') + '\n');
    // A table someone created with a constraint the second file breaks: its insert fails part-way through.
    await conn.execute(`create schema raw`);
    await conn.execute(`create table raw.auth_events (${rawColumns('auth_events').map((c) => `"${c.name}" ${c.type}`).join(', ')}, check (city <> 'Nowhere'))`);
    for (const batchBytes of [1, undefined]) {
      const r = await landFilesDuckDb(conn, { lakeDir: lake, batchBytes });
      expect(r.reports).toEqual([{ file: second, kind: 'failed', reason: expect.stringMatching(/^the warehouse refused it, nothing of it landed: .*CHECK/) }]);
    }
    expect(await count(`select count(*) n from raw.auth_events where _file = '${second}'`)).toBe(0);
    expect(await count(`select count(*) n from raw.dead_letters where _file = '${second}'`)).toBe(0);
    expect(await count(`select count(*) n from raw._sm_landed_files where file = '${second}'`)).toBe(0);
    expect(await count(`select count(*) n from raw.auth_events where _file = '${rel}'`)).toBe(3);
    expect(await count(`select count(*) n from raw.auth_events where _file = '${third}'`)).toBe(2);

    writeFileSync(join(lake, second), [good, good].map(serializeEvent).join('\n') + '\n');
    const r = await landFilesDuckDb(conn, { lakeDir: lake });
    expect([r.counts.auth_events, r.skippedFiles, r.reports]).toEqual([2, 2, []]);
  });

  it('checks line by line only the files of a batch that have bad lines', async () => {
    const lake = tmp();
    const hours = ['00', '01', '02'].map((h) => `auth_events/year=2024/month=06/day=01/hour=${h}/part-00000.json`);
    hours.forEach((h, i) => {
      mkdirSync(join(lake, h, '..'), { recursive: true });
      writeFileSync(join(lake, h), [serializeEvent(good), i === 1 ? '{"broken' : serializeEvent(good)].join('\n') + '\n');
    });
    const r = await landFilesDuckDb(conn, { lakeDir: lake });
    expect([r.counts.auth_events, r.deadLetters, r.carefulBatches]).toEqual([5, 1, 1]);
    const dl = await conn.execute(`select _file, _offset from raw.dead_letters`);
    expect(dl.rows).toEqual([{ _file: hours[1], _offset: 1n }]);
  });

  it('does not number rows by position when DuckDB may reorder them', async () => {
    const lake = tmp();
    mkdirSync(join(lake, rel, '..'), { recursive: true });
    writeFileSync(join(lake, rel), [good, good, good].map(serializeEvent).join('\n') + '\n');
    await conn.execute('set preserve_insertion_order = false');
    try {
      const r = await landFilesDuckDb(conn, { lakeDir: lake });
      expect([r.counts.auth_events, r.carefulBatches]).toEqual([3, 1]);
      expect((await conn.execute(`select _offset from raw.auth_events order by 1`)).rows).toEqual([{ _offset: 0n }, { _offset: 1n }, { _offset: 2n }]);
    } finally {
      await conn.execute('set preserve_insertion_order = true');
    }
  });

  it('lands an empty file once and skips it on replay', async () => {
    const lake = plantLake();
    const empty = 'auth_events/year=2024/month=06/day=01/hour=02/part-00000.json';
    mkdirSync(join(lake, empty, '..'), { recursive: true });
    writeFileSync(join(lake, empty), '');
    await landFilesDuckDb(conn, { lakeDir: lake });
    const landed = await conn.execute(`select size, lines, dead_letters from raw._sm_landed_files where file = '${empty}'`);
    expect(landed.rows).toEqual([{ size: 0n, lines: 0n, dead_letters: 0n }]);
    expect((await landFilesDuckDb(conn, { lakeDir: lake })).skippedFiles).toBe(2);
  });

  it('reports a landed file that changed instead of landing its lines twice, and lands the other files', async () => {
    const lake = plantLake();
    await landFilesDuckDb(conn, { lakeDir: lake });
    appendFileSync(join(lake, rel), serializeEvent(good) + '\n');
    const other = 'auth_events/year=2024/month=06/day=01/hour=05/part-00000.json';
    mkdirSync(join(lake, other, '..'), { recursive: true });
    writeFileSync(join(lake, other), serializeEvent(good) + '\n');
    for (let i = 0; i < 2; i++) {
      const r = await landFilesDuckDb(conn, { lakeDir: lake });
      expect(r.reports).toEqual([{ file: rel, kind: 'skipped', reason: expect.stringMatching(/^it changed after it was landed \(\d+ bytes landed .*, \d+ now\)/) }]);
      expect(r.counts.auth_events).toBe(i === 0 ? 1 : 0);
    }
    expect(await count(`select count(*) n from raw.auth_events where _file = '${rel}'`)).toBe(3);
  });

  it('names a missing lake directory and an unknown topic', async () => {
    await expect(landFilesDuckDb(conn, { lakeDir: join(tmpdir(), 'no-such-lake-dir') })).rejects.toThrow(/lake directory .*no-such-lake-dir does not exist/);
    await expect(landFilesDuckDb(conn, { lakeDir: tmpdir(), topics: ['plays' as never] })).rejects.toThrow(/unknown topic "plays"/);
  });
});
