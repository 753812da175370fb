import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

const project = (hooks: string) =>
  writeProject({
    'profiles.yml': PROFILE,
    'dbt_project.yml': `name: demo\nversion: '1.0'\nprofile: demo\n${hooks}`,
    'models/m.sql': 'select 1 as id\n',
  });

const results = (dir: string) => (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results.map((r) => [r.unique_id, r.status]);

// dbt-core 1.11.16 + dbt-duckdb 1.11.1 on the same files, 7 Dec 2026: a hook whose SQL fails is an
// error result (exit 1, the nodes still run); a hook whose template fails while it renders (here
// a run_query() of a missing table) stops the command with "Encountered an error: Runtime Error"
// and exit 2. After on-run-start nothing runs and no run_results.json is written; after
// on-run-end run_results.json holds the model and the hook before it, not the failing one nor the
// one after. brooklyn-data/dbt_artifacts' on-run-end hits this on a `dbt seed` before its tables exist.
describe('a project hook whose template fails to render', () => {
  it('in on-run-start stops the command before any node runs: exit 2, no run_results.json', async () => {
    const dir = project(`on-run-start:\n  - "select 0"\n  - "{% do run_query('select * from nope_render') %}"\n  - "select 1"\n`);
    const r = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toContain('on-run-start hook demo.on-run-start.1');
    expect(r.err).toContain('nope_render');
    expect(r.out).not.toContain('view m');
    expect(existsSync(join(dir, 'target/run_results.json'))).toBe(false);
  });

  it('in on-run-end stops the command after the nodes ran: exit 2, run_results.json without the failing hook, what it logged shown', async () => {
    const dir = project(`on-run-end:\n  - "select 0"\n  - "{% do log('said before failing', info=true) %}{% do run_query('select * from nope_render') %}"\n  - "select 1"\n`);
    const r = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.out).toContain('said before failing');
    expect(r.err).toContain('on-run-end hook demo.on-run-end.1');
    expect(r.err).toContain('the command stopped there');
    expect(results(dir)).toEqual([
      ['model.demo.m', 'success'],
      ['operation.demo.demo-on-run-end-0', 'success'],
    ]);
  });

  it('whose SQL fails is an error result and the nodes still run (exit 1)', async () => {
    const dir = project(`on-run-start:\n  - "select * from nope_exec"\n  - "select 1"\n`);
    const r = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(1);
    expect(results(dir)).toEqual([
      ['operation.demo.demo-on-run-start-0', 'error'],
      ['operation.demo.demo-on-run-start-1', 'skipped'],
      ['model.demo.m', 'success'],
    ]);
  });
});

// The same run on dbt 1.11.16 + dbt-duckdb 1.11.1 logged these lines (dbt_artifacts reads
// `result.node.config.full_refresh` of a test, whose config has no such key, and falls back to
// flags.FULL_REFRESH on its None).
describe('what on-run-start and on-run-end read', () => {
  it('on-run-end: schemas of the relations that did not fail, with the default database; a config key a node lacks is None', async () => {
    const log = (s: string) => `{% do log(${s}, info=true) %}`;
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': `name: demo
version: '1.0'
profile: demo
on-run-start:
  - "${log(`'START schemas=' ~ (schemas is defined) ~ ' results=' ~ (results is defined)`)}"
on-run-end:
  - "${log(`'END schemas=' ~ (schemas | sort) ~ ' pairs=' ~ (database_schemas | map('list') | sort) ~ ' n=' ~ (results | length)`)}{% for r in results | sort(attribute='node.unique_id') %}${log(`'R ' ~ r.node.unique_id ~ ' ' ~ r.status ~ ' fr=' ~ (r.node.config.full_refresh is none) ~ ' x=' ~ (r.node.config.no_such_key is none) ~ ' get=' ~ r.node.config.get('no_such_key', 'dflt') ~ ' item=' ~ (r.node.config['no_such_key'] is none)`)}{% endfor %}"
`,
      'models/ok.sql': 'select 1 as id\n',
      'models/ok_other.sql': "{{ config(schema='other') }} select 1 as id\n",
      'models/broken.sql': "{{ config(schema='bad') }} select * from nope\n",
      'seeds/s.csv': 'id\n1\n',
      'models/t.yml': 'version: 2\nmodels:\n  - name: ok\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    });
    const r = await sm('build', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(1);
    const lines = r.out.split('\n').filter((l) => /^(START|END|R) /.test(l));
    expect(lines).toEqual([
      'START schemas=False results=False',
      "END schemas=['main', 'main_other'] pairs=[['dev', 'main'], ['dev', 'main_other']] n=5",
      'R model.demo.broken error fr=True x=True get=dflt item=True',
      'R model.demo.ok success fr=True x=True get=dflt item=True',
      'R model.demo.ok_other success fr=True x=True get=dflt item=True',
      'R seed.demo.s success fr=True x=True get=dflt item=True',
      'R test.demo.not_null_ok_id.054f18ea36 pass fr=True x=True get=dflt item=True',
    ]);
  });
});
