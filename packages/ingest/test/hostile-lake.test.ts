/**
 * Hostile lakes, table-driven: file and folder names that are glob syntax or otherwise odd, links
 * of every kind, files still being written or changed after landing, things that are not files.
 * Every case checks the same invariants: each regular file lands exactly its own lines once (no
 * more, no fewer, under its own name), what does not land is reported with the expected kind,
 * nothing throws, and a second load lands nothing new and reports the same.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import type { AdapterSession, Connection } from '@smsql/core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { landFiles, serializeEvent } from '../src/index.ts';
import type { FileReport } from '../src/index.ts';
import { landBatch } from '../src/land-batch.ts';
import { ensureTables } from '../src/raw-tables.ts';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, LANDED_FILES_COLUMNS, LANDED_FILES_TABLE, landingTable, rawColumns } from '../src/raw-schema.ts';
import { scanLakeFiles } from '../src/scan-lake-file.ts';

const adapter = createDuckDbAdapter();
let session: AdapterSession;
let conn: Connection;
const dirs: string[] = [];
const tmp = (prefix = 'sm-hostile-') => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
beforeEach(async () => {
  session = await adapter.connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 2, path: ':memory:' }, { projectDir: tmpdir() });
  conn = await session.acquire();
});
afterEach(async () => session.close());
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const T = 'auth_events';
const HOUR = `${T}/year=2024/month=06/day=01/hour=00`;
let nextId = 1;
/** A file whose lines say which file they are (sessionId) and which line (itemInSession). */
function lines(n: number): { text: string; id: number; n: number } {
  const id = nextId++;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(serializeEvent({ ts: 1717200000000 + i, sessionId: id, level: 'free', itemInSession: i, city: 'Tulsa', zip: '74105', state: 'OK', userAgent: 'x', lon: 1, lat: 2, success: true }));
  }
  return { text: out.map((l) => `${l}\n`).join(''), id, n };
}

interface Lake {
  readonly root: string;
  /** Regular files that must land: path relative to the lake -> (file id, lines). */
  readonly expected: Map<string, { id: number; n: number }>;
  file(rel: string, n?: number): void;
  /** A file written here that must not land (its lines would show up as a duplicate or a stranger). */
  stray(abs: string, n?: number): void;
  link(rel: string, target: string): void;
  abs(rel: string): string;
}

function makeLake(root: string): Lake {
  mkdirSync(root, { recursive: true });
  const expected = new Map<string, { id: number; n: number }>();
  const abs = (rel: string) => join(root, rel);
  return {
    root,
    expected,
    abs,
    file(rel, n = 3) {
      mkdirSync(dirname(abs(rel)), { recursive: true });
      const f = lines(n);
      writeFileSync(abs(rel), f.text);
      expected.set(rel, { id: f.id, n });
    },
    stray(p, n = 2) {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, lines(n).text);
    },
    link(rel, target) {
      mkdirSync(dirname(abs(rel)), { recursive: true });
      symlinkSync(target, abs(rel));
    },
  };
}

type Expect = Readonly<Record<string, FileReport['kind']>>;
interface Case {
  readonly name: string;
  /** Builds the lake; returns the reports expected, by file (folders end with `/`). */
  readonly build: (l: Lake) => Expect | void;
  /** Lake root under a folder with this name. Default: a plain temp folder. */
  readonly rootName?: string;
}

const names = (l: Lake, list: readonly string[]) => list.forEach((n) => l.file(`${HOUR}/${n}`));

