import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'mp:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: mp.duckdb\n      threads: 1\n';

type Entry = Record<string, any>;
const nodesOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Entry> }).nodes;

/**
 * Parse; compile; warm compile (the store); a compile after another file changed (the rest from
 * the render cache): `check` reads the nodes after each.
 */
async function afterEachCompile(dir: string, check: (nodes: Record<string, Entry>, command: string) => void): Promise<void> {
  for (const command of ['parse', 'compile', 'compile', 'compile-after-change']) {
    if (command === 'compile-after-change') writeFileSync(join(dir, 'models', 'other.sql'), 'select 3 as id\n');
    const r = await sm(command === 'parse' ? 'parse' : 'compile', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.err).toBe(0);
    check(nodesOf(dir), command);
  }
}

// Every expected value below was recorded from `dbt parse` (dbt-core 1.11.16, dbt-duckdb 1.11.1)
// on the same files (6 Dec 2026).
const files = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': `name: mp
profile: mp
on-run-start:
  - "{{ log_it('start') }}"
  - "select 1"
on-run-end: "{{ log_it('end') }}"
models:
  mp:
    +tags: [a, b]
    +materialized: table
    +meta: {k: 1}
    sub:
      +tags: [b, c]
  pk:
    +tags: [r, p]
    +pre-hook: "select 'root'"
data_tests:
  pk:
    +tags: [rt]
`,
  'macros/m.sql': "{% macro log_it(x) %}select '{{ x }}' as y{% endmacro %}\n",
  'models/one.sql': "{{ config(tags=['a', 'z', 'z']) }}\nselect 1 as id\n",
  'models/sub/two.sql': "{{ config(tags='c') }}\nselect * from {{ ref('one') }}\n",
  'models/three.sql': "{{ config(tags=['z','m']) }}\n{{ config(tags='a') }}\nselect 1 as id\n",
  'models/s.yml': `models:
  - name: one
    columns:
      - name: id
        data_tests: [not_null]
  - name: two
    config:
      tags: [d]
  - name: three
    columns:
      - name: id
        tags: [q, q]
        data_tests:
          - not_null:
              config:
                tags: [k, k, a]
