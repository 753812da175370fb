import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

// Made by scripts/ci/install-python-duckdb.sh (CI and `pnpm test` run it through scripts/ci/prepare.sh).
const VENV = process.env.SM_PYTHON_VENV ?? join(process.env.SM_PYTHON_CACHE ?? join(homedir(), '.cache', 'sm-python'), 'duckdb-pandas');
const PYTHON = join(VENV, 'bin', 'python');

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';
const events = ['id,ts,user_id,v', ...Array.from({ length: 16 }, (_, i) => `${i + 1},2026-03-0${Math.floor(i / 4) + 1} ${['00', '01', '05', '23'][i % 4]}:30:00,${((i + 1) % 3) + 1},${i + 1}`), '17,2026-02-28 12:00:00,1,100'].join('\n');

const FILES = {
  'profiles.yml': PROFILE,
  'sm_project.yml': 'name: demo\nprofile: demo\nmodels:\n  demo:\n    +materialized: view\n',
  'seeds/events.csv': `${events}\n`,
  'seeds/users.csv': 'user_id,name\n1,ann\n2,bob\n3,cy\n',
  // A DuckDB relation in and out; a config value from YAML through dbt.config.get.
  'models/big_events.py': [
    'def model(dbt, session):',
    '    # A DuckDB relation in, a DuckDB relation out (not dbt.ref("gone"): a comment is no call).',
    '    dbt.config(materialized="table", tags=["py"])',
    '    events = dbt.ref("events")',
    '    return events.filter(f"v >= {dbt.config.get(\'min_v\', 0)}").project("id, ts, v, user_id")',
  ].join('\n'),
  // pandas DataFrames in and out, from a Python model and a seed; dbt.this.
  'models/user_totals.py': [
    'import pandas as pd',
    '',
    '',
    'def model(dbt, session):',
    "    dbt.config(materialized='table')",
    "    events = dbt.ref('big_events').df()",
    "    users = dbt.ref('users').df()",
    "    df = events.merge(users, on='user_id').groupby('name', as_index=False).agg(n=('id', 'count'), total=('v', 'sum'))",
    "    df['label'] = df['name'].str.upper() + '-' + str(dbt.this).split('.')[-1].strip('\"')",
    "    return df.sort_values('name')",
  ].join('\n'),
  'models/after.sql': "select name, total * 2 as doubled from {{ ref('user_totals') }}",
  'models/schema.yml': 'models:\n  - name: big_events\n    config:\n      min_v: 5\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
};

const text = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 19).replace('T', ' ') : String(v));
const table = async (dir: string, t: string) => (await queryDuckDb(join(dir, 'demo.duckdb'), `select * from ${t} order by all`)).map((r) => Object.values(r).map(text).join(':')).join(' ');
const types = async (dir: string, t: string) => (await queryDuckDb(join(dir, 'demo.duckdb'), `describe ${t}`)).map((r) => `${String(r.column_name)} ${String(r.column_type)}`).join(', ');

beforeAll(() => {
  if (!existsSync(PYTHON)) throw new Error(`No Python with duckdb and pandas at ${PYTHON}: run scripts/ci/install-python-duckdb.sh (scripts/ci/prepare.sh runs it)`);
});
afterEach(() => {
  delete process.env.SM_PYTHON;
});

