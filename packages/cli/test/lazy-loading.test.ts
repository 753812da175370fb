import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './run-cli.ts';

const RECORD = fileURLToPath(new URL('./fixtures/record-modules.mjs', import.meta.url));
const PROJECT = fileURLToPath(new URL('../../../project', import.meta.url));

const HEAVY = {
  core: /\/packages\/core\/|@smsql\/core/,
  duckdb: /@duckdb\/node-api|@duckdb\/node-bindings/,
  snowflake: /snowflake-sdk/,
  kafka: /@platformatic\/kafka/,
  chokidar: /\/chokidar\//,
  nunjucks: /\/nunjucks\//,
};

/** The modules `sm argv` loaded, as URLs. */
function loaded(argv: string[], cwd: string): string[] {
  const out = join(cwd, `modules-${Math.random().toString(36).slice(2)}.txt`);
  const r = spawnSync(process.execPath, ['--import', RECORD, BIN, ...argv], { cwd, encoding: 'utf8', env: { ...process.env, SM_MODULES_OUT: out } });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return readFileSync(out, 'utf8').split('\n');
}

function expectNone(modules: string[], which: (keyof typeof HEAVY)[]): void {
  // Reading a package's package.json (for versions) loads none of its code.
  for (const w of which) expect(modules.filter((m) => HEAVY[w].test(m) && !m.endsWith('/package.json')), w).toEqual([]);
}

/** Commands load only what they use: startup is paid by every Airflow task. */
describe('what each command loads', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sm-lazy-'));
    cpSync(PROJECT, dir, { recursive: true, filter: (src) => !/\/(target|lake|logs)(\/|$)|\.duckdb(\.wal)?$/.test(src.slice(PROJECT.length)) });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--version: no project code and no driver', () => {
    expectNone(loaded(['--version'], dir), ['core', 'duckdb', 'snowflake', 'kafka', 'chokidar', 'nunjucks']);
  });
  it('ls, compile and parse on Streamify: no warehouse driver, no Kafka, no watcher', () => {
    for (const cmd of ['ls', 'compile', 'parse']) {
      const m = loaded([cmd], dir);
      expect(m.some((u) => HEAVY.core.test(u)), cmd).toBe(true);
      expectNone(m, ['duckdb', 'snowflake', 'kafka', 'chokidar']);
    }
  });
  it('ingest generate: no Kafka client and no warehouse driver', () => {
    expectNone(loaded(['ingest', 'generate', '--users', '5', '--start', '2026-11-01', '--end', '2026-11-01T02:00:00Z'], dir), ['kafka', 'snowflake', 'duckdb']);
  });
  it('build on DuckDB: DuckDB, but no Snowflake driver and no Kafka client', () => {
    const m = loaded(['seed'], dir);
    expect(m.some((u) => HEAVY.duckdb.test(u))).toBe(true);
    expectNone(m, ['snowflake', 'kafka', 'chokidar']);
  });
});
