import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

type Obj = Record<string, any>;
const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
const SEM_YML = `semantic_models:
  - name: orders
    description: One row per order.
    model: ref('orders')
    defaults:
      agg_time_dimension: ordered_at
    config:
      meta: {owner: data}
    entities:
      - name: order
        type: primary
        expr: order_id
      - name: customer
        type: foreign
        expr: customer_id
        config: {meta: {pii: false}}
    dimensions:
      - name: ordered_at
        type: time
        type_params:
          time_granularity: day
      - name: is_food
        type: categorical
        label: Food?
    measures:
      - name: revenue
        agg: sum
        expr: amount
        description: Money.
      - name: order_count
        agg: sum
        expr: 1
        create_metric: true
      - name: customers_with_orders
        agg: count_distinct
        expr: customer_id
      - name: food_orders
        agg: count_distinct
        expr: case when is_food then customer_id end
metrics:
  - name: revenue
    label: Revenue
    type: simple
    type_params:
      measure: revenue
  - name: food_revenue
    label: Food revenue
    type: simple
    type_params:
      measure:
        name: revenue
        fill_nulls_with: 0
        join_to_timespine: true
    filter:
      - "{{ Dimension('order__is_food') }} = true"
  - name: food_share
    label: Food share
    type: ratio
    type_params:
      numerator: food_revenue
      denominator: {name: revenue, alias: all_revenue}
  - name: revenue_growth
    label: Growth
    type: derived
    type_params:
      expr: (current - previous) / previous
      metrics:
        - {name: revenue, alias: current}
        - {name: revenue, alias: previous, offset_window: 1 months}
  - name: revenue_7d
    label: Revenue 7 days
    type: cumulative
    type_params:
      measure: revenue
      cumulative_type_params:
        window: 7 days
        period_agg: last
  - name: revenue_mtd
    label: Revenue MTD
    type: cumulative
    type_params:
      measure: revenue
      grain_to_date: month
  - name: food_conversion
    label: Food conversion
    type: conversion
    type_params:
      conversion_type_params:
        entity: customer
        calculation: conversion_rate
        base_measure: customers_with_orders
        conversion_measure: {name: food_orders}
        window: 7 days
saved_queries:
  - name: daily
    description: Daily revenue.
    query_params:
      metrics: [revenue, food_share]
      group_by: ["TimeDimension('metric_time', 'day')"]
      where: "{{ Dimension('order__is_food') }}"
    config:
      tags: [finance]
    exports:
      - name: daily_revenue
        config:
          export_as: table
      - name: daily_view
        config:
          export_as: view
          schema: reports
          alias: daily
exposures:
  - name: board
    type: dashboard
    owner: {name: CFO}
    depends_on: [ref('orders'), metric('revenue_growth')]
`;
const FILES = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
  'models/orders.sql': `select 1 as order_id, 10 as customer_id, date '2026-01-01' as ordered_at, 12.5 as amount, true as is_food
`,
  'models/metricflow_time_spine.sql': `select cast(range as date) as date_day from range(date '2026-01-01', date '2026-02-01', interval 1 day)
`,
  'models/sem.yml': SEM_YML,
};

// fixtures/semantic-layer.dbt-1.11.json: what `dbt parse` (dbt-core 1.11.16, dbt-duckdb 1.11.1,
// 6 Dec 2026) wrote for these files: the semantic_models, metrics and saved_queries entries of
// manifest.json (created_at left out), the exposure's depends_on, their parent and child maps, and
// target/semantic_manifest.json whole, relation names with dbt's `"dev".` database as sm prints them.
const dbt = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'semantic-layer.dbt-1.11.json'), 'utf8')) as Obj;
const read = (dir: string, f: string) => JSON.parse(readFileSync(join(dir, 'target', f), 'utf8')) as Obj;
const withoutCreatedAt = (o: Obj) => Object.fromEntries(Object.entries(o).map(([k, e]) => [k, Object.fromEntries(Object.entries(e as Obj).filter(([f]) => f !== 'created_at'))]));