// The rows and types below are what dbt-core 1.11.16 with dbt-duckdb 1.11.1 (and pandas) built
// from the same files (5 Dec 2026), and its manifest's language, refs and checksum.
describe('dbt Python models (def model(dbt, session)) on DuckDB', () => {
  it('build as dbt-duckdb builds them: refs to seeds and models, relations and DataFrames, config.get, this, tests, SQL downstream', async () => {
    process.env.SM_PYTHON = PYTHON;
    const dir = writeProject(FILES);
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('OK=7');
    expect(await table(dir, 'big_events')).toBe(
      [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].map((i) => `${i}:2026-03-0${Math.floor((i - 1) / 4) + 1} ${['00', '01', '05', '23'][(i - 1) % 4]}:30:00:${i}:${(i % 3) + 1}`).join(' ') + ' 17:2026-02-28 12:00:00:100:1',
    );
    expect(await types(dir, 'big_events')).toBe('id INTEGER, ts TIMESTAMP, v INTEGER, user_id INTEGER');
    expect(await table(dir, 'user_totals')).toBe('ann:5:142:ANN-user_totals bob:4:46:BOB-user_totals cy:4:38:CY-user_totals');
    expect(await types(dir, 'user_totals')).toBe('name VARCHAR, n BIGINT, total INTEGER, label VARCHAR');
    expect(await table(dir, 'after')).toBe('ann:284 bob:92 cy:76');
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { language: string; raw_code: string; depends_on: { nodes: string[] }; config: { materialized: string }; tags: string[] }> };
    const n = m.nodes['model.demo.user_totals']!;
    expect([n.language, n.config.materialized, n.depends_on.nodes]).toEqual(['python', 'table', ['model.demo.big_events', 'seed.demo.users']]);
    expect(n.raw_code).toBe(FILES['models/user_totals.py']);
    expect(m.nodes['model.demo.big_events']!.tags).toEqual(['py']);
    // The docs page shows the Python source, not the template sm made from its calls.
    expect((await sm('docs', 'generate', '--project-dir', dir)).code).toBe(0);
    const docs = JSON.parse(readFileSync(join(dir, 'target', 'docs', 'docs.json'), 'utf8')) as { nodes: { id: string; rawCode: string | null; compiledCode: string | null }[] };
    const shown = docs.nodes.find((d) => d.id === 'model.demo.user_totals')!;
    expect(shown.rawCode).toBe(FILES['models/user_totals.py']);
    expect(shown.compiledCode).not.toContain('sm:resolved');
    // Selection by tag and graph, and a warm run, as for any model.
    const again = await sm('run', '--project-dir', dir, '-s', 'tag:py+');
    expect(again.code, again.out + again.err).toBe(0);
    expect(again.out).toContain('OK=3');
  });

  it('incremental: dbt.is_incremental and dbt.this in session once the table exists, merged on unique_key', async () => {
    process.env.SM_PYTHON = PYTHON;
    const dir = writeProject({
      ...FILES,
      'models/inc.py': [
        'def model(dbt, session):',
        '    dbt.config(materialized="incremental", unique_key="id")',
        '    events = dbt.ref("events")',
        '    if dbt.is_incremental:',
        '        top = session.sql(f"select max(id) from {dbt.this}").fetchall()[0][0]',
        '        events = events.filter(f"id > {top - 2}")',
        "    return events.project(f\"id, v, {1 if dbt.is_incremental else 0} as inc\")",
      ].join('\n'),
    });
    const seed = (csv: string) => writeFileSync(join(dir, 'seeds/events.csv'), csv);
    seed(`${events.split('\n').slice(0, 17).join('\n')}\n`);
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    let r = await sm('run', '--project-dir', dir, '-s', 'inc');
    expect(r.code, r.out + r.err).toBe(0);
    // One more event, and event 15's value changed: the run reads ids above 14 and merges them.
    seed(`${events.split('\n').slice(0, 17).join('\n').replace('\n15,2026-03-04 05:30:00,1,15', '\n15,2026-03-04 05:30:00,1,150')}\n18,2026-03-05 00:00:00,1,18\n`);
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    r = await sm('run', '--project-dir', dir, '-s', 'inc');
    expect(r.code, r.out + r.err).toBe(0);
    expect(await table(dir, 'inc')).toBe('1:1:0 2:2:0 3:3:0 4:4:0 5:5:0 6:6:0 7:7:0 8:8:0 9:9:0 10:10:0 11:11:0 12:12:0 13:13:0 14:14:0 15:150:1 16:16:1 18:18:1');
    expect(await types(dir, 'inc')).toBe('id INTEGER, v INTEGER, inc INTEGER');
    r = await sm('run', '--project-dir', dir, '-s', 'inc', '--full-refresh');
    expect(r.code, r.out + r.err).toBe(0);
    // --full-refresh: rebuilt whole, dbt.is_incremental false.
    const rebuilt = (await table(dir, 'inc')).split(' ');
    expect(rebuilt).toHaveLength(17);
    expect(rebuilt.filter((row) => row.endsWith(':1'))).toEqual([]);
  });

  it('a Python error fails the model with its traceback (exit 1) and skips what depends on it; no Python is said plainly', async () => {
    process.env.SM_PYTHON = PYTHON;
    const dir = writeProject({ ...FILES, 'models/big_events.py': 'def model(dbt, session):\n    return dbt.ref("events").project("no_such_column")\n' });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('big_events (models/big_events.py) failed in Python (exit 1)');
    expect(r.out).toContain('no_such_column');
    expect(r.out).toMatch(/skipped: .*user_totals/);
    process.env.SM_PYTHON = '/nonexistent/python3';
    const none = await sm('run', '--project-dir', dir, '-s', 'big_events');
    expect(none.code).toBe(1);
    expect(none.out).toContain('there is no /nonexistent/python3 to run it: install Python 3 with the duckdb package, or set SM_PYTHON');
  });

  it('refuses what it cannot read or build, naming the file: no model(), a config that is not literal, incremental', async () => {
    process.env.SM_PYTHON = PYTHON;
    const bad = await sm('run', '--project-dir', writeProject({ ...FILES, 'models/x.py': 'import os\n' }));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('models/x.py is a Python model that cannot be read: it defines no model(dbt, session) function');
    const computed = await sm('run', '--project-dir', writeProject({ ...FILES, 'models/x.py': 'def model(dbt, session):\n    dbt.config(materialized=pick())\n    return dbt.ref("events")\n' }));
    expect(computed.code).toBe(2);
    expect(computed.err).toContain('dbt.config() on line 2 has a value that is not a literal');
    const view = await sm('run', '--project-dir', writeProject({ ...FILES, 'models/x.py': 'def model(dbt, session):\n    dbt.config(materialized="view")\n    return dbt.ref("events")\n' }), '-s', 'x');
    expect(view.code).toBe(1);
    expect(view.out).toContain('x (models/x.py) is a Python model materialized as view: a Python model is a table or incremental');
    const eph = await sm('build', '--project-dir', writeProject({ ...FILES, 'models/e.sql': "{{ config(materialized='ephemeral') }} select 1 as id", 'models/x.py': 'def model(dbt, session):\n    return dbt.ref("e")\n' }), '-s', 'x');
    expect(eph.code).toBe(1);
    expect(eph.out).toContain('refs the ephemeral model e: a Python model reads relations');
    // Disabled in YAML: left out, nothing said.
    const off = await sm('seed', '--project-dir', writeProject({ ...FILES, 'models/x.py': 'import os\n', 'models/off.yml': 'models:\n  - name: x\n    config:\n      enabled: false\n' }));
    expect(off.code, off.out + off.err).toBe(0);
    expect(off.out + off.err).not.toContain('x.py');
    expect(off.out + off.err).not.toContain('YAML documents model');
  });
});

