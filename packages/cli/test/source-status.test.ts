import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

const SOURCES = `version: 2
sources:
  - name: s
    schema: main
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 1, period: day}
    tables:
      - name: ta
        freshness:
          error_after: {count: 1, period: day}
      - name: tb
      - name: tc
      - name: td
      - name: te
      - name: tg
      - name: tnofresh
        freshness: null
`;

const FILES = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': "name: p\nversion: '1.0'\nprofile: p\n",
  'models/src.yml': SOURCES,
  'models/ma.sql': "select * from {{ source('s','ta') }}\n",
  'models/mb.sql': "select * from {{ source('s','tb') }}\n",
  'models/ma2.sql': "select * from {{ ref('ma') }}\n",
  'models/mc.sql': "select * from {{ source('s','tc') }}\n",
};

const ok = (id: string, at: string, status = 'warn') => ({ unique_id: `source.p.s.${id}`, max_loaded_at: at, status });
const sourcesJson = (results: object[]) => JSON.stringify({ metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json' }, results, elapsed_time: 0.1 });

/**
 * The sources.json files of the recording: the target's from `dbt source freshness` (td's
 * runtime error left out, as dbt 1.11 leaves runtime errors out of the file), the state's
 * edited: tc missing, te a runtime error, tg loaded later than now.
 */
const CURRENT = sourcesJson([ok('ta', '2026-06-01T00:00:00+00:00', 'error'), ok('tb', '2026-01-01T00:00:00+00:00'), ok('tc', '2026-01-01T00:00:00+00:00'), ok('te', '2026-01-01T00:00:00+00:00'), ok('tg', '2026-06-01T00:00:00+00:00')]);
const PREVIOUS = sourcesJson([ok('ta', '2026-01-01T00:00:00+00:00'), ok('tb', '2026-01-01T00:00:00+00:00'), { unique_id: 'source.p.s.te', error: 'boom', status: 'runtime error' }, ok('tg', '2027-01-01T00:00:00+00:00')]);

/** `null`: no such file. */
function project(current: string | null = CURRENT, previous: string | null = PREVIOUS): string {
  const dir = writeProject(FILES);
  mkdirSync(join(dir, 'target'), { recursive: true });
  mkdirSync(join(dir, 'prev'));
  if (current !== null) writeFileSync(join(dir, 'target', 'sources.json'), current);
  if (previous !== null) writeFileSync(join(dir, 'prev', 'sources.json'), previous);
  return dir;
}

const listed = (out: string) => out.split('\n').filter((l) => /^(p\.|source:)/.test(l));

/**
 * `source_status:`, recorded from dbt-core 1.11.16 (`dbt ls --state prev --select ...`, the
 * files above): `fresher` is every source whose max_loaded_at in the target's sources.json is
 * later than in --state's, or that --state's has none for (missing, or a runtime error): ta
 * (fresher, its status error), tc (missing in state), te (a runtime error in state); not tb
 * (same time), tg (earlier than in state), td (a runtime error now). Another value matches
 * nothing (warning, exit 0). Without --state's sources.json (or --state) it is an error, exit 2:
 * "No previous state comparison freshness results in sources.json"; without the target's,
 * "No current state comparison freshness results in sources.json". --state needs no manifest.
 */
describe('source_status: selection, as dbt 1.11 selects', () => {
  it('selects the fresher sources, and with + what is downstream of them; cold and warm alike', async () => {
    const dir = project();
    const cold = await sm('ls', '--project-dir', dir, '--state', join(dir, 'prev'), '--select', 'source_status:fresher');
    expect(cold.code, cold.err).toBe(0);
    expect(listed(cold.out)).toEqual(['source:p.s.ta', 'source:p.s.tc', 'source:p.s.te']);
    const down = await sm('ls', '--project-dir', dir, '--state', join(dir, 'prev'), '--select', 'source_status:fresher+');
    expect(listed(down.out)).toEqual(['p.ma', 'p.ma2', 'p.mc', 'source:p.s.ta', 'source:p.s.tc', 'source:p.s.te']);
    // The next command starts from the stored compile (warm): the same answer.
    expect(existsSync(join(dir, 'target', '.sm', 'compiled', 'proof.json'))).toBe(true);
    const warm = await sm('ls', '--project-dir', dir, '--state', join(dir, 'prev'), '--select', 'source_status:fresher+');
    expect(listed(warm.out)).toEqual(listed(down.out));
    const both = await sm('ls', '--project-dir', dir, '--state', join(dir, 'prev'), '--select', 'source_status:fresher,source:s.ta');
    expect(listed(both.out)).toEqual(['source:p.s.ta']);
  });

  it('matches nothing for another value, with the usual warning', async () => {
    const dir = project();
    const r = await sm('ls', '--project-dir', dir, '--state', join(dir, 'prev'), '--select', 'source_status:stale');
    expect(r.code, r.err).toBe(0);
    expect(listed(r.out)).toEqual([]);
    expect(r.err + r.out).toContain("The selection criterion 'source_status:stale' does not match any enabled nodes");
  });

  it('is an error without either sources.json, the state\'s asked for first', async () => {
    const noState = project(CURRENT, null);
    for (const args of [['--state', join(noState, 'prev')], []]) {
      const r = await sm('ls', '--project-dir', noState, ...args, '--select', 'source_status:fresher');
      expect(r.code, `${args.join(' ')}: ${r.out}${r.err}`).toBe(2);
      expect(r.err).toContain('No previous state comparison freshness results in sources.json');
    }
    const noCurrent = project(null, PREVIOUS);
    const r = await sm('ls', '--project-dir', noCurrent, '--state', join(noCurrent, 'prev'), '--select', 'source_status:fresher');
    expect(r.code).toBe(2);
    expect(r.err).toContain('No current state comparison freshness results in sources.json');
    // --state without a manifest is no error until state: asks for one.
    const plain = await sm('ls', '--project-dir', noCurrent, '--state', join(noCurrent, 'prev'), '--select', 'ma');
    expect(plain.code, plain.err).toBe(0);
    const modified = await sm('ls', '--project-dir', noCurrent, '--state', join(noCurrent, 'prev'), '--select', 'state:modified');
    expect(modified.code).toBe(2);
    expect(modified.err).toContain('No manifest.json in --state');
  });

  it('builds what is downstream of the sources loaded since the last `sm source freshness`', async () => {
    const dir = writeProject({
      ...FILES,
      'models/src.yml': SOURCES.replace('schema: main', 'schema: raw'),
      'seeds/ta.csv': 'id,loaded_at\n1,2026-01-01 00:00:00\n',
      'seeds/tb.csv': 'id,loaded_at\n1,2026-01-01 00:00:00\n',
      'seeds/tc.csv': 'id,loaded_at\n1,2026-01-01 00:00:00\n',
      'dbt_project.yml': "name: p\nversion: '1.0'\nprofile: p\nseeds:\n  +schema: raw\n",
      'macros/schema.sql': '{% macro generate_schema_name(custom, node) %}{{ custom or target.schema }}{% endmacro %}\n',
    });
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    await sm('source', 'freshness', '--project-dir', dir, '--select', 'source:s.ta', 'source:s.tb', 'source:s.tc');
    cpSync(join(dir, 'target', 'sources.json'), join(dir, 'prev', 'sources.json'), { recursive: true });
    writeFileSync(join(dir, 'seeds', 'ta.csv'), 'id,loaded_at\n1,2026-06-01 00:00:00\n');
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    rmSync(join(dir, 'target', 'sources.json'));
    await sm('source', 'freshness', '--project-dir', dir, '--select', 'source:s.ta', 'source:s.tb', 'source:s.tc');
    const r = await sm('build', '--project-dir', dir, '--state', join(dir, 'prev'), '--select', 'source_status:fresher+');
    expect(r.code, r.out + r.err).toBe(0);
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string }[] }).results;
    expect(results.map((x) => x.unique_id).sort()).toEqual(['model.p.ma', 'model.p.ma2']);
  });
});