/** A semantic model with one measure written `{name: m, <text>}`, and what sm must say of it. */
const measureCase = (text: string, said: string): [string, string] => [`semantic_models:\n  - name: s\n    model: ref('orders')\n    measures: [{name: m, ${text}}]\n`, said];

describe('semantic models, metrics and saved queries (MetricFlow\'s YAML), as dbt 1.11 parses them', () => {
  it('writes their manifest entries and target/semantic_manifest.json as dbt does, every metric type included', async () => {
    const dir = writeProject(FILES);
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const m = read(dir, 'manifest.json');
    for (const kind of ['semantic_models', 'metrics', 'saved_queries']) {
      // Same entries, same keys in the same order, same values (JSON.stringify sees the order).
      expect(JSON.stringify(withoutCreatedAt(m[kind])), kind).toBe(JSON.stringify(dbt[kind]));
    }
    expect(m.exposures['exposure.demo.board'].depends_on).toEqual(dbt.exposure_depends_on);
    for (const [id, parents] of Object.entries(dbt.parent_map as Obj)) expect([...m.parent_map[id]].sort(), id).toEqual([...(parents as string[])].sort());
    for (const [id, children] of Object.entries(dbt.child_map as Obj)) expect([...m.child_map[id]].sort(), id).toEqual([...(children as string[])].sort());
    expect(JSON.stringify(read(dir, 'semantic_manifest.json'))).toBe(JSON.stringify(dbt.semantic_manifest));
  });

  // The same files with configs in the project file; fixtures/semantic-layer-project-config.dbt-1.11.json
  // holds what dbt parse wrote for each entry's config, unrendered_config, tags and meta.
  it('applies the project file\'s semantic-models:, metrics: and saved-queries: configs as dbt does', async () => {
    const project = "name: demo\nversion: '1.0'\nprofile: demo\nsemantic-models:\n  demo:\n    +meta: {layer: semantic}\nmetrics:\n  demo:\n    +meta: {team: finance}\n    +tags: [kpi]\nsaved-queries:\n  +export_as: view\n  +tags: [nightly]\n";
    const dir = writeProject({ ...FILES, 'dbt_project.yml': project });
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const m = read(dir, 'manifest.json');
    const want = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'semantic-layer-project-config.dbt-1.11.json'), 'utf8')) as Obj;
    for (const [id, w] of Object.entries(want)) {
      const e = m.semantic_models[id] ?? m.metrics[id] ?? m.saved_queries[id];
      const got: Obj = Object.fromEntries(['config', 'unrendered_config', 'tags', 'meta'].filter((f) => f in e).map((f) => [f, e[f]]));
      if ('element_meta' in (w as Obj)) got.element_meta = [...e.entities, ...e.measures, ...e.dimensions].map((x: Obj) => x.config.meta);
      if ('exports' in (w as Obj)) got.exports = e.exports.map((x: Obj) => ({ ...x, config: { ...x.config, database: (w as Obj).exports[0].config.database } }));
      expect(JSON.stringify(got), id).toBe(JSON.stringify(w));
    }
    // A folder's +enabled: false leaves its metrics out, as dbt does (metrics made of them then fail to resolve, as in dbt).
    const off = writeProject({ ...FILES, 'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nsaved-queries:\n  +enabled: false\n" });
    expect((await sm('parse', '--project-dir', off)).code).toBe(0);
    expect(read(off, 'manifest.json').saved_queries).toEqual({});
  });

  it('lists and selects them as dbt does, and a saved query is a no-op in build', async () => {
    const dir = writeProject(FILES);
    const ls = await sm('ls', '--project-dir', dir, '-s', '+saved_query:daily', 'metric:revenue_growth+');
    expect(ls.code, ls.err).toBe(0);
    // As dbt ls printed them for the same selection (sorted by unique id), and dbt build's results for them.
    expect(ls.out.split('\n')).toEqual([
      'exposure:demo.board', 'metric:demo.food_revenue', 'metric:demo.food_share', 'metric:demo.revenue', 'metric:demo.revenue_growth', 'demo.orders',
      'saved_query:demo.daily', 'semantic_model:demo.orders',
    ]);
    const build = await sm('build', '--project-dir', dir);
    expect(build.code, build.out + build.err).toBe(0);
    const results = (read(dir, 'run_results.json').results as Obj[]).filter((x) => !x.unique_id.startsWith('model.'));
    expect(results.map((x) => [x.unique_id, x.status, x.message])).toEqual([['exposure.demo.board', 'no-op', 'NO-OP'], ['saved_query.demo.daily', 'no-op', 'NO-OP']]);
  });

  // dbt 1.11 on the same change (a metric's label, state from the run before): `ls -s state:modified`
  // printed metric:demo.revenue; `state:modified+` that and the four below it.
  it('state:modified finds a changed metric and state:modified+ what is made of it, from sm-state.json or the manifest alone', async () => {
    const dir = writeProject(FILES);
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const state = join(dir, 'state');
    cpSync(join(dir, 'target'), state, { recursive: true });
    const manifestOnly = join(dir, 'state-manifest');
    mkdirSync(manifestOnly);
    cpSync(join(state, 'manifest.json'), join(manifestOnly, 'manifest.json'));
    writeFileSync(join(dir, 'models', 'sem.yml'), SEM_YML.replace('label: Revenue\n', 'label: Revenue!\n'));
    for (const st of [state, manifestOnly]) {
      expect((await sm('ls', '--project-dir', dir, '-s', 'state:modified', '--state', st)).out, st).toBe('metric:demo.revenue');
      expect((await sm('ls', '--project-dir', dir, '-s', 'state:modified+', '--state', st)).out.split('\n'), st).toEqual([
        'exposure:demo.board', 'metric:demo.food_share', 'metric:demo.revenue', 'metric:demo.revenue_growth', 'saved_query:demo.daily',
      ]);
    }
  });

  // dbt 1.11.16 parse (7 Dec 2026) of these measures and dimension wrote every field of agg_params and
  // validity_params, the flags not given false, in manifest.json and semantic_manifest.json alike
  // (jaffle-sl-template's median_revenue measure: sm wrote only the two keys the YAML has).
  it('fills agg_params and validity_params with dbt\'s defaults', async () => {
    const yml = `semantic_models:
  - name: orders
    model: ref('orders')
    defaults: {agg_time_dimension: ordered_at}
    entities: [{name: order, type: primary, expr: order_id}]
    dimensions:
      - {name: ordered_at, type: time, type_params: {time_granularity: day}}
      - {name: valid_from, type: time, expr: ordered_at, type_params: {time_granularity: day, validity_params: {is_start: true}}}
    measures:
      - {name: p50, agg: percentile, expr: amount, agg_params: {percentile: .5, use_approximate_percentile: True}}
      - {name: p90, agg: percentile, expr: amount, agg_params: {percentile: 0.9, use_discrete_percentile: true}}
      - {name: total, agg: sum, expr: amount}
`;
    const dir = writeProject({ ...FILES, 'models/sem.yml': yml });
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const dbtAggParams = [
      { percentile: 0.5, use_discrete_percentile: false, use_approximate_percentile: true },
      { percentile: 0.9, use_discrete_percentile: true, use_approximate_percentile: false },
      null,
    ];
    const dbtTypeParams = [{ time_granularity: 'day', validity_params: null }, { time_granularity: 'day', validity_params: { is_start: true, is_end: false } }];
    for (const e of [read(dir, 'manifest.json').semantic_models['semantic_model.demo.orders'], read(dir, 'semantic_manifest.json').semantic_models[0]]) {
      expect(JSON.stringify(e.measures.map((x: Obj) => x.agg_params))).toBe(JSON.stringify(dbtAggParams));
      expect(JSON.stringify(e.dimensions.map((x: Obj) => x.type_params))).toBe(JSON.stringify(dbtTypeParams));
    }
  });

  it('refuses what dbt refuses at parse: a measure, a metric or a model that does not exist (exit 2, naming the file)', async () => {
    const cases: [string, string][] = [
      ["metrics:\n  - name: m\n    label: M\n    type: simple\n    type_params: {measure: nope}\n", 'A semantic model having a measure `nope` does not exist'],
      ["metrics:\n  - name: m\n    label: M\n    type: derived\n    type_params: {expr: x, metrics: [ghost]}\n", 'The metric `ghost` does not exist'],
      ["semantic_models:\n  - name: s\n    model: ref('missing')\n", "depends on a node named 'missing' which was not found"],
      ["metrics:\n  - name: m\n    type: average\n", 'must be simple, ratio, cumulative, derived or conversion'],
      ["metrics:\n  - name: m\n    type: simple\n    type_params: {measure: revenue}\n", 'needs a `label:`'],
      // Shapes dbt's schema refuses: each names the entry and what it needs.
      ["semantic_models:\n  - name: s\n    model: ref('orders')\n    measures: [{agg: sum}]\n", '`measures:` must be a list of entries each with `name:` and `agg:`'],
      ["metrics:\n  - name: m\n    label: M\n    type: ratio\n    type_params: {numerator: {}, denominator: revenue}\n", 'each metric it is made of is a name or a mapping with `name:`'],
      ['saved_queries:\n  - name: q\n    query_params: 5\n', '`query_params:` must be a mapping'],
      // Recorded from dbt 1.11.16 (`dbt parse`, exit 2 each): an agg or window_choice that is no
      // AggregationType, a non_additive_dimension without window_choice or name, with another key,
      // or window_groupings not a list ("... is not valid under any of the given schemas").
      measureCase('agg: foo', '`agg: foo` is not an aggregation'),
      measureCase('agg: sum, non_additive_dimension: {name: d}', 'has no `window_choice:`'),
      measureCase('agg: sum, non_additive_dimension: {window_choice: min}', 'has no `name:`'),
      measureCase('agg: sum, non_additive_dimension: {name: d, window_choice: foo}', '`window_choice: foo`, which is not an aggregation'),
      measureCase('agg: sum, non_additive_dimension: {name: d, window_choice: min, extra: 1}', 'has `extra`'),
      measureCase('agg: sum, non_additive_dimension: {name: d, window_choice: max, window_groupings: g}', '`window_groupings:` that is not a list of names'),
      measureCase('agg: sum, non_additive_dimension: d', '`non_additive_dimension:` must be a mapping'),
    ];
    // Recorded from dbt 1.11.16 (`dbt parse`): semantic models and no time spine of day grain or
    // finer is exit 2 ("The semantic layer requires a time spine model with granularity DAY or
    // smaller"); the legacy metricflow_time_spine model (FILES) or a configured spine of hour grain is 0.
    const spine = (grain: string) => ({ 'models/ts.sql': 'select 1 as g', 'models/ts.yml': `models:\n  - name: ts\n    time_spine: {standard_granularity_column: g}\n    columns:\n      - name: g\n        granularity: ${grain}\n` });
    const { 'models/metricflow_time_spine.sql': _legacy, ...noSpine } = FILES;
    for (const [files, code] of [[noSpine, 2], [{ ...noSpine, ...spine('week') }, 2], [{ ...noSpine, ...spine('hour') }, 0], [{ ...noSpine, ...spine('DAY') }, 0]] as const) {
      const r = await sm('parse', '--project-dir', writeProject(files));
      expect(r.code, JSON.stringify(files['models/ts.yml' as keyof typeof files] ?? 'no spine')).toBe(code);
      if (code === 2) expect(r.err).toMatch(/models\/sem\.yml: The semantic layer needs a time spine model of day grain or finer/);
    }
    for (const [yml, said] of cases) {
      const dir = writeProject({ ...FILES, 'models/sem.yml': yml });
      const r = await sm('parse', '--project-dir', dir);
      expect(r.code, yml).toBe(2);
      expect(r.err, yml).toContain(said);
      expect(r.err, yml).toContain('models/sem.yml');
    }
  });
});