`,
  'dbt_packages/pk/dbt_project.yml': 'name: pk\nversion: "1.0"\nconfig-version: 2\nmodels:\n  pk:\n    +tags: [p, q]\ndata_tests:\n  pk:\n    +tags: [pt]\n',
  'dbt_packages/pk/models/pm.sql': "{{ config(tags=['s', 'p']) }}\nselect 1 as id\n",
  'dbt_packages/pk/models/pm.yml': 'models:\n  - name: pm\n    config: {tags: [y]}\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              config: {tags: [own]}\n',
};

describe('tags in manifest.json as dbt lists them', () => {
  it("a config's tags keep every level's, repeats included (project, YAML, config() calls, the root's for a package); a node's are each once, its YAML's last", async () => {
    const dir = writeProject(files);
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.err).toBe(0);
    const n = nodesOf(dir);
    const tags = (id: string) => [n[id]!.config.tags, n[id]!.tags];
    expect(tags('model.mp.one')).toEqual([['a', 'b', 'a', 'z', 'z'], ['a', 'b', 'z']]);
    expect(tags('model.mp.two')).toEqual([['a', 'b', 'b', 'c', 'd', 'c'], ['a', 'b', 'c', 'd']]);
    expect(tags('model.mp.three')).toEqual([['a', 'b', 'z', 'm', 'a'], ['a', 'b', 'z', 'm']]);
    expect(tags('model.pk.pm')).toEqual([['p', 'q', 'y', 's', 'p', 'r', 'p'], ['p', 'q', 's', 'r', 'y']]);
    // The root's hook for a package's model once, after its file's config() call (it was merged again with each call).
    expect(n['model.pk.pm']!.config['pre-hook']).toEqual([{ sql: "select 'root'", transaction: true, index: null }]);
    expect(tags('test.mp.not_null_three_id.dc15c217ce')).toEqual([['k', 'k', 'a'], ['a', 'k', 'q']]);
    expect(tags('test.pk.unique_pm_id.38a778b1b9')).toEqual([['pt', 'own', 'rt'], ['own', 'pt', 'rt']]);
    // Selection reads the node's tags.
    const ls = await sm('ls', '--project-dir', dir, '--profiles-dir', dir, '-s', 'tag:y', '--resource-type', 'model', '--output', 'name');
    expect(ls.out.trim().split('\n')).toEqual(['pm']);
  });

  it("on-run hooks' operation nodes take the project's models config, and list the macros their text calls, cold and warm", async () => {
    const dir = writeProject(files);
    for (const _ of [1, 2]) {
      const r = await sm('compile', '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code, r.err).toBe(0);
      const n = nodesOf(dir);
      const start0 = n['operation.mp.mp-on-run-start-0']!;
      expect(start0.tags).toEqual(['on-run-start', 'a', 'b']);
      expect(start0.config).toMatchObject({ tags: ['a', 'b'], materialized: 'table', meta: { k: 1 } });
      expect(start0.meta).toEqual({ k: 1 });
      expect(start0.depends_on).toEqual({ macros: ['macro.mp.log_it'], nodes: [] });
      expect(n['operation.mp.mp-on-run-start-1']!.depends_on.macros).toEqual([]);
      expect(n['operation.mp.mp-on-run-end-0']!).toMatchObject({ tags: ['on-run-end', 'a', 'b'], depends_on: { macros: ['macro.mp.log_it'] } });
    }
  });

  it("a hook node's index is its place in its project file (from 0) after parse or compile, its place in the run (from 1) after a command that runs it", async () => {
    const dir = writeProject(files);
    const indexes = () => {
      const n = nodesOf(dir);
      return ['mp-on-run-start-0', 'mp-on-run-start-1', 'mp-on-run-end-0'].map((h) => n[`operation.mp.${h}`]!.index);
    };
    expect((await sm('compile', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect(indexes()).toEqual([0, 1, 0]);
    const r = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(indexes()).toEqual([1, 2, 1]);
    expect((await sm('parse', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect(indexes()).toEqual([0, 1, 0]);
  });
});

describe('refs in manifest.json as dbt lists them', () => {
  it('each ref() call, repeats included, with the package and version it gave; after a warm compile too', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': 'name: mp\nprofile: mp\n',
      'models/m1.sql': 'select 1 as id\n',
      'models/vm_v1.sql': 'select 1 as id\n',
      'models/vm_v2.sql': 'select 2 as id\n',
      'models/vm.yml': 'models:\n  - name: vm\n    latest_version: 2\n    versions:\n      - v: 1\n      - v: 2\n',
      'models/r1.sql': "select * from {{ ref('mp', 'm1') }} union all select * from {{ ref('m1') }} union all select * from {{ ref('m1') }}\n",
      'models/rv.sql': "select * from {{ ref('vm', v=1) }} union all select * from {{ ref('vm', version='2') }} union all select * from {{ ref('vm') }}\n",
    });
    await afterEachCompile(dir, (n) => {
      expect(n['model.mp.r1']!.refs).toEqual([
        { name: 'm1', package: 'mp', version: null },
        { name: 'm1', package: null, version: null },
        { name: 'm1', package: null, version: null },
      ]);
      expect(n['model.mp.r1']!.depends_on).toEqual({ macros: [], nodes: ['model.mp.m1'] });
      expect(n['model.mp.rv']!.refs).toEqual([
        { name: 'vm', package: null, version: 1 },
        { name: 'vm', package: null, version: '2' },
        { name: 'vm', package: null, version: null },
      ]);
      expect(n['model.mp.rv']!.depends_on.nodes).toEqual(['model.mp.vm.v1', 'model.mp.vm.v2']);
    });
  });
});

describe('sources in manifest.json as dbt lists them', () => {
  // dbt-core 1.11.16 + dbt-duckdb 1.11.1, `dbt parse` on these files (7 Dec 2026): m's sources are
  // [['raw', 't'], ['raw', 'u'], ['raw', 't']] (each source() call, as fivetran_utils' union_data
  // reads source(...).database and .schema), its depends_on.nodes [source raw.t, source raw.u].
  // sm listed each source once: 36 of ade-bench quickbooks' nodes differed so.
  it('each source() call, repeats included; after a warm compile and from the render cache too', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': 'name: mp\nprofile: mp\n',
      'models/src.yml': 'sources:\n  - name: raw\n    tables:\n      - name: t\n      - name: u\n',
      'models/m.sql': "{% set db = source('raw', 't').database %}\nselect * from {{ source('raw', 'u') }}\nunion all\nselect * from {{ source('raw', 't') }}\n",
    });
    await afterEachCompile(dir, (n, command) => {
      expect(n['model.mp.m']!.sources, command).toEqual([['raw', 't'], ['raw', 'u'], ['raw', 't']]);
      expect(n['model.mp.m']!.depends_on.nodes).toEqual(['source.mp.raw.t', 'source.mp.raw.u']);
    });
  });
});

describe('macros in manifest.json as dbt lists them', () => {
  it("each macro's depends_on lists the macros its body calls, adapter.dispatch's as it resolves on DuckDB, after a warm compile too", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': 'name: mp\nprofile: mp\n',
      'macros/m.sql': `{% macro cents(x) %}{{ return(adapter.dispatch('cents', 'mp')(x)) }}{% endmacro %}

