import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/** One row of each type an analyst looks at: the shapes dbt show and the DuckDB shell print. */
const TYPED = `{{ config(materialized='table') }}
select timestamp '2026-11-23 10:00:00' as event_ts,
  timestamp '2026-11-23 10:00:00.25' as precise_ts,
  date '2026-11-23' as date_day,
  1.50::decimal(10, 2) as amount,
  interval 3 hour as lag,
  time '07:30:00' as at_time,
  [1, 2] as ids,
  cast(null as varchar) as missing`;

/** Cells of the one data row of a rendered table, by column. */
function row(table: string): Record<string, string> {
  const lines = table.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string) => l.slice(1, -1).split('|').map((c) => c.trim());
  const head = cells(lines[0]!);
  const values = cells(lines[2]!);
  return Object.fromEntries(head.map((h, i) => [h, values[i]!]));
}

describe('sm show', () => {
  // Recorded from `dbt show -s f --output json` (dbt 1.11.16, dbt-duckdb 1.11.1), 6 Dec 2026: dbt makes a float of
  // every non-integer number, and Python's json writes 2.0, 1e-05, 1e+16.
  it('--output json writes floats and decimals as Python writes the float dbt makes of them', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/f.sql': 'select 2.0::double as d, 1.5::double as h, 0.00001::double as tiny, 1e16::double as big, 2.00::decimal(18,2) as dec, 1.50::decimal(10,2) as dec2, 3 as i, 123456789.123::double as m\n' });
    const r = await sm('show', '-s', 'f', '--output', 'json', '-q', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('{\n  "node": "f",\n  "show": [\n    {\n      "d": 2.0,\n      "h": 1.5,\n      "tiny": 1e-05,\n      "big": 1e+16,\n      "dec": 2.0,\n      "dec2": 1.5,\n      "i": 3,\n      "m": 123456789.123\n    }\n  ]\n}');
  });

  // Recorded 7 Dec 2026 from dbt 1.11.16 + dbt-duckdb 1.11.1 (`dbt show --inline ... --output json -q`):
  // lists, structs and maps are agate's JSON text, intervals a timedelta's text, inside them too;
  // sm wrote the warehouse's text ("[a, b]", "2 days") and nested intervals and times as numbers.
  it('--output json writes lists, structs, maps and intervals as dbt-duckdb agate values', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE });
    const sql = "select ['a','b'] l, {'x': 1.5} s, map {'k': 2::double} m, [1,2] li, interval 2 day iv, interval 90 minute im, [interval 1 day] liv, {'t': time '01:02:03'} st";
    const r = await sm('show', '--inline', sql, '--output', 'json', '-q', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      show: [{ l: '["a", "b"]', s: '{"x": 1.5}', m: '{"k": 2.0}', li: '[1, 2]', iv: '2 days, 0:00:00', im: '1:30:00', liv: '["1 day, 0:00:00"]', st: '{"t": "01:02:03"}' }],
    });
  });

  // dbt 1.11's show compiles the model and runs that query: it answers before the model is built,
  // and after a build with what the query says now, not what the table holds.
  it("runs a model's compiled query, as dbt's show does, and reads a seed", async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'seeds/s.csv': 'id\n1\n2\n', 'models/m.sql': "select count(*) as n, '{{ var(\"tag\", \"a\") }}' as tag from {{ ref('s') }}\n" });
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    const shown = async (...extra: string[]) => shownRows((await sm('show', 'm', '--project-dir', dir, '--log-format', 'json', ...extra)).out);
    expect(await shown()).toEqual([{ n: 2, tag: 'a' }]);
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    expect(await shown('--vars', '{tag: b}')).toEqual([{ n: 2, tag: 'b' }]);
    expect(shownRows((await sm('show', 's', '--project-dir', dir, '--log-format', 'json')).out)).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('prints timestamps, dates, decimals, intervals and times as the warehouse writes them', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/typed.sql': TYPED });
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const r = await sm('show', 'typed', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(row(r.out)).toEqual({
      event_ts: '2026-11-23 10:00:00',
      precise_ts: '2026-11-23 10:00:00.25',
      date_day: '2026-11-23',
      amount: '1.50',
      lag: '03:00:00',
      at_time: '07:30:00',
      ids: '[1, 2]',
      missing: 'null',
    });
    expect(r.out).toContain('(1 row)');
  });

  it('--inline with repeated column names still shows every value; --log-format json keeps typed values', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/one.sql': 'select 1 as x' });
    const r = await sm('show', '--project-dir', dir, '--inline', "select 1 as a, 2 as a, timestamp '2026-11-23 10:00:00' as t");
    expect(r.code, r.err).toBe(0);
    expect(Object.values(row(r.out))).toEqual(['1', '2', '2026-11-23 10:00:00']);
    const j = await sm('show', '--project-dir', dir, '--log-format', 'json', '--inline', 'select 1.50::decimal(10, 2) as amount, 7 as n');
    expect(shownRows(j.out)).toEqual([{ amount: 1.5, n: 7 }]);
  });

  // Recorded 6 Dec 2026 from dbt-core 1.11.16 + dbt-duckdb 1.11.1: `dbt show --inline "<TYPED_SQL>"
  // --output json --quiet` printed DBT_JSON byte for byte; `--log-format json` wrote one ShowNode
  // (Q041) whose data has these keys, `preview` the rows as compact JSON; five rows unless --limit
  // (-1: all); `dbt compile -s x --output json` printed {"node": x, "compiled": sql} (CompiledNode,
  // Q042); `dbt ls --log-format json` one PrintEvent (Z052) per node.
  const TYPED_SQL = "select 1.50::decimal(10,2) as amount, 7 as n, 12345678901234::bigint as big, date '2026-01-02' as d, timestamp '2026-11-23 10:00:00' as t, null as nu, true as b, 'x' as s, 1.5::double as f, time '10:00:01' as tm, 170141183460469231731687303715884105727::hugeint as h, timestamptz '2026-11-23 10:00:00.5+02' as tz, timestamp '2026-11-23 10:00:00.123456' as ts, '\u00e9' as e, -0.5::decimal(4,2) as neg";
  const DBT_JSON = `{
  "show": [
    {
      "amount": 1.5,
      "n": 7,
      "big": 12345678901234,
      "d": "2026-01-02",
      "t": "2026-11-23T10:00:00",
      "nu": null,
      "b": true,
      "s": "x",
      "f": 1.5,
      "tm": "10:00:01",
      "h": 170141183460469231731687303715884105727,
      "tz": "2026-11-23T08:00:00.500000+00:00",
      "ts": "2026-11-23T10:00:00.123456",
      "e": "\\u00e9",
      "neg": -0.5
    }
  ]
}`;
  const SHOW_KEYS = ['is_inline', 'node_name', 'output_format', 'preview', 'quiet', 'unique_id'];

  it('--output json prints the rows as dbt show does, each value typed as dbt types it', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/one.sql': 'select 1 as x' });
    const r = await sm('show', '--project-dir', dir, '--inline', TYPED_SQL, '--output', 'json', '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(DBT_JSON);
    const log = await sm('show', '--project-dir', dir, '--inline', TYPED_SQL, '--output', 'json', '--log-format', 'json');
    const line = JSON.parse(log.out) as { data: Record<string, unknown>; info: Record<string, unknown> };
    expect(Object.keys(line.data).sort()).toEqual(SHOW_KEYS);
    expect(line.info).toMatchObject({ name: 'ShowNode', code: 'Q041', msg: DBT_JSON });
    expect(line.data).toMatchObject({ is_inline: true, node_name: 'inline_query', output_format: 'json', quiet: false, unique_id: 'sql_operation.demo.inline_query' });
    expect(JSON.parse(line.data.preview as string)).toEqual(JSON.parse(DBT_JSON).show);
  });

  it('shows five rows unless --limit says otherwise (-1: all), headed as dbt heads them unless --quiet', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/many.sql': 'select range as i from range(12)' });
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const rowsOf = (out: string) => out.split('\n').filter((l) => /^\| \d/.test(l)).length;
    const five = await sm('show', 'many', '--project-dir', dir);
    expect(five.out.split('\n')[0]).toBe("Previewing node 'many':");
    expect(rowsOf(five.out)).toBe(5);
    expect(rowsOf((await sm('show', 'many', '--project-dir', dir, '--limit', '-1', '-q')).out)).toBe(12);
    const quiet = await sm('show', 'many', '--project-dir', dir, '--limit', '2', '-q');
    expect(quiet.out.split('\n')[0]).toBe('| i |');
    expect(rowsOf(quiet.out)).toBe(2);
    const json = await sm('show', 'many', '--project-dir', dir, '--output', 'json', '--limit', '3');
    expect(JSON.parse(json.out)).toEqual({ node: 'many', show: [{ i: 0 }, { i: 1 }, { i: 2 }] });
    const log = JSON.parse((await sm('show', 'many', '--project-dir', dir, '--log-format', 'json')).out) as { data: Record<string, unknown> };
    expect(log.data).toMatchObject({ is_inline: false, node_name: 'many', output_format: 'text', unique_id: 'model.demo.many' });
    // dbt 1.11.16 (recorded): any negative limit is every row, exit 0 (`dbt show --limit -5`).
    const negative = await sm('show', 'many', '--project-dir', dir, '--limit', '-2', '-q');
    expect(negative.code).toBe(0);
    expect(rowsOf(negative.out)).toBe(12);
    const bad = await sm('show', 'many', '--project-dir', dir, '--limit', '1.5');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--limit must be a whole number');
  });

  it('compile --output json and ls in a JSON log: dbt\'s CompiledNode and one PrintEvent per node', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as x', 'models/b.sql': "select * from {{ ref('a') }}" });
    const c = await sm('compile', '--project-dir', dir, '-s', 'b', '--output', 'json', '-q');
    expect(c.code, c.err).toBe(0);
    expect(JSON.parse(c.out)).toEqual({ node: 'b', compiled: 'select * from "demo"."main"."a"' });
    const inline = await sm('compile', '--project-dir', dir, '--inline', 'select 2', '--output', 'json', '-q');
    expect(inline.out).toBe('{\n  "compiled": "select 2"\n}');
    const log = (await sm('compile', '--project-dir', dir, '-s', 'b', '--log-format', 'json')).out.split('\n').map((l) => JSON.parse(l) as { data: Record<string, unknown>; info: Record<string, unknown> });
    const compiled = log.find((l) => l.info.name === 'CompiledNode')!;
    expect(compiled.info).toMatchObject({ code: 'Q042', msg: 'Compiled node \'b\' is:\nselect * from "demo"."main"."a"' });
    expect(compiled.data).toEqual({ compiled: 'select * from "demo"."main"."a"', is_inline: false, node_name: 'b', output_format: 'text', quiet: false, unique_id: 'model.demo.b' });
    const ls = await sm('ls', '--project-dir', dir, '--log-format', 'json');
    const lines = ls.out.split('\n').map((l) => JSON.parse(l) as { data: Record<string, unknown>; info: Record<string, unknown> });
    expect(lines.map((l) => [l.info.name, l.info.code, l.data])).toEqual([['PrintEvent', 'Z052', { msg: 'demo.a' }], ['PrintEvent', 'Z052', { msg: 'demo.b' }]]);
  });
});