const cases: Case[] = [
  { name: 'brackets beside the name they would match as a pattern', build: (l) => names(l, ['a[1].json', 'a1.json', '[!a].json', 'b.json', '[a-z].json', 'c.json']) },
  { name: 'stars and question marks beside what they would match', build: (l) => names(l, ['x*.json', 'xa.json', 'xb.json', 'q?.json', 'qa.json', '*.json', '**.json']) },
  { name: 'braces and backslashes', build: (l) => names(l, ['{a,b}.json', 'a.json', 'b.json', 'back\\slash.json', 'back\\[x].json', 'x.json']) },
  { name: 'quotes, shell and SQL characters', build: (l) => names(l, ["it's.json", 'say "hi".json', 'semi;colon.json', "o'; drop table raw.auth_events; --.json", '$HOME.json', '%s %d.json', '~tilde.json', 'a,b.json', '#hash.json']) },
  { name: 'white space and line breaks in names', build: (l) => names(l, [' lead.json', 'trail .json', 'tab\there.json', 'new\nline.json', 'carriage\rreturn.json']) },
  { name: 'unicode names: emoji, CJK, combining marks, zero-width and right-to-left', build: (l) => names(l, ['🎵 song.json', '日本語.json', 'café.json', 'cafe\u0301.json', 'zero\u200bwidth.json', 'rtl \u202e.json', '𝓊𝓃𝒾.json']) },
  { name: 'folders named with glob syntax', build: (l) => ['[x]', '*', '?', '{a,b}', 'a'].forEach((d) => l.file(`${HOUR}/${d}/part.json`)) },
  { name: 'a very long name', build: (l) => names(l, [`${'n'.repeat(240)}.json`]) },
  { name: 'a lake root whose own path is glob syntax with emoji and quotes', rootName: "lake [1] * ? {a,b} 🎵 'q' \\", build: (l) => names(l, ['a[1].json', 'a1.json', '🎵.json']) },
  { name: 'a lake root under an emoji folder', rootName: '🎵🎶', build: (l) => names(l, ['part-0.json', 'é.json']) },
  {
    name: 'a folder link back to the lake root (a loop through ..)',
    build: (l) => {
      names(l, ['a.json']);
      l.link(`${HOUR}/up`, '../../../../..');
      return { [`${HOUR}/up/`]: 'skipped' };
    },
  },
  {
    name: 'folder links to itself, to its parent and to the topic',
    build: (l) => {
      names(l, ['a.json']);
      l.link(`${HOUR}/self`, '.');
      l.link(`${HOUR}/parent`, '..');
      l.link(`${HOUR}/topic`, l.abs(T));
      return { [`${HOUR}/self/`]: 'skipped', [`${HOUR}/parent/`]: 'skipped', [`${HOUR}/topic/`]: 'skipped' };
    },
  },
  {
    name: 'a folder link to a folder of the lake walked anyway, named before it',
    build: (l) => {
      l.file(`${T}/year=2024/month=06/day=01/hour=05/a.json`);
      l.link(`${T}/year=2024/month=06/day=01/hour=01`, 'hour=05');
      return { [`${T}/year=2024/month=06/day=01/hour=01/`]: 'skipped' };
    },
  },
  {
    name: 'a folder link into another topic',
    build: (l) => {
      names(l, ['a.json']);
      l.stray(l.abs('listen_events/year=2024/x.json'));
      l.link(`${HOUR}/listens`, l.abs('listen_events/year=2024'));
      return { [`${HOUR}/listens/`]: 'skipped' };
    },
  },
  {
    name: 'a folder link outside the lake is walked, once, even when linked twice',
    build: (l) => {
      const outside = join(tmp(), 'mounted');
      mkdirSync(outside);
      const f = lines(4);
      writeFileSync(join(outside, 'm.json'), f.text);
      l.link(`${HOUR}/mnt`, outside);
      l.link(`${HOUR}/mnt2`, outside);
      l.expected.set(`${HOUR}/mnt/m.json`, { id: f.id, n: 4 });
      return { [`${HOUR}/mnt2/`]: 'skipped' };
    },
  },
  {
    name: 'a chain of links to a folder outside the lake',
    build: (l) => {
      const outside = join(tmp(), 'far');
      mkdirSync(outside);
      const f = lines(2);
      writeFileSync(join(outside, 'f.json'), f.text);
      symlinkSync(outside, join(dirname(outside), 'hop'));
      l.link(`${HOUR}/chain`, join(dirname(outside), 'hop'));
      l.expected.set(`${HOUR}/chain/f.json`, { id: f.id, n: 2 });
    },
  },
  {
    name: 'file links (to a lake file, to a file outside, broken) are refused',
    build: (l) => {
      names(l, ['real.json']);
      const outside = join(tmp(), 'o.json');
      l.stray(outside);
      l.link(`${HOUR}/alias.json`, 'real.json');
      l.link(`${HOUR}/out.json`, outside);
      l.link(`${HOUR}/broken.json`, 'nowhere.json');
      return { [`${HOUR}/alias.json`]: 'skipped', [`${HOUR}/out.json`]: 'skipped', [`${HOUR}/broken.json`]: 'skipped' };
    },
  },
  {
    name: 'a named pipe called .json does not hang the load',
    build: (l) => {
      names(l, ['a.json']);
      execFileSync('mkfifo', [l.abs(`${HOUR}/pipe.json`)]);
      return { [`${HOUR}/pipe.json`]: 'skipped' };
    },
  },
  {
    name: 'a name that is not UTF-8',
    build: (l) => {
      names(l, ['a.json']);
      // Node cannot spell the name as a string; the shell writes the raw byte.
      execFileSync('bash', ['-c', `printf '{"x":1}\\n' > "$1"/$'\\xff'.json`, 'x', l.abs(HOUR)]);
      return { [`${HOUR}/\ufffd.json`]: 'skipped' };
    },
  },
  {
    name: 'hidden files and writers\u2019 _temporary folders are left alone, quietly',
    build: (l) => {
      names(l, ['a.json']);
      l.stray(l.abs(`${HOUR}/.a.json.swp.json`));
      l.stray(l.abs(`${HOUR}/_temporary/0/part-0.json`));
      l.stray(l.abs(`${T}/.hidden/x.json`));
    },
  },
  {
    name: 'a file still being written (its last line has no line break) waits; the others land',
    build: (l) => {
      names(l, ['done.json']);
      writeFileSync(l.abs(`${HOUR}/writing.json`), `${lines(2).text}{"ts": 17172`);
      return { [`${HOUR}/writing.json`]: 'deferred' };
    },
  },
  {
    name: 'other extensions and folders named like files are not lake files',
    build: (l) => {
      names(l, ['a.json', 'b.jsonl', 'c.ndjson']);
      l.stray(l.abs(`${HOUR}/d.json.gz`));
      l.stray(l.abs(`${HOUR}/e.csv`));
      l.stray(l.abs(`${HOUR}/folder.json/inner.txt`));
    },
  },
];