{% macro default__cents(x) %}{{ x }} / 100{% endmacro %}

{% macro duckdb__cents(x) %}({{ x }} / 100)::decimal(16, 2){% endmacro %}

{% macro only_default(x) %}{{ return(adapter.dispatch('only_default', macro_namespace='mp')(x)) }}{% endmacro %}

{% macro default__only_default(x) %}{{ x }}{% endmacro %}

{% macro helper() %}
  {% if execute %}{{ other() }}{% endif %}
  {{ dbt.concat(['a', 'b']) }}{{ cents(other()) }}{% if false %}{{ not_a_macro() }}{% endif %}{{ adapter.quote('x') }}
{% endmacro %}

{% macro other() %}1{% endmacro %}
`,
      'models/a.sql': 'select {{ helper() }} as x\n',
    });
    for (const _ of [1, 2]) {
      const r = await sm('compile', '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code, r.err).toBe(0);
      const macros = (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { macros: Record<string, Entry> }).macros;
      const deps = (id: string) => macros[id]!.depends_on.macros;
      expect(deps('macro.mp.cents')).toEqual(['macro.mp.duckdb__cents']);
      expect(deps('macro.mp.only_default')).toEqual(['macro.mp.default__only_default']);
      expect(deps('macro.mp.helper')).toEqual(['macro.mp.other', 'macro.dbt.concat', 'macro.mp.cents']);
      expect(deps('macro.mp.other')).toEqual([]);
      expect(Object.keys(macros['macro.mp.other']!)).toEqual([
        'name', 'resource_type', 'package_name', 'path', 'original_file_path', 'unique_id', 'macro_sql', 'depends_on', 'description', 'meta', 'docs', 'config', 'patch_path', 'arguments', 'created_at', 'supported_languages',
      ]);
      expect(macros['macro.mp.other']!.config).toEqual({ meta: {}, docs: { show: true, node_color: null } });
    }
  });
});

describe("macros: entries in schema YAML, as dbt's parse applies them", () => {
  const base = {
    'profiles.yml': PROFILE,
    'dbt_project.yml': 'name: mp\nprofile: mp\n',
    'macros/m.sql': "{% macro cents(x) %}({{ x }} / 100){% endmacro %}\n\n{% macro other() %}1{% endmacro %}\n",
    'models/a.sql': 'select {{ cents(250) }} as x\n',
  };

  it('gives the macro its description (Jinja rendered), arguments, meta, docs and patch_path; after a warm compile too', async () => {
    const dir = writeProject({
      ...base,
      'macros/m.yml': `macros:
  - name: cents
    description: "Converts {{ 'cents' }} to dollars"
    arguments:
      - name: x
        type: integer
        description: the column
      - name: y
    docs:
      show: false
    meta: {owner: me}
    config:
      meta: {team: t}
