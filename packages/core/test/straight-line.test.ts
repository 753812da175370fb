import { describe, expect, it } from 'vitest';
import { Environment } from '../src/jinja/environment.ts';
import { ReturnSignal } from '../src/jinja/errors.ts';
import type { Context } from '../src/jinja/macro.ts';
import { pyFunction, runtimeHelpers } from '../src/jinja/runtime.ts';
import { straightLine } from '../src/jinja/straight-line.ts';

/**
 * Straight-line templates (text, {{ }}, do, if) are walked as a tree instead of compiled to
 * JavaScript (jinja/straight-line.ts). Both ways must give the same text, the same values to
 * every call and the same errors at the same line and column: each case renders in an
 * environment that compiles everything and in one that walks, from a fresh context each time.
 */

function contextOf(env: Environment, calls: string[]): Context {
  const c = env.context();
  const vars: Record<string, unknown> = { min_amount: 10, regions: ['eu', 'us'] };
  Object.assign(c, {
    ref: pyFunction((_c, a, kw) => {
      calls.push(`ref ${JSON.stringify(a)} ${JSON.stringify(kw)}`);
      return `"main"."${String(a.at(-1))}"`;
    }),
    config: pyFunction((_c, a, kw) => {
      calls.push(`config ${JSON.stringify(a)} ${JSON.stringify(kw)}`);
      return '';
    }),
    var: pyFunction((_c, a) => (String(a[0]) in vars ? vars[String(a[0])] : a[1])),
    is_incremental: pyFunction(() => false),
    return: pyFunction((_c, a) => runtimeHelpers.doReturn(a[0])),
    boom: pyFunction(() => {
      throw new Error('boom went the call');
    }),
    x: 4,
    zero: 0,
    obj: { a: { b: [1, 2, 3] }, s: 'Hello', n: 5 },
    lst: [3, 1, 2],
    args: ['pkg', 'model_b'],
    kw: { k: 1, j: 'two' },
  });
  return c;
}

type Outcome = { text: string; calls: string[] } | { error: string; name: string; location: unknown; trace: unknown; calls: string[] } | { returned: unknown; calls: string[] };

function outcome(env: Environment, source: string, lenient = false): Outcome {
  const calls: string[] = [];
  try {
    const t = env.compile(source, 'models/m.sql');
    const text = lenient ? env.lenient(() => t.render(contextOf(env, calls))) : t.render(contextOf(env, calls));
    // Rendered twice from a fresh context: a cached render function must not keep state.
    const again = lenient ? env.lenient(() => t.render(contextOf(env, []))) : t.render(contextOf(env, []));
    expect(again).toBe(text);
    return { text, calls };
  } catch (e) {
    if (e instanceof ReturnSignal) return { returned: e.value, calls };
    const err = e as Error & { location?: unknown; trace?: unknown };
    return { error: err.message, name: err.name, location: err.location, trace: err.trace, calls };
  }
}

const accepts = (env: Environment, source: string) => !!straightLine(env.parse(source, 'm.sql').ast, env.parse(source, 'm.sql').template, { ...runtimeHelpers, filters: env.filters, tests: env.tests }, env);