async function rowsByFile(): Promise<Map<string, { n: number; ids: number[]; offsets: number }>> {
  const res = await conn.execute(`select _file, count(*) as n, list(distinct session_id order by session_id) as ids, count(distinct _offset) as offsets from raw.${T} group by _file`);
  return new Map(res.rows.map((r) => [String(r._file), { n: Number(r.n), ids: (r.ids as bigint[]).map(Number), offsets: Number(r.offsets) }]));
}

const land = (lakeDir: string) => landFiles({ connection: conn, adapter }, { lakeDir, batchBytes: 4096, topics: [T] });

describe('hostile lakes', () => {
  it.each(cases)('$name', async (c) => {
    const root = c.rootName ? join(tmp(), c.rootName, 'lake') : join(tmp(), 'lake');
    const lake = makeLake(root);
    const reports = c.build(lake) ?? {};
    for (let round = 0; round < 2; round++) {
      const r = await land(root);
      expect(Object.fromEntries(r.reports.map((x) => [x.file, x.kind])), `round ${round}: ${JSON.stringify(r.reports)}`).toEqual(reports);
      for (const x of r.reports) expect(x.reason.length).toBeGreaterThan(10);
      expect(r.deadLetters).toBe(0);
      const landed = await rowsByFile();
      const want = new Map([...lake.expected].map(([file, f]) => [file, { n: f.n, ids: [f.id], offsets: f.n }]));
      expect(landed).toEqual(want);
      if (round === 1) expect(Object.values(r.counts).reduce((a, b) => a + b, 0)).toBe(0);
    }
  });
});

