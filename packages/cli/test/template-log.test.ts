import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
const FILES = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
  'macros/shout.sql': "{% macro shout(x) %}{{ log('macro says ' ~ x, info=True) }}{{ x }}{% endmacro %}\n",
  'models/a.sql': "{{ log('a says', info=True) }}{{ log('a debug only') }}{% do print('a prints') %}\nselect {{ shout(1) }} as x\n",
  'models/b.sql': "{% set r = run_query('select 42 as n') %}\n{% if execute %}{{ log('b got ' ~ r.columns[0].values()[0], info=True) }}{% endif %}\nselect * from {{ ref('a') }}\n",
  'tests/t.sql': "{{ log('test t says', info=True) }}\nselect * from {{ ref('a') }} where x is null\n",
};
const SAID = /a says|a prints|macro says 1|b got 42|test t says|a debug only/g;
const said = (r: { out: string; err: string }) => (r.out + r.err).match(SAID) ?? [];

// What dbt-core 1.11.16 (dbt-duckdb 1.11.1) showed on the same files, 6 Dec 2026: `dbt compile`
// a says, a prints, macro says 1, b got 42, test t says; `dbt build` each once, as its node starts
// (a's three, then t's, then b's). A plain log() is its debug log's only.
describe('log(msg, info=True) and print() in templates, as dbt shows them', () => {
  it('shows what each selected node said on every compile and run, though the render is reused', async () => {
    const dir = writeProject(FILES);
    const first = await sm('compile', '--project-dir', dir);
    expect(first.code, first.err).toBe(0);
    // b asks the warehouse: compile has none, so what it says is shown when it runs (a documented difference).
    expect(said(first)).toEqual(['a says', 'a prints', 'macro says 1', 'test t says']);
    // Nothing changed: the stored results are reused, and still say it.
    const again = await sm('compile', '--project-dir', dir);
    expect(said(again)).toEqual(['a says', 'a prints', 'macro says 1', 'test t says']);
    const one = await sm('compile', '--project-dir', dir, '-s', 't');
    expect(said(one)).toEqual(['test t says']);

    const build = await sm('build', '--project-dir', dir);
    expect(build.code, build.err).toBe(0);
    expect(said(build)).toEqual(['a says', 'a prints', 'macro says 1', 'test t says', 'b got 42']);
    const run = await sm('run', '--project-dir', dir, '-s', 'b');
    expect(said(run)).toEqual(['b got 42']);

    const inline = await sm('compile', '--project-dir', dir, '--inline', "{{ log('inline says', info=True) }}select {{ shout(2) }}");
    expect(inline.code, inline.err).toBe(0);
    expect(inline.out).toMatch(/inline says\nmacro says 2\nCompiled inline node is:\nselect 2\s*$/);
  });

  // dbt 1.11.16 on the same model, 6 Dec 2026: `dbt build --quiet` printed only "a prints" (twice: a
  // fresh parse renders it too, which sm does not); `--no-print` and DBT_PRINT=false showed "a says"
  // and "macro says 1" but not "a prints"; in `--log-format json` the print is PrintEvent (Z052)
  // with data {msg} and no node_info, the log() JinjaLogInfo.
  it('print() is dbt\'s PrintEvent: shown under --quiet, where log(info=True) is not, and hidden by --no-print or DBT_PRINT=false', async () => {
    const dir = writeProject(FILES);
    const quiet = await sm('build', '--project-dir', dir, '--quiet', '-s', 'a');
    expect(quiet.code, quiet.err).toBe(0);
    expect(said(quiet)).toEqual(['a prints']);
    const noPrint = await sm('build', '--project-dir', dir, '--no-print', '-s', 'a');
    expect(said(noPrint)).toEqual(['a says', 'macro says 1', 'test t says']);
    process.env.DBT_PRINT = 'false';
    const envOff = await sm('run', '--project-dir', dir, '-s', 'a').finally(() => delete process.env.DBT_PRINT);
    expect(said(envOff)).toEqual(['a says', 'macro says 1']);
    // --print wins over the environment, as dbt's flag does.
    process.env.DBT_PRINT = 'false';
    const flagOn = await sm('run', '--project-dir', dir, '-s', 'a', '--print').finally(() => delete process.env.DBT_PRINT);
    expect(said(flagOn)).toEqual(['a says', 'a prints', 'macro says 1']);
    const json = await sm('run', '--project-dir', dir, '-s', 'a', '--log-format', 'json');
    const lines = json.out.split('\n').map((l) => JSON.parse(l) as { data: Record<string, unknown>; info: { name: string; code: string } });
    const printed = lines.find((l) => l.info.name === 'PrintEvent');
    expect(printed).toMatchObject({ data: { msg: 'a prints' }, info: { code: 'Z052', msg: 'a prints' } });
    expect(Object.keys(printed!.data)).toEqual(['msg']);
    expect(lines.filter((l) => l.info.name === 'JinjaLogInfo').map((l) => l.data.msg)).toEqual(['a says', 'macro says 1']);
    const quietJson = await sm('run', '--project-dir', dir, '-s', 'a', '--log-format', 'json', '--quiet');
    expect(quietJson.out.split('\n').map((l) => (JSON.parse(l) as { info: { name: string } }).info.name)).toEqual(['PrintEvent']);
  });
});
