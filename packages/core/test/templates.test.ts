import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, isSmProjectError, type Adapter, type Diagnostic, type InvocationOptions } from '../src/index.ts';
import { Environment } from '../src/jinja/environment.ts';
import { writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};
const opts = (projectDir: string): InvocationOptions => ({ projectDir, adapters: { duckdb: () => offline } });

async function diagnosticsOf(files: Record<string, string>): Promise<Diagnostic[]> {
  try {
    await compile(opts(writeProject(files)));
  } catch (e) {
    if (isSmProjectError(e)) return [...e.diagnostics];
    throw e;
  }
  throw new Error('expected compile to fail');
}

describe('template errors keep file, line and column', () => {
  it('points a syntax error at the tag that is never closed', async () => {
    const ds = await diagnosticsOf({ 'models/bad.sql': "select 1\n{% for x in [1] %}\n  {{ x }}\n" });
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'SM_TEMPLATE_SYNTAX', location: { file: 'models/bad.sql', line: 2, column: 1 } });
    expect(ds[0]!.message).toContain('{% for %}');
  });

  it('points a bad expression at its line and column', async () => {
    const ds = await diagnosticsOf({ 'models/bad.sql': "select\n  {{ 1 + }} as x" });
    expect(ds[0]).toMatchObject({ code: 'SM_TEMPLATE_SYNTAX', location: { file: 'models/bad.sql', line: 2, column: 10 } });
  });

  it('reports an error inside a macro at the macro file, with the model line that called it', async () => {
    const ds = await diagnosticsOf({
      'macros/m.sql': "{% macro explode(x) %}\n  {{ x.missing.deeper }}\n{% endmacro %}",
      'models/m.sql': "select 1\n-- two\n{{ explode({'a': 1}) }}",
    });
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'SM_TEMPLATE_RENDER', nodeId: 'model.demo.m', location: { file: 'macros/m.sql', line: 2 } });
    expect(ds[0]!.message).toContain("'x.missing' is undefined");
    expect(ds[0]!.message).toContain('called from models/m.sql:3');
  });

  it('says which filter is unknown, where', async () => {
    const ds = await diagnosticsOf({ 'models/m.sql': "select '{{ 'a' | shout }}'" });
    expect(ds[0]).toMatchObject({ code: 'SM_TEMPLATE_SYNTAX', location: { file: 'models/m.sql', line: 1, column: 18 } });
    expect(ds[0]!.message).toContain("No filter named 'shout'");
  });
});

describe('macros from the parsed tree', () => {
  it('lists one manifest entry per macro, with its own source', async () => {
    const dir = writeProject({
      'macros/two.sql': "{% macro first(a, b='x,y') %}{{ a }}{% endmacro %}\n\n{% macro second() %}{{ \"%}\" }}{% endmacro %}\n{% test positive(model, column_name) %}select 1{% endtest %}",
      'models/m.sql': 'select {{ first(1) }}',
    });
    const c = await compile(opts(dir));
    const ids = c.compiled.macros.filter((m) => m.packageName === 'demo').map((m) => [m.uniqueId, m.line]);
    expect(ids).toEqual([
      ['macro.demo.first', 1],
      ['macro.demo.second', 3],
      ['macro.demo.test_positive', 4],
    ]);
    expect(c.compiled.macros.find((m) => m.name === 'second')!.macroSql).toBe('{% macro second() %}{{ "%}" }}{% endmacro %}');
    expect(c.compiled.macros.find((m) => m.name === 'first')!.params).toEqual([
      { name: 'a', hasDefault: false },
      { name: 'b', hasDefault: true },
    ]);
  });

  it('reads generic test arguments from the signature, however the defaults are written; one the YAML leaves out is undefined, as in dbt', async () => {
    const dir = writeProject({
      'macros/t.sql': "{% test within(model, column_name, limit, bounds=(0, 10), note='a, b') %}select '{{ limit is defined }}' as l, '{{ bounds }}' as b, '{{ note }}' as n{% endtest %}",
      'models/m.sql': 'select 1 as id',
      'models/s.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        tests:\n          - within\n',
    });
    const c = await compile(opts(dir));
    const t = [...c.compiled.nodes.values()].find((n) => n.resourceType === 'test')!;
    // dbt-core 1.11.16 compiles this test to the same text (recorded with `dbt compile`).
    expect('compiledCode' in t && t.compiledCode).toBe("select 'False' as l, '(0, 10)' as b, 'a, b' as n");
  });

  it('takes snapshot blocks from the tree: a %} in a string or a raw block does not end them', async () => {
    const dir = writeProject({
      'models/src.sql': 'select 1 as id',
      'snapshots/s.sql': "{# a comment with {% endsnapshot %} #}\n{% snapshot snap %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect '%}' as a, '{% raw %}{% endsnapshot %}{% endraw %}' as b, * from {{ ref('src') }}\n{% endsnapshot %}",
    });
    const c = await compile(opts(dir));
    const s = c.compiled.nodes.get('snapshot.demo.snap') as { compiledCode: string };
    // dbt-core 1.11.16 (`dbt compile`, 8 Dec 2026): '\n\nselect ... from "d"."main"."src"', the block's body rendered as it is.
    expect(s.compiledCode).toBe(`\n\nselect '%}' as a, '{% endsnapshot %}' as b, * from "main"."src"`);
  });
});