describe('files that change', () => {
  it('lands a deferred file once it is complete, from its first line', async () => {
    const root = join(tmp(), 'lake');
    const lake = makeLake(root);
    lake.file(`${HOUR}/a.json`);
    const f = lines(3);
    const text = f.text;
    writeFileSync(lake.abs(`${HOUR}/w.json`), text.slice(0, text.length - 10));
    expect((await land(root)).reports).toEqual([{ file: `${HOUR}/w.json`, kind: 'deferred', reason: expect.stringMatching(/no line break/) }]);
    writeFileSync(lake.abs(`${HOUR}/w.json`), text);
    const r = await land(root);
    expect([r.reports, r.counts.auth_events]).toEqual([[], 3]);
    expect((await rowsByFile()).get(`${HOUR}/w.json`)).toEqual({ n: 3, ids: [f.id], offsets: 3 });
  });

  it('reports a file that grew after it was landed on every load, never blocking files that come later', async () => {
    const root = join(tmp(), 'lake');
    const lake = makeLake(root);
    lake.file(`${HOUR}/a.json`);
    await land(root);
    appendFileSync(lake.abs(`${HOUR}/a.json`), lines(1).text);
    for (let i = 0; i < 3; i++) {
      lake.file(`${T}/year=2024/month=06/day=0${i + 2}/hour=00/new.json`);
      const r = await land(root);
      expect(r.reports.map((x) => [x.file, x.kind])).toEqual([[`${HOUR}/a.json`, 'skipped']]);
      expect(r.counts.auth_events).toBe(3);
    }
  });

  it('rolls back and defers a file that changes between its scan and its commit, on both paths, landing the rest', async () => {
    const root = join(tmp(), 'lake');
    const lake = makeLake(root);
    for (const n of ['a.json', 'b.json', 'c.json']) lake.file(`${HOUR}/${n}`);
    // b.json also has a bad line, so it is landed line by line.
    writeFileSync(lake.abs(`${HOUR}/bad.json`), `${lines(2).text}not json\n`);
    const t = { connection: conn, adapter };
    const wanted = new Map([
      [T, { columns: rawColumns(T) }],
      [DEAD_LETTER_TABLE, { columns: DEAD_LETTER_COLUMNS }],
      [LANDED_FILES_TABLE, { columns: LANDED_FILES_COLUMNS }],
    ]);
    const { inOrder } = await ensureTables(t, 'raw', wanted);
    const files = ['a.json', 'b.json', 'bad.json', 'c.json'].map((n) => {
      const abs = lake.abs(`${HOUR}/${n}`);
      const st = statSync(abs);
      return { abs, rel: `${HOUR}/${n}`, size: st.size, mtimeMs: st.mtimeMs };
    });
    const { scanned } = await scanLakeFiles(files);
    // Writers append after the scan: the whole-file path (b) and the line-by-line path (bad) both see it before committing.
    appendFileSync(lake.abs(`${HOUR}/b.json`), lines(1).text);
    appendFileSync(lake.abs(`${HOUR}/bad.json`), lines(1).text);
    const lander = await adapter.landing!.open(conn, adapter.landing!.options(undefined));
    try {
      const r = await landBatch({ target: t, lander, schema: 'raw', topic: T, table: landingTable('raw', T, new Date()), inOrder }, scanned);
      expect(r.reports.map((x) => [x.file, x.kind]).sort()).toEqual([[`${HOUR}/b.json`, 'deferred'], [`${HOUR}/bad.json`, 'deferred']]);
      expect([...(await rowsByFile()).keys()].sort()).toEqual([`${HOUR}/a.json`, `${HOUR}/c.json`]);
      expect(Number((await conn.execute(`select count(*) as n from raw.${LANDED_FILES_TABLE}`)).rows[0]!.n)).toBe(2);
      expect(Number((await conn.execute(`select count(*) as n from raw.${DEAD_LETTER_TABLE}`)).rows[0]!.n)).toBe(0);
    } finally {
      await lander.close();
    }
    // Next load: both are complete now and land whole.
    const again = await land(root);
    expect(again.reports).toEqual([]);
    expect((await rowsByFile()).get(`${HOUR}/b.json`)?.n).toBe(4);
  });
});

