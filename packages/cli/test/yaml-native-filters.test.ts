import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// dbt-core 1.11.16 on these files (6 Dec 2026): YAML values render natively, where `as_bool` wraps
// the value's text in a marker string that becomes a boolean only as the whole result. Inside an
// expression the marker is a non-empty string: `(off | as_bool) and (on | as_bool)` is the second
// operand (enabled), `(on | as_bool) and (off | as_bool)` is "False", `not (off | as_bool)` is
// false, `(off | as_bool) or ...` is the first operand. `dbt ls` lists m1, m6 and unique_m1_id
// (the Tuva Project's data_quality tests are enabled this way). In a model's config() the filter
// is the value itself: there `(off | as_bool) and (on | as_bool)` is false (m7 is not listed).
describe("as_bool in YAML values, as dbt's native rendering reads it", () => {
  it('decides enabled with the markers inside an expression', async () => {
    const off = "(var('f', false) | as_bool)";
    const on = "(var('t', true) | as_bool)";
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': [
        "name: demo\nversion: '1.0'\nprofile: demo\nmodels:\n  demo:",
        `    m1: {+enabled: "{{ ${off} and ${on} }}"}`,
        `    m2: {+enabled: "{{ ${on} and ${off} }}"}`,
        `    m3: {+enabled: "{{ not ${off} }}"}`,
        `    m4: {+enabled: "{{ ${off} or ${on} }}"}`,
        `    m5: {+enabled: "{{ var('f', false) and var('t', true) }}"}`,
        `    m6: {+enabled: "{{ ${off} and true }}"}`,
        '',
      ].join('\n'),
      ...Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`models/m${i}.sql`, `select ${i} as id\n`])),
      'models/m7.sql': `{{ config(enabled=${off} and ${on}) }}\nselect 7 as id\n`,
      'models/s.yml': [
        'models:\n  - name: m1\n    tests:',
        `      - unique:\n          config:\n            enabled: "{{ ${off} and ${on} }}"\n          arguments: {column_name: id}`,
        `      - not_null:\n          config:\n            enabled: "{{ not ${off} }}"\n          arguments: {column_name: id}`,
        '',
      ].join('\n'),
    });
    const ls = await sm('ls', '--project-dir', dir, '--profiles-dir', dir);
    expect(ls.code, ls.err).toBe(0);
    expect(ls.out.trim().split('\n').sort()).toEqual(['demo.m1', 'demo.m6', 'demo.unique_m1_id']);
  });
});

// dbt-core 1.11.16 `dbt parse` on these values (6 Dec 2026), the same in a schema.yml `config:`
// (custom key, meta, tags, materialized), `+` keys under models:/seeds: in dbt_project.yml, a
// source's loaded_at_field and a column's meta: Jinja folds an expression of constants when it
// compiles, and the native renderer then gives its text, so `{{ 1 == 2 }}` is "False",
// `{{ true }}` "True", `{{ 5 }}` "5", `{{ [1,2] }}` "[1, 2]", `{{ none }}` "None". An expression
// over a variable is its value as it is (`{{ var('x') }}` the list, `{{ var('s') }}` the text
// "True", not a boolean); `as_text` is text, `as_number`/`as_native` read the text as a literal.
describe("YAML values rendered natively, as dbt's manifest records them", () => {
  it('keeps folded constants and variables that are text as text', async () => {
    const cases: Record<string, string> = {
      cmp: '{{ 1 == 2 }}',
      t: '{{ true }}',
      five: '{{ 5 }}',
      strT: "{{ 'True' }}",
      list: '{{ [1,2] }}',
      dict: "{{ {'a': 1} }}",
      none: '{{ none }}',
      text: "{{ '5' | as_text }}",
      num: "{{ '5' | as_number }}",
      native: "{{ '[1, 2]' | as_native }}",
      x: "{{ var('x') }}",
      s: "{{ var('s') }}",
      f: "{{ var('f') }}",
    };
    const expected: Record<string, unknown> = {
      cmp: 'False', t: 'True', five: '5', strT: 'True', list: '[1, 2]', dict: "{'a': 1}", none: 'None',
      text: '5', num: 5, native: [1, 2], x: [1, 2], s: 'True', f: false,
    };
    const q = (v: string) => JSON.stringify(v);
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': [
        "name: demo\nversion: '1.0'\nprofile: demo\nmodels:\n  demo:\n    p:",
        ...Object.entries(cases).map(([k, v]) => `      +p_${k}: ${q(v)}`),
        '      +tags: "{{ 1 == 2 }}"',
        'seeds:\n  demo:',
        ...Object.entries(cases).map(([k, v]) => `    +s_${k}: ${q(v)}`),
        '',
      ].join('\n'),
      'models/p.sql': 'select 1 as id\n',
      'models/y.sql': 'select 1 as id\n',
      'seeds/sd.csv': 'id\n1\n',
      'models/s.yml': [
        'sources:\n  - name: src\n    loaded_at_field: "{{ 1 == 2 }}"\n    tables:\n      - name: t',
        'models:\n  - name: y\n    config:',
        ...Object.entries(cases).map(([k, v]) => `      y_${k}: ${q(v)}`),
        `      meta: {cmp: ${q(cases.cmp!)}, x: ${q(cases.x!)}}`,
        `      tags: ${q(cases.t!)}`,
        `      materialized: ${q(cases.five!)}`,
        '    columns:\n      - name: id',
        `        meta: {cmp: ${q(cases.cmp!)}, none: ${q(cases.none!)}}`,
        '',
      ].join('\n'),
    });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir, '--vars', "{x: [1, 2], s: 'True', f: false}");
    expect(r.code, r.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    const p = m.nodes['model.demo.p'].config;
    const y = m.nodes['model.demo.y'].config;
    const sd = m.nodes['seed.demo.sd'].config;
    for (const [k, v] of Object.entries(expected)) {
      expect([k, p[`p_${k}`]]).toEqual([k, v]);
      expect([k, y[`y_${k}`]]).toEqual([k, v]);
      expect([k, sd[`s_${k}`]]).toEqual([k, v]);
    }
    expect(p.tags).toEqual(['False']);
    expect(y.meta).toEqual({ cmp: 'False', x: [1, 2] });
    expect(y.tags).toEqual(['True']);
    expect(y.materialized).toBe('5');
    expect(m.nodes['model.demo.y'].columns.id.meta).toEqual({ cmp: 'False', none: 'None' });
    expect(m.sources['source.demo.src.t'].loaded_at_field).toBe('False');
  });

  // dbt 1.11.16: exit 2, "Could not render {{ 'yes' | as_bool }}: Could not convert value 'yes' into type 'bool'".
  it("errors as dbt does when as_bool's text is not a boolean", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nmodels:\n  demo:\n    +enabled: \"{{ 'yes' | as_bool }}\"\n",
      'models/p.sql': 'select 1 as id\n',
    });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(2);
    expect(r.out + r.err).toContain("Could not convert value 'yes' into type 'bool'");
  });
});