`,
    });
    for (const command of ['parse', 'compile', 'compile']) {
      const r = await sm(command, '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code, r.err).toBe(0);
      const macros = (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { macros: Record<string, Entry> }).macros;
      // Recorded from dbt parse (1.11.16) on the same files.
      expect(macros['macro.mp.cents']).toMatchObject({
        description: 'Converts cents to dollars',
        meta: { owner: 'me', team: 't' },
        docs: { show: false, node_color: null },
        config: { meta: { owner: 'me', team: 't' }, docs: { show: false, node_color: null } },
        patch_path: 'mp://macros/m.yml',
        arguments: [{ name: 'x', type: 'integer', description: 'the column' }, { name: 'y', type: null, description: '' }],
      });
      expect(macros['macro.mp.other']).toMatchObject({ description: '', patch_path: null, arguments: [], meta: {} });
    }
  });

  it('warns of an entry naming no macro (exit 0; an error under --warn-error), and refuses malformed entries with the file and line', async () => {
    const missing = writeProject({ ...base, 'macros/m.yml': 'macros:\n  - name: nosuch\n    description: x\n' });
    const r = await sm('parse', '--project-dir', missing, '--profiles-dir', missing);
    expect(r.code, r.err).toBe(0);
    expect(r.out + r.err).toMatch(/macros\/m\.yml:2:\d+: macros\/m\.yml describes the macro "nosuch", which package "mp" does not define/);
    expect((await sm('compile', '--project-dir', missing, '--profiles-dir', missing, '--warn-error')).code).toBe(2);
    for (const [yaml, message] of [
      ['macros:\n  - name: cents\n    arguments: 5\n', /macros\/m\.yml:3:\d+: Macro "cents": `arguments:` must be a list of entries with `name:`/],
      ['macros:\n  - name: cents\n    arguments:\n      - type: int\n', /macros\/m\.yml:4:\d+: Macro "cents": each argument needs a `name:`/],
      ['macros:\n  - description: x\n', /macros\/m\.yml:2:\d+: Each macro entry needs a `name:`/],
      ['macros:\n  - name: cents\n  - name: cents\n', /macros\/m\.yml:3:\d+: The macro "cents" is described twice under `macros:`: in macros\/m\.yml and macros\/m\.yml/],
    ] as const) {
      const dir = writeProject({ ...base, 'macros/m.yml': yaml });
      const bad = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
      expect(bad.code, yaml).toBe(2);
      expect(bad.err, yaml).toMatch(message);
    }
  });
});

describe("a model's depends_on", () => {
  // dbt-core 1.11.16 on these files (6 Dec 2026), after `dbt run`: a's depends_on.macros is
  // [plain_macro, hook_macro, exec_macro], what its parse recorded (its post-hook's after its own)
  // and then what its render with execute true added.
  it('lists a macro called under {% if execute %} after those its parse records, its hooks\' included', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': 'name: mp\nprofile: mp\n',
      'macros/m.sql': '{% macro hook_macro() %}select 1{% endmacro %}\n{% macro exec_macro() %}-- at run{% endmacro %}\n{% macro plain_macro() %}1{% endmacro %}\n',
      'models/a.sql': '{{ config(post_hook="{{ hook_macro() }}") }}\n{% if execute %}{{ exec_macro() }}{% endif %}\nselect {{ plain_macro() }} as id\n',
    });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    expect(nodesOf(dir)['model.mp.a']!.depends_on.macros).toEqual(['macro.mp.plain_macro', 'macro.mp.hook_macro', 'macro.mp.exec_macro']);
  });

  // dbt-core 1.11.16, `dbt parse` on these files (6 Dec 2026): o's depends_on.nodes is
  // [source s.t2, source s.t1, model b, model a], its sources before its refs, each as called.
  it('lists the sources a model reads before the models it refs', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': 'name: mp\nprofile: mp\n',
      'models/src.yml': 'sources:\n  - name: s\n    tables:\n      - name: t1\n      - name: t2\n',
      'models/a.sql': 'select 1 as id\n',
      'models/b.sql': 'select 1 as id\n',
      'models/o.sql': "{% set x = 1 %}\nselect * from {{ ref('b') }} join {{ ref('a') }} using (id) join {{ source('s','t2') }} using (id) join {{ source('s','t1') }} using (id)\n",
    });
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    const o = nodesOf(dir)['model.mp.o']!;
    expect(o.depends_on.nodes).toEqual(['source.mp.s.t2', 'source.mp.s.t1', 'model.mp.b', 'model.mp.a']);
    expect(o.sources).toEqual([['s', 't2'], ['s', 't1']]);
  });
});
