import { describe, expect, it } from 'vitest';
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
