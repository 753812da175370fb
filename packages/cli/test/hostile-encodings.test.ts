import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';
const latin1 = (s: string) => Buffer.from(s, 'latin1');

/**
 * Files as an analytics team's editors save them. dbt 1.11.16 (recorded) reads every project file
 * as UTF-8: a Latin-1 byte in a model, macro, schema YAML, seed or profiles.yml stops it with exit 2
 * (UnicodeDecodeError, with a Python traceback). sm decoded with replacement and built
 * 'caf\uFFFD' into the table, exit 0.
 */
describe('file encodings', () => {
  it.each([
    ['a model', 'models/b.sql', "select 1 as id,\n'caf\xe9' as name\n", 2],
    ['a macro', 'macros/m.sql', "{% macro m() %}\n'caf\xe9'\n{% endmacro %}\n", 2],
    ['a schema YAML file', 'models/schema.yml', 'models:\n  - name: a\n    description: caf\xe9\n', 3],
    ['a singular test', 'tests/t.sql', "-- caf\xe9\nselect 1 as id where false\n", 1],
    ['profiles.yml', 'profiles.yml', `${PROFILE}      # caf\xe9\n`, 9],
    // Not only seed: dbt's parse reads a seed of up to 1 MiB as text (recorded, dbt run exit 2).
    ['a seed', 'seeds/s.csv', 'id,name\n1,caf\xe9\n', 2],
  ])('a Latin-1 byte in %s is exit 2 naming the file and line, and nothing is built', async (_what, file, text, line) => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', [file]: '' });
    writeFileSync(join(dir, file), latin1(text));
    const r = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`error SM_PROJECT_INVALID at ${file}:${line}: The file is not valid UTF-8: line ${line} holds a byte that UTF-8 does not allow`);
    expect(r.err).toContain('iconv -f latin1 -t utf-8');
    expect(existsSync(join(dir, 'target', 'demo.duckdb'))).toBe(false);
  });

  it('a model already built keeps its rows when its file turns Latin-1', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': "{{ config(materialized='table') }} select 'cafe' as name" });
    expect((await sm('run', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    writeFileSync(join(dir, 'models/a.sql'), latin1("{{ config(materialized='table') }} select 'caf\xe9' as name"));
    const r = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('models/a.sql:1: The file is not valid UTF-8');
    expect(await queryDuckDb(join(dir, 'target', 'demo.duckdb'), 'select name from main.a')).toEqual([{ name: 'cafe' }]);
  });

  // dbt 1.11.16 (recorded): BOMs and CRLF line ends in SQL, schema YAML, a seed, dbt_project.yml and profiles.yml build (exit 0), the seed's first column named id.
  it('a UTF-8 byte order mark and CRLF line ends, in every kind of file, build as dbt builds them', async () => {
    const bom = (s: string) => `\ufeff${s.replace(/\n/g, '\r\n')}`;
    const dir = writeProject({
      'dbt_project.yml': bom("name: demo\nversion: '1.0.0'\nprofile: demo\n"),
      'profiles.yml': bom(PROFILE),
      'models/a.sql': bom('select 1 as id,\n  2 as x\n'),
      'models/b.sql': bom("select * from {{ ref('a') }}\n-- a comment\nwhere id = 1\n"),
      'models/schema.yml': bom('version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n'),
      'seeds/people.csv': bom('id,name\n1,alice\n2,bob\n'),
    });
    const r = await sm('build', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('OK=5');
    expect(await queryDuckDb(join(dir, 'target', 'demo.duckdb'), 'select id, name from main.people order by id')).toEqual([
      { id: 1, name: 'alice' },
      { id: 2, name: 'bob' },
    ]);
  });

  // dbt 1.11.16 (recorded, bench/src/error-fuzz.ts 'file: NUL in a model'): a model ending in a NUL
  // character builds, exit 0: dbt-duckdb hands DuckDB the whole text and DuckDB reads the NUL after
  // `from "main"."raw"` as a table alias (the view's SQL is `... FROM raw AS "\0"`); after
  // `select 1 as id` the same NUL is DuckDB's "syntax error at or near "\0"". sm's DuckDB client reads
  // a query only up to a NUL: the view's text was cut before its closing parenthesis, "Parser Error:
  // syntax error at end of input", which names nothing the user can find. sm still fails the model
  // (exit 1), now saying what and where.
  it('a NUL character in a model fails that model naming the character and its line', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id\n', 'models/b.sql': "select id from {{ ref('a') }}\n\0" });
    const r = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('the SQL has a NUL character (\\0) on line 3 of the query');
    expect(r.out).not.toContain('syntax error at end of input');
    expect(await queryDuckDb(join(dir, 'target', 'demo.duckdb'), 'select id from main.a')).toEqual([{ id: 1 }]);
  });

  // dbt 1.11.16 (dbt-duckdb 1.11.1), recorded 7 Dec 2026: a macros/ file saved with CRLF line ends
  // keeps them in the manifest's macro_sql ('{% macro crlf(x) %}\r\n  select\r\n    {{ x }} as v\r\n{% endmacro %}'),
  // while what the macro renders has \n ('\n  select\n    1 as v\n'). sm wrote macro_sql with \n.
  it('a CRLF macros/ file: macro_sql as written, rendered with \\n', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': 'name: demo\nprofile: demo\n',
      'macros/c.sql': '{% macro crlf(x) %}\r\n  select\r\n    {{ x }} as v\r\n{% endmacro %}\r\n\r\n{% macro two() -%}\r\nA\r\nB\r\n{%- endmacro %}\r\n',
      'models/m.sql': 'select 1 as id\n-- [{{ crlf(1) }}] [{{ two() }}]\n',
    });
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { macros: Record<string, { macro_sql: string }>; nodes: Record<string, { compiled_code: string }> };
    expect(m.macros['macro.demo.crlf']!.macro_sql).toBe('{% macro crlf(x) %}\r\n  select\r\n    {{ x }} as v\r\n{% endmacro %}');
    expect(m.macros['macro.demo.two']!.macro_sql).toBe('{% macro two() -%}\r\nA\r\nB\r\n{%- endmacro %}');
    expect(m.nodes['model.demo.m']!.compiled_code).toBe('select 1 as id\n-- [\n  select\n    1 as v\n] [A\nB]');
  });
});