const STRAIGHT: string[] = [
  'select 1',
  '',
  "with base as (\n  select * from {{ ref('stg_a') }}\n)\nselect * from base where amount >= {{ var('min_amount') }}",
  "{{ config(materialized='incremental', tags=['a', 'b'], unique_key=['id']) }}\nselect {{ ref('pkg', 'b') }}",
  "{% if is_incremental() %}where ts > (select max(ts) from {{ ref('t') }}){% else %}-- full{% endif %}",
  '{% if x > 5 %}a{% elif x == 4 %}b{% elif boom() %}c{% else %}d{% endif %}',
  "{{ 1 + 2 * 3 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 10 }} {{ 10 / 4 }} {{ -x }} {{ +x }} {{ not x }} {{ 'a' ~ 1 ~ none }} {{ 1.0 }} {{ 2.5 }} {{ 1.0 + 1 }} {{ -0 }} {{ 0.0 }}",
  '{{ 1 < x < 10 }} {{ 1 < x > 10 }} {{ 10 < x < boom() }} {{ x in [1, 4] }} {{ x not in lst }} {{ x != 2 }} {{ x == 4.0 }} {{ 1 <= x >= 2 != 3 }}',
  "{{ zero or 'd' }} {{ 1 and 'y' }} {{ none and boom() }} {{ 'z' or boom() }} {{ zero and boom() }}",
  "{{ 'a' if x else 'b' }}|{{ 'y' if none }}|{{ 'p' if zero else ('q' if x else 'r') }}",
  "{{ obj.a.b[1] }} {{ obj['s'] }} {{ lst[1:] }} {{ lst[::-1] }} {{ lst[:-1] }} {{ obj.s.upper() }} {{ obj.s[0] }} {{ obj.s.replace('l', 'L', 1) }}",
  "{{ lst | sort | join(',') }} {{ missing | default('d') }} {{ 'x' | replace('x', 'y') }} {{ obj.s | lower | upper }} {{ lst | map('string') | join }}",
  '{{ none is none }} {{ x is number }} {{ missing is defined }} {{ x is divisibleby(2) }} {{ x is not string }}',
  "{{ {'a': 1, 'b': [1, 2]} }} {{ (1, 2) }} {{ (1,) }} {{ [1, 'a', none, true] }} {{ {} }} {{ [] }}",
  "{{ ref(*args) }} {{ dict(**kw) }} {{ dict(a=1, **kw) }} {{ ref('m', *args[1:]) }} {{ config(**{'materialized': 'view'}) }}",
  '{% do lst.append(9) %}{{ lst | length }} {{ lst }}',
  "a{{ return('x') }}b",
  'line one\n  and {{ obj.nope.deeper }} here',
  'x\n\n   {{ boom() }}',
  '{{ nope() }}',
  'x {{ obj.n + boom() }}',
  "{{ ref('a', boom()) }}",
  '{{ obj.s.upper(boom()) }}\n{{ obj.s.split(nope) }}',
  '{{ lst | join(boom()) }}',
  "{{ lst | join(',', nope.x) }}",
  '{{ [1, 2, 3][obj.nope] }}',
  "{% if obj.n > 1 %}\n  {{ lst[0] }}{{ obj.s.nope() }}\n{% endif %}",
  '{{ obj.s.nomethod() }}',
  '{{ x.y }}',
  "{{ none | join(',') }}",
  "{{ lst | map(attribute='nope') | list }}",
  '{{ x | nofilter }}',
  '{{ x is notatest }}',
  '{{ [1, 2][1:2:0] }}',
  "{% snapshot snap %}{{ config(target_schema='s', unique_key='id', strategy='check', check_cols='all') }}select {{ x }}{% endsnapshot %}",
  '{{- x -}}   \n  {{ x }}  {#- comment -#}  {{ lst[0] }}',
  "{{ '%s-%05d' % ('a', x) }} {{ '{}:{}'.format(x, obj.n) }} {{ range(3) | list }}",
  "{{ dict(a=1).items() | list }} {{ namespace(a=1).a }} {{ 'abc' is string and x > 3 }}",
  "{{ var('regions') | join(',') }} {{ var('missing', 'dflt') }}",
];

const DECLINED: string[] = [
  '{% set a = 1 %}{{ a }}',
  "{% for r in var('regions') %}{{ r }}{% endfor %}",
  '{% macro m() %}x{% endmacro %}{{ m() }}',
  '{% if x %}{% set y = 1 %}{{ y }}{% endif %}',
  '{% with a = 1 %}{{ a }}{% endwith %}',
  '{% filter upper %}x{% endfilter %}',
  '{% set b %}x{% endset %}{{ b }}',
  "{{ dict(__proto__=1) }}",
];

describe('straight-line templates are walked, and walk as they compile', () => {
  const walked = new Environment();
  const compiled = new Environment({ alwaysCompile: true });

  it.each(STRAIGHT)('%j', (source) => {
    const a = outcome(compiled, source);
    const b = outcome(walked, source);
    expect(b).toEqual(a);
    expect(outcome(walked, source, true)).toEqual(outcome(compiled, source, true));
    // Every case but the two whose filter or test does not exist is walked (those fail before a render function exists).
    if (!/nofilter|notatest/.test(source)) expect(accepts(walked, source)).toBe(true);
  });

  it('gives the compiled text, errors and calls (spot checks that the comparison sees something)', () => {
    expect(outcome(walked, "{{ config(materialized='table') }}select {{ ref('a') }}")).toEqual({ text: 'select "main"."a"', calls: ['config [] {"materialized":"table"}', 'ref ["a"] null'] });
    const e = outcome(walked, 'line one\n  and {{ obj.nope.deeper }} here') as { error: string; location: { line: number; column: number } };
    expect(e.location).toMatchObject({ line: 2, column: 18 });
    expect(e.error).toContain('nope');
    expect(outcome(walked, 'x\n\n   {{ boom() }}')).toMatchObject({ error: 'boom went the call', location: { line: 3, column: 11 } });
    expect(outcome(walked, "a{{ return('x') }}b")).toEqual({ returned: 'x', calls: [] });
    expect(outcome(walked, '{{ x | nofilter }}')).toMatchObject({ name: 'TemplateSyntaxError', error: "No filter named 'nofilter'." });
  });

  it.each(DECLINED)('leaves %j to the compiler, with the same result', (source) => {
    expect(accepts(walked, source)).toBe(false);
    expect(outcome(walked, source)).toEqual(outcome(compiled, source));
  });
});
