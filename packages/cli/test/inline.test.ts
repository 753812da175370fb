import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/** Jinja a model file may hold: a namespace counter set with Jinja's dotted `set`. */
const NS_SUM = '{%- set ns = namespace(total=0) -%}{%- for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor -%}select {{ ns.total }} as total';

function project(): string {
  return writeProject({
    'profiles.yml': PROFILE,
    'models/counted.sql': NS_SUM,
    'models/eph.sql': "{{ config(materialized='ephemeral') }}select 41 + 1 as answer",
  });
}

describe('--inline accepts the Jinja model files accept', () => {
  it('sm compile --inline renders a namespace set as a model file does', async () => {
    const dir = project();
    const r = await sm('compile', '--project-dir', dir, '-q', '--inline', NS_SUM);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out.trim()).toBe('select 6 as total');
  });

  it('sm show --inline runs it, and a ref to an ephemeral model becomes a CTE', async () => {
    const dir = project();
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const r = await sm('show', '--project-dir', dir, '--log-format', 'json', '--inline', `${NS_SUM}, (select answer from {{ ref('eph') }}) as answer`);
    expect(r.code, r.out + r.err).toBe(0);
    expect(shownRows(r.out)).toEqual([{ total: 6, answer: 42 }]);
  });

  it('a ref to nothing or broken Jinja is a usage error (exit 2) that says what is wrong', async () => {
    const dir = project();
    const missing = await sm('show', '--project-dir', dir, '--inline', "select * from {{ ref('nope') }}");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--inline refers to "nope", which is not a model, seed or snapshot');
    const broken = await sm('compile', '--project-dir', dir, '--inline', '{% if true %}select 1');
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/--inline does not render: .*/);
    expect(broken.err).not.toContain('    at ');
  });
});