type ParsedEntry = { config: Record<string, unknown>; unrendered_config: Record<string, unknown> };
/** `sm parse` of `dir` (exit 0), then manifest.json's nodes. */
async function parsedNodes(dir: string): Promise<Record<string, ParsedEntry>> {
  const parsed = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
  expect(parsed.code, parsed.out + parsed.err).toBe(0);
  return (JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, ParsedEntry> }).nodes;
}

// Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 (`dbt parse`; found on matsonj/nba-monte-carlo,
// whose Python models sit under +materialized: view folders): dbt gives a Python model materialized
// 'table' as its YAML config unless its YAML sets one, so a folder's +materialized: incremental does
// not reach it: p (folder incremental) -> config and unrendered_config "table"; q (folder view, YAML
// incremental) -> "incremental"; r (folder incremental, dbt.config(materialized="incremental")) -> "incremental".
// sm kept the folder's incremental for p (and "view" in unrendered_config for a view folder's model).
describe("a Python model's materialization, as dbt 1.11 settles it", () => {
  it('is table over the project file, unless its YAML or its dbt.config() says otherwise', async () => {
    const model = (extra: string) => `def model(dbt, session):\n${extra}    return dbt.ref("a")\n`;
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nmodels:\n  demo:\n    py:\n      +materialized: incremental\n    py2:\n      +materialized: view\n",
      'models/a.sql': 'select 1 as id',
      'models/py/p.py': model(''),
      'models/py/r.py': model('    dbt.config(materialized="incremental")\n'),
      'models/py2/q.py': model(''),
      'models/py2/v.py': model(''),
      'models/schema.yml': 'version: 2\nmodels:\n  - name: q\n    config:\n      materialized: incremental\n',
    });
    const nodes = await parsedNodes(dir);
    const got = Object.fromEntries(['p', 'q', 'r', 'v'].map((m) => [m, [nodes[`model.demo.${m}`]!.config.materialized, nodes[`model.demo.${m}`]!.unrendered_config.materialized]]));
    expect(got).toEqual({ p: ['table', 'table'], q: ['incremental', 'incremental'], r: ['incremental', 'incremental'], v: ['table', 'table'] });
  });
});

// Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 on matsonj/nba-monte-carlo (`dbt parse`):
// nfl_elo_rollforward.py calls dbt.config.get("nfl_elo_offset", 52.0): its config and unrendered_config
// end with config_keys_used ["nfl_elo_offset"], config_keys_defaults [52.0], meta_keys_used [],
// meta_keys_defaults []; nfl_tiebreakers_optimized.py, which calls none, has none of the four keys.
describe('the keys a Python model reads with dbt.config.get, in its manifest config, as dbt 1.11 lists them', () => {
  it('config_keys_used and its defaults, meta_keys_used and its defaults; none for a model that reads none', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
      'models/a.sql': 'select 1 as id',
      'models/g.py': 'def model(dbt, session):\n    offset = dbt.config.get("nfl_elo_offset", 52.0)\n    return dbt.ref("a")\n',
      'models/n.py': 'def model(dbt, session):\n    return dbt.ref("a")\n',
    });
    const nodes = await parsedNodes(dir);
    const keys = { config_keys_used: ['nfl_elo_offset'], config_keys_defaults: [52], meta_keys_used: [], meta_keys_defaults: [] };
    expect(nodes['model.demo.g']!.config).toMatchObject(keys);
    expect(nodes['model.demo.g']!.unrendered_config).toMatchObject(keys);
    expect(Object.keys(nodes['model.demo.n']!.config)).not.toContain('config_keys_used');
  });
});