describe('generic tests', () => {
  it('hands a column with quote: true to its tests quoted, named as dbt names them (recorded from dbt 1.11)', async () => {
    const dir = writeProject({
      'models/m.sql': 'select 1 as "my col", 2 as id',
      'models/s.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: my col\n        quote: true\n        tests:\n          - not_null\n          - accepted_values:\n              values: [1]\n',
    });
    const c = await compile(opts(dir));
    const test = (name: string) => [...c.compiled.nodes.values()].find((n) => n.name === name) as { uniqueId: string; compiledCode: string } | undefined;
    const nn = test('not_null_m__my_col_');
    expect(nn?.uniqueId).toBe('test.demo.not_null_m__my_col_.8fcd278828');
    expect(nn?.compiledCode).toContain('where "my col" is null');
    const av = test('accepted_values_m__my_col___1');
    // Spaced as dbt's accepted_values macro writes it (compiled-whitespace.test.ts holds dbt's text byte for byte).
    expect(av?.compiledCode).toContain('    select\n        "my col" as value_field,');
  });
});

describe('generic test arguments, as dbt hands them over (recorded from dbt 1.11)', () => {
  it('evaluates ref() arguments to relations, renders Jinja natively, walks lists, and leaves out what config() disables', async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: demo\nprofile: demo\nvars:\n  lim: 3\n',
      'models/a.sql': 'select 1 as id',
      'models/b.sql': 'select 2 as id',
      'macros/t.sql': "{% test rel_kind(model, other, n, items) %}select '{{ other.identifier }}' as i, {{ other is mapping }} as m, {{ n + 1 }} as n, '{{ items[1].identifier }}' as x, '{{ model.identifier }}' as mi{% endtest %}",
      'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    data_tests:\n      - rel_kind:\n          other: ref(\'b\')\n          n: "{{ var(\'lim\') }}"\n          items: ["x", "ref(\'b\')"]\n',
      'tests/disabled_singular.sql': "{{ config(enabled=false) }}\nselect 1 from {{ ref('a') }} where false\n",
    });
    const c = await compile(opts(dir));
    const t = [...c.compiled.nodes.values()].find((n) => n.name.startsWith('rel_kind_a')) as { compiledCode: string };
    expect(t.compiledCode).toBe("select 'b' as i, True as m, 4 as n, 'b' as x, 'a' as mi");
    expect([...c.compiled.nodes.keys()].some((k) => k.includes('disabled_singular'))).toBe(false);
  });
});

describe('ref() without recursion as deep as the DAG', () => {
  // An 800-model chain used to overflow the stack: ref() rendered its target recursively.
  const chain = (n: number, dynamic: boolean) => {
    const files: Record<string, string> = {};
    const name = (i: number) => `m_${String(i).padStart(5, '0')}`;
    // Each model refs the next one in file order, so every ref waits for a model not rendered yet.
    for (let i = 0; i < n; i++) files[`models/${name(i)}.sql`] = i === n - 1 ? 'select 1 as id' : dynamic ? `select id + 1 as id from {{ ref('m_' ~ '${String(i + 1).padStart(5, '0')}') }}` : `select id + 1 as id from {{ ref('${name(i + 1)}') }}`;
    return files;
  };
  it.each([
    ['literal refs', false, 10_000],
    ['computed refs (each render waits for its ref once)', true, 3_000],
  ])('compiles a long chain in reverse file order: %s', async (_what, dynamic, n) => {
    const c = await compile(opts(writeProject(chain(n, dynamic))));
    expect((c.compiled.nodes.get('model.demo.m_00000') as { compiledCode: string }).compiledCode).toBe('select id + 1 as id from "main"."m_00001"');
    expect(c.selected[0]).toBe(`model.demo.m_${String(n - 1).padStart(5, '0')}`);
  });
});

describe('the engine is private', () => {
  it('leaves other environments and the global prototypes untouched', () => {
    const a = new Environment();
    const b = new Environment();
    a.filters.shout = (_c, v) => String(v).toUpperCase();
    expect(a.renderString("{{ 'x' | shout }}", a.context())).toBe('X');
    expect(() => b.compile("{{ 'x' | shout }}", 't')).toThrow(/No filter named 'shout'/);
    expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain('append');
    expect(Object.getOwnPropertyNames(String.prototype)).not.toContain('startswith');
  });

  it('does not depend on nunjucks', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('nunjucks');
  });
});