describe('lines that are hard to land', () => {
  it('lands a valid line longer than DuckDB reads by default, and keeps an invalid one whole as a dead letter', async () => {
    const root = join(tmp(), 'lake');
    const lake = makeLake(root);
    lake.file(`${HOUR}/a.json`);
    const big = (city: string) => serializeEvent({ ts: 1, sessionId: 7, level: 'free', itemInSession: 0, city, zip: '74105', state: 'OK', userAgent: 'x', lon: 1, lat: 2, success: true });
    const long = 'L'.repeat(17 << 20);
    writeFileSync(lake.abs(`${HOUR}/long.json`), `${big(long)}\n${big('short')}\n${big(long).replace('"success":true', '"success":"maybe"')}\n`);
    const r = await land(root);
    expect([r.reports, r.deadLetters, r.counts.auth_events]).toEqual([[], 1, 3 + 2]);
    const rows = await conn.execute(`select _offset, length(city) as n from raw.${T} where _file = '${HOUR}/long.json' order by 1`);
    expect(rows.rows.map((x) => [Number(x._offset), Number(x.n)])).toEqual([[0, long.length], [1, 5]]);
    const dead = await conn.execute(`select _offset, length(raw_value) as n, reason from raw.${DEAD_LETTER_TABLE}`);
    expect(dead.rows.map((x) => [Number(x._offset), Number(x.n), x.reason])).toEqual([[2, big(long).replace('"success":true', '"success":"maybe"').length, expect.stringMatching(/longer than the 16 MiB/)]]);
  });

  it('lands files with bad lines line by line with the same rows as the whole-file path would give', async () => {
    const root = join(tmp(), 'lake');
    const lake = makeLake(root);
    const f = lines(50);
    // Values DuckDB's cast reads although they are not the column's JSON type, beside plain ones.
    const odd = [
      serializeEvent({ ts: '1717200000001', sessionId: f.id, level: 'free', itemInSession: 50, city: 'Tulsa', zip: 74105, state: 'OK', userAgent: 'x', lon: '1.5', lat: 2, success: true }),
      serializeEvent({ ts: 1717200000002, sessionId: f.id, level: 'free', itemInSession: 51, city: 'Caf\u00e9 \u{1f3b5}', zip: '7', state: 'OK', userAgent: 'x', lon: 1, lat: 2e1, success: true }),
    ];
    mkdirSync(lake.abs(HOUR), { recursive: true });
    writeFileSync(lake.abs(`${HOUR}/clean.json`), `${f.text}${odd.join('\n')}\n`);
    writeFileSync(lake.abs(`${HOUR}/dirty.json`), `${f.text}${odd.join('\n')}\nnot json\n`);
    const r = await land(root);
    expect([r.reports, r.deadLetters, r.carefulBatches]).toEqual([[], 1, 1]);
    const q = (file: string) => conn.execute(`select * exclude (_file, _ingested_at) from raw.${T} where _file = '${HOUR}/${file}' order by _offset`).then((x) => x.rows);
    const [clean, dirty] = [await q('clean.json'), await q('dirty.json')];
    expect(clean).toHaveLength(52);
    expect(dirty).toEqual(clean);
  });
});

describe('lake paths and targets that cannot be landed', () => {
  it('names the problem: no directory, a file, a missing folder, a target without landing, bad landing options', async () => {
    const file = join(tmp(), 'not-a-dir.json');
    writeFileSync(file, '{}\n');
    const usage = async (p: Promise<unknown>, re: RegExp) => {
      const e = (await p.then(() => undefined, (x: unknown) => x)) as { kind?: string; message: string } | undefined;
      expect(e?.kind, String(e?.message)).toBe('SmProjectError');
      expect(e!.message).toMatch(re);
    };
    await usage(land(''), /--lake names no directory/);
    await usage(land('   '), /--lake names no directory/);
    await usage(land(file), /is a file, not a directory/);
    await usage(land(join(tmpdir(), 'no-such-lake-🎵')), /lake directory .*no-such-lake-🎵 does not exist/);
    await usage(landFiles({ connection: conn, adapter: { type: 'warehouse', dialect: adapter.dialect } }, { lakeDir: tmpdir() }), /a warehouse target cannot land lake files/);
    for (const [opts, re] of [
      [{ stage_dirr: '/tmp' }, /unknown DuckDB landing option `landing.stage_dirr`/],
      [{ stage_dir: 'relative' }, /`landing.stage_dir` must be an absolute path/],
      [{ readers: 0 }, /`landing.readers` must be a whole number/],
      [{ memory_limit: 'lots' }, /`landing.memory_limit` must be a size such as 512MB/],
      ['yes', /must be a map/],
    ] as const) {
      const e = await landFiles({ connection: conn, adapter, landingOptions: opts }, { lakeDir: tmpdir() }).catch((x: { code?: string; message: string }) => x);
      expect((e as { code?: string }).code).toBe('SM_DUCKDB_LANDING_CONFIG');
      expect((e as Error).message).toMatch(re);
    }
  });
});
