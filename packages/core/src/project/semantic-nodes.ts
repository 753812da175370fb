import { diag, type Diagnostic } from '../diagnostics.ts';
import type { ExposureNode, GraphNode, ModelNode, SeedNode, SemanticNode, SemanticResourceType } from '../types.ts';
import { pathInResourceFolder } from './discover.ts';
import { parseDependsOn } from './exposure-nodes.ts';
import { RefIndex } from './ref-index.ts';
import type { SemanticDecl } from './semantic-yaml.ts';

/**
 * MetricFlow's YAML (`semantic_models:`, `metrics:`, `saved_queries:`) read into nodes as dbt
 * 1.11's parser reads it (dbt/parser/schema_yaml_readers.py): each entry's manifest entry with
 * dbt's defaults and key order, a semantic model's `ref()` resolved, a measure with
 * `create_metric: true` making its simple metric, and then each metric's `input_measures` and
 * `depends_on` (the semantic model holding its measure, or the metrics it is made of) and each
 * saved query's metrics. What dbt refuses at parse (a ref to nothing, a measure or metric that
 * does not exist) is an error naming the file and the entry. dbt's semantic validations
 * (MetricFlow's own checks of entities, joins and time dimensions) are not made.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const orNull = (v: unknown): unknown => (v === undefined ? null : v);
const strOrNull = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));
const metaOf = (c: unknown): Obj => (isObj(c) && isObj(c.meta) ? c.meta : {});
/** A measure's agg_params as dbt 1.11 parses them: every field, the flags false unless given (MeasureAggregationParameters). */
const aggParams = (v: unknown): Obj | null =>
  isObj(v) ? { percentile: orNull(v.percentile), use_discrete_percentile: v.use_discrete_percentile === true, use_approximate_percentile: v.use_approximate_percentile === true } : null;
/** A time dimension's validity_params as dbt 1.11 parses them: both flags, false unless given. */
const validityParams = (v: unknown): Obj | null => (isObj(v) ? { is_start: v.is_start === true, is_end: v.is_end === true } : null);

/** One project's (root or package) semantic declarations and where their files sit (as an exposure's scope). */
export interface SemanticScope {
  packageName: string;
  prefix: string;
  resourcePaths: readonly string[];
  decls: readonly SemanticDecl[];
  /** The project file's config for a node of this kind at this fqn (`semantic-models:`, `metrics:`, `saved-queries:`, by folder), the root project's over a package's own. */
  projectConfig?: ((kind: SemanticResourceType, fqnTail: readonly string[]) => Obj) | undefined;
}

/** dbt's `filter:` (a string or a list of them) as its WhereFilterIntersection. */
function whereFilters(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  const list = Array.isArray(v) ? v : [v];
  return { where_filters: list.map((w) => ({ where_sql_template: String(w) })) };
}

/** `28 days` as dbt's MetricTimeWindow ({count, granularity}, a plural of a standard grain made singular); undefined when malformed. */
const GRAINS = ['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
function timeWindow(v: unknown): { count: number; granularity: string } | null | undefined {
  if (v === undefined || v === null) return null;
  const parts = String(v).toLowerCase().split(' ');
  if (parts.length !== 2 || !/^\d+$/.test(parts[0]!)) return undefined;
  let g = parts[1]!;
  if (g.endsWith('s') && GRAINS.includes(g.slice(0, -1))) g = g.slice(0, -1);
  return { count: Number(parts[0]), granularity: g };
}

/** dbt's AggregationType values (read case-insensitively): a measure's `agg` and a non-additive dimension's `window_choice`. */
const AGGREGATIONS = ['sum', 'min', 'max', 'count_distinct', 'sum_boolean', 'average', 'percentile', 'median', 'count'];
const isAggregation = (v: unknown): boolean => typeof v === 'string' && AGGREGATIONS.includes(v.toLowerCase());

/**
 * What dbt 1.11 refuses in a measure (exit 2): an `agg` that is no aggregation, a
 * `non_additive_dimension` that is not a mapping of `name`, `window_choice` (both required) and
 * `window_groupings` (a list of names), or whose `window_choice` is no aggregation.
 */
function measureProblem(m: Obj): string | undefined {
  if (!isAggregation(m.agg)) return `\`agg: ${String(m.agg)}\` is not an aggregation`;
  const n = m.non_additive_dimension;
  if (n === undefined || n === null) return undefined;
  const shape = 'must be a mapping of `name:`, `window_choice:` and optionally `window_groupings:` (a list of names)';
  if (!isObj(n)) return `\`non_additive_dimension:\` ${shape}`;
  const extra = Object.keys(n).filter((k) => k !== 'name' && k !== 'window_choice' && k !== 'window_groupings');
  if (extra.length) return `\`non_additive_dimension:\` has ${extra.map((k) => `\`${k}\``).join(', ')}: it ${shape}`;
  if (typeof n.name !== 'string') return `\`non_additive_dimension:\` has no \`name:\` (the time dimension it does not add over)`;
  if (n.window_choice === undefined || n.window_choice === null) return `\`non_additive_dimension:\` has no \`window_choice:\` (which value of the window to keep: min or max)`;
  if (!isAggregation(n.window_choice)) return `\`non_additive_dimension:\` has \`window_choice: ${String(n.window_choice)}\`, which is not an aggregation`;
  if (n.window_groupings !== undefined && (!Array.isArray(n.window_groupings) || n.window_groupings.some((g) => typeof g !== 'string'))) return `\`non_additive_dimension:\` has \`window_groupings:\` that is not a list of names`;
  return undefined;
}

const measureInput = (v: unknown): Obj =>
  isObj(v)
    ? { name: String(v.name), filter: whereFilters(v.filter), alias: strOrNull(v.alias), join_to_timespine: v.join_to_timespine === true, fill_nulls_with: orNull(v.fill_nulls_with) }
    : { name: String(v), filter: null, alias: null, join_to_timespine: false, fill_nulls_with: null };

class SemanticReader {
  readonly nodes: SemanticNode[] = [];
  readonly #diagnostics: Diagnostic[];
  readonly #disabled: GraphNode[];
  readonly #seen = new Map<string, string>();
  readonly #refs: RefIndex;
  readonly #targetSchema: string;
  constructor(found: { models: readonly ModelNode[]; seeds: readonly SeedNode[] }, rootName: string, targetSchema: string, diagnostics: Diagnostic[], disabled: GraphNode[]) {
    this.#refs = new RefIndex([...found.models, ...found.seeds], rootName);
    this.#targetSchema = targetSchema;
    this.#diagnostics = diagnostics;
    this.#disabled = disabled;
  }

  /** The project file's config for the entry's place. */
  #projectConfigOf(s: SemanticScope, d: SemanticDecl, kind: SemanticResourceType): Obj {
    const path = pathInResourceFolder(s, d.file);
    return s.projectConfig?.(kind, [...path.split('/').slice(0, -1), d.name]) ?? {};
  }

  /** The entry's config: the project file's for its place, under what its YAML `config:` says (YAML wins, `meta` merged, as in dbt). */
  #configOf(d: SemanticDecl, fromProject: Obj): Obj {
    const own = isObj(d.raw.config) ? d.raw.config : {};
    const meta = isObj(fromProject.meta) || isObj(own.meta) ? { meta: { ...(isObj(fromProject.meta) ? fromProject.meta : {}), ...(isObj(own.meta) ? own.meta : {}) } } : {};
    return { ...fromProject, ...own, ...meta };
  }

  #error(d: SemanticDecl, message: string, hint?: string): void {
    this.#diagnostics.push(diag('SM_SCHEMA_YAML', message, d.location, hint ? { hint } : {}));
  }

  /** The node of an entry, common keys first as dbt writes them; undefined when it is disabled or a duplicate. */
  #node(s: SemanticScope, d: SemanticDecl, kind: SemanticResourceType, name: string, config: Obj, entry: (head: Obj) => Obj): SemanticNode | undefined {
    const uniqueId = `${kind}.${s.packageName}.${name}`;
    const off = config.enabled === false || (typeof config.enabled === 'string' && config.enabled.trim().toLowerCase() === 'false');
    const first = off ? undefined : this.#seen.get(uniqueId);
    if (first !== undefined) {
      this.#error(d, `${kind.replace('_', ' ')} "${name}" is declared twice: in ${first} and ${d.file}`, 'Names are unique within a project and resource type: rename one.');
      return undefined;
    }
    if (!off) this.#seen.set(uniqueId, d.file);
    const path = pathInResourceFolder(s, d.file);
    const fqn = [s.packageName, ...path.split('/').slice(0, -1), name];
    const head = { name, resource_type: kind, package_name: s.packageName, path, original_file_path: d.file, unique_id: uniqueId, fqn };
    const e = entry(head);
    const tags = Array.isArray(e.tags) ? (e.tags as string[]) : [];
    const meta = isObj(e.meta) ? e.meta : metaOf(config);
    const node: SemanticNode = {
      resourceType: kind, uniqueId, name, packageName: s.packageName, originalFilePath: d.file, path, fqn,
      description: typeof e.description === 'string' ? e.description : '', tags, meta, config: config as SemanticNode['config'], columns: {},
      dependsOn: { nodes: [], macros: [] }, entry: e,
    };
    if (off) {
      this.#disabled.push(node);
      return undefined;
    }
    this.nodes.push(node);
    return node;
  }

  /** dbt's schema checks of a semantic model's element lists: each a list of mappings with a name and a type (`agg` for a measure). */
  #elementsOk(d: SemanticDecl): boolean {
    for (const [key, kind] of [['entities', 'type'], ['measures', 'agg'], ['dimensions', 'type']] as const) {
      const v = d.raw[key];
      if (v === undefined || v === null) continue;
      const bad = !Array.isArray(v) ? -1 : v.findIndex((e) => !isObj(e) || typeof e.name !== 'string' || !e.name || typeof e[kind] !== 'string');
      if (bad !== -1 || !Array.isArray(v)) {
        this.#error(d, `Semantic model "${d.name}": \`${key}:\` must be a list of entries each with \`name:\` and \`${kind}:\`${Array.isArray(v) ? ` (entry ${bad + 1} is not)` : ''}`);
        return false;
      }
    }
    for (const m of (d.raw.measures ?? []) as Obj[]) {
      const wrong = measureProblem(m);
      if (wrong) {
        this.#error(d, `Semantic model "${d.name}", measure "${String(m.name)}": ${wrong}`, wrong.includes('aggregation') ? `Aggregations: ${AGGREGATIONS.join(', ')}.` : undefined);
        return false;
      }
    }
    return true;
  }

  semanticModel(s: SemanticScope, d: SemanticDecl): void {
    const r = d.raw;
    if (!this.#elementsOk(d)) return;
    const own = this.#configOf(d, this.#projectConfigOf(s, d, 'semantic_model'));
    const config: Obj = { enabled: true, group: null, meta: {}, ...own };
    const metaFor = (el: Obj): { meta: Obj } => ({ meta: { ...metaOf(config), ...metaOf(el.config) } });
    const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
    let refName: string | undefined;
    let refPackage: string | undefined;
    let refVersion: string | undefined;
    let modelId: string | undefined;
    if (r.model !== undefined && r.model !== null) {
      const call = parseDependsOn(String(r.model));
      if (!call || call.fn !== 'ref' || call.args.length < 1 || call.args.length > 2) {
        return this.#error(d, `Semantic model "${d.name}": cannot read \`model: ${String(r.model)}\``, "Write model: ref('model_name').");
      }
      [refPackage, refName] = call.args.length === 2 ? [call.args[0], call.args[1]!] : [undefined, call.args[0]!];
      refVersion = call.kwargs.v ?? call.kwargs.version;
      const hit = this.#refs.resolve(refName, refPackage, s.packageName);
      if (!hit) return this.#error(d, `Semantic model "${d.name}" (${d.file}) depends on a node named '${refName}' which was not found`);
      modelId = hit.uniqueId;
    }
    const measures = list(r.measures);
    const node = this.#node(s, d, 'semantic_model', d.name, config, (head) => ({
      ...head,
      model: strOrNull(r.model),
      node_relation: null,
      description: strOrNull(r.description),
      label: strOrNull(r.label),
      defaults: isObj(r.defaults) ? { agg_time_dimension: orNull(r.defaults.agg_time_dimension) } : null,
      entities: list(r.entities).map((e) => ({ name: String(e.name), type: String(e.type), description: strOrNull(e.description), label: strOrNull(e.label), role: strOrNull(e.role), expr: strOrNull(e.expr), config: metaFor(e) })),
      measures: measures.map((m) => ({
        // dbt's parsed measure keeps create_metric false (the metric it asks for is made beside it).
        name: String(m.name), agg: String(m.agg), description: strOrNull(m.description), label: strOrNull(m.label), create_metric: false,
        expr: strOrNull(m.expr), agg_params: aggParams(m.agg_params),
        non_additive_dimension: isObj(m.non_additive_dimension) ? { name: String(m.non_additive_dimension.name), window_choice: String(m.non_additive_dimension.window_choice).toLowerCase(), window_groupings: Array.isArray(m.non_additive_dimension.window_groupings) ? m.non_additive_dimension.window_groupings : [] } : null,
        agg_time_dimension: strOrNull(m.agg_time_dimension), config: metaFor(m),
      })),
      dimensions: list(r.dimensions).map((x) => ({
        name: String(x.name), type: String(x.type), description: strOrNull(x.description), label: strOrNull(x.label), is_partition: x.is_partition === true,
        type_params: isObj(x.type_params) ? { time_granularity: orNull(x.type_params.time_granularity), validity_params: validityParams(x.type_params.validity_params) } : null,
        expr: strOrNull(x.expr), metadata: null, config: metaFor(x),
      })),
      metadata: null,
      depends_on: null,
      refs: refName === undefined ? [] : [{ name: refName, package: refPackage ?? null, version: refVersion ?? null }],
      created_at: 0,
      config,
      // dbt's unrendered_config of a YAML entry is its own `config:` as written, without the project file's.
      unrendered_config: isObj(r.config) ? r.config : {},
      primary_entity: strOrNull(r.primary_entity),
      group: orNull(config.group),
    }));
    if (!node) return;
    if (modelId) node.dependsOn.nodes.push(modelId);
    // A measure with create_metric: true is also a simple metric of its name (dbt's _create_metric).
    for (const m of measures.filter((x) => x.create_metric === true)) {
      const raw: Obj = {
        name: String(m.name), label: m.label ?? m.name, type: 'simple', type_params: { measure: String(m.name), expr: m.expr ?? m.name },
        description: m.description ?? `Metric created from measure ${String(m.name)}`, config: { enabled: true, ...(isObj(config.meta) ? { meta: config.meta } : {}) },
      };
      this.metric(s, { ...d, kind: 'metric', name: String(m.name), raw });
    }
  }

  metric(s: SemanticScope, d: SemanticDecl): void {
    const r = d.raw;
    const tp: Obj = isObj(r.type_params) ? r.type_params : {};
    const type = String(r.type ?? '').toLowerCase();
    if (!['simple', 'ratio', 'cumulative', 'derived', 'conversion'].includes(type)) {
      return this.#error(d, `Metric "${d.name}": \`type:\` must be simple, ratio, cumulative, derived or conversion${r.type === undefined ? '' : `, not "${String(r.type)}"`}`);
    }
    if (r.label === undefined || r.label === null) return this.#error(d, `Metric "${d.name}" needs a \`label:\` (dbt requires one)`, 'Add label: with the name to show for it.');
    const fromProject = this.#projectConfigOf(s, d, 'metric');
    const own = this.#configOf(d, fromProject);
    const config: Obj = { enabled: true, group: null, meta: {}, ...own };
    const metricInput = (v: unknown): Obj | undefined => {
      if (!(typeof v === 'string' && v) && !(isObj(v) && typeof v.name === 'string' && v.name)) return void this.#error(d, `Metric "${d.name}": each metric it is made of is a name or a mapping with \`name:\`, not ${JSON.stringify(v) ?? 'nothing'}`);
      if (!isObj(v)) return { name: String(v), filter: null, alias: null, offset_window: null, offset_to_grain: null };
      const w = timeWindow(v.offset_window);
      if (w === undefined) return void this.#error(d, `Metric "${d.name}": offset_window "${String(v.offset_window)}" is not of the form <count> <granularity>, e.g. 1 month`);
      return { name: String(v.name), filter: whereFilters(v.filter), alias: strOrNull(v.alias), offset_window: w, offset_to_grain: strOrNull(v.offset_to_grain) };
    };
    const window = timeWindow(tp.window);
    if (window === undefined) return this.#error(d, `Metric "${d.name}": window "${String(tp.window)}" is not of the form <count> <granularity>, e.g. 28 days`);
    let cumulative: Obj | null = null;
    if (type === 'cumulative') {
      const c: Obj = isObj(tp.cumulative_type_params) ? tp.cumulative_type_params : {};
      const w = timeWindow(c.window ?? tp.window);
      if (w === undefined) return this.#error(d, `Metric "${d.name}": window "${String(c.window)}" is not of the form <count> <granularity>, e.g. 28 days`);
      cumulative = { window: w, grain_to_date: orNull(c.grain_to_date ?? tp.grain_to_date), period_agg: String(c.period_agg ?? 'first'), metric: null };
    }
    let conversion: Obj | null = null;
    if (isObj(tp.conversion_type_params)) {
      const c = tp.conversion_type_params;
      const w = timeWindow(c.window);
      if (w === undefined) return this.#error(d, `Metric "${d.name}": window "${String(c.window)}" is not of the form <count> <granularity>, e.g. 7 days`);
      conversion = {
        base_measure: measureInput(c.base_measure), conversion_measure: measureInput(c.conversion_measure), entity: String(c.entity),
        calculation: String(c.calculation ?? 'conversion_rate'), window: w, constant_properties: orNull(c.constant_properties),
      };
    }
    const inputs = Array.isArray(tp.metrics) ? tp.metrics.map(metricInput) : [];
    const numerator = tp.numerator === undefined || tp.numerator === null ? null : metricInput(tp.numerator);
    const denominator = tp.denominator === undefined || tp.denominator === null ? null : metricInput(tp.denominator);
    if (inputs.includes(undefined) || numerator === undefined || denominator === undefined) return;
    if (type === 'ratio' && (!numerator || !denominator)) return this.#error(d, `Metric "${d.name}": a ratio metric needs both \`numerator:\` and \`denominator:\``);
    if ((type === 'simple' || type === 'cumulative') && (tp.measure === undefined || tp.measure === null)) return this.#error(d, `Metric "${d.name}": a ${type} metric needs \`type_params: {measure: ...}\``);
    if (type === 'conversion' && !conversion) return this.#error(d, `Metric "${d.name}": a conversion metric needs \`type_params: {conversion_type_params: ...}\``);
    const meta = { ...(isObj(r.meta) ? r.meta : {}), ...metaOf(config) };
    this.#node(s, d, 'metric', d.name, config, (head) => ({
      ...head,
      description: typeof r.description === 'string' ? r.description : '',
      label: strOrNull(r.label),
      type,
      type_params: {
        measure: tp.measure === undefined || tp.measure === null ? null : measureInput(tp.measure),
        input_measures: [],
        numerator,
        denominator,
        expr: strOrNull(tp.expr),
        window,
        grain_to_date: orNull(tp.grain_to_date),
        metrics: inputs,
        conversion_type_params: conversion,
        cumulative_type_params: cumulative,
        metric_aggregation_params: null,
      },
      filter: whereFilters(r.filter),
      metadata: null,
      time_granularity: strOrNull(r.time_granularity),
      meta,
      tags: Array.isArray(r.tags) ? r.tags.map(String) : typeof r.tags === 'string' ? [r.tags] : [],
      config,
      // dbt's unrendered_config of a metric is the project file's config with its own over it (`meta` replaced, not merged); of a semantic model or saved query, its own `config:` only.
      unrendered_config: { ...fromProject, ...(isObj(r.config) ? r.config : {}) },
      sources: [],
      depends_on: null,
      refs: [],
      metrics: [],
      created_at: 0,
      group: orNull(config.group),
    }));
  }

  savedQuery(s: SemanticScope, d: SemanticDecl): void {
    const r = d.raw;
    const own = this.#configOf(d, this.#projectConfigOf(s, d, 'saved_query'));
    const { enabled = true, group = null, meta = {}, export_as = null, schema = null, cache, ...rest } = own;
    const config: Obj = { enabled, group, meta, export_as, schema, cache: { enabled: false, ...(isObj(cache) ? cache : {}) }, ...rest };
    if (r.query_params !== undefined && !isObj(r.query_params)) return this.#error(d, `Saved query "${d.name}": \`query_params:\` must be a mapping with \`metrics:\` (and group_by, where, ...)`);
    if (r.exports !== undefined && (!Array.isArray(r.exports) || r.exports.some((x) => !isObj(x) || typeof x.name !== 'string' || (x.config !== undefined && !isObj(x.config))))) {
      return this.#error(d, `Saved query "${d.name}": \`exports:\` must be a list of entries each with \`name:\` (and a \`config:\` mapping)`);
    }
    const q: Obj = isObj(r.query_params) ? r.query_params : {};
    const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
    const exports = (Array.isArray(r.exports) ? r.exports.filter(isObj) : []).map((x) => {
      const xc: Obj = isObj(x.config) ? x.config : {};
      const schema = xc.schema_name ?? xc.schema ?? config.schema;
      return {
        name: String(x.name),
        config: { export_as: orNull(xc.export_as ?? config.export_as), schema_name: schema === undefined || schema === null ? this.#targetSchema : String(schema), alias: String(xc.alias ?? x.name), database: null },
        unrendered_config: xc,
      };
    });
    const tags = [...new Set([...strs(r.tags), ...strs(config.tags)])].sort();
    this.#node(s, d, 'saved_query', d.name, config, (head) => ({
      ...head,
      query_params: { metrics: strs(q.metrics), group_by: strs(q.group_by), where: whereFilters(q.where), order_by: strs(q.order_by), limit: orNull(q.limit) },
      exports,
      description: strOrNull(r.description),
      label: strOrNull(r.label),
      metadata: null,
      config,
      // dbt's unrendered_config of a YAML entry is its own `config:` as written, without the project file's.
      unrendered_config: isObj(r.config) ? r.config : {},
      group: orNull(config.group),
      depends_on: null,
      created_at: 0,
      refs: [],
      tags,
    }));
  }

  /** Each metric's input_measures and depends_on, each saved query's metrics, as dbt's manifest processing sets them. */
  resolve(): void {
    const metrics = new Map<string, SemanticNode>();
    const models: SemanticNode[] = [];
    for (const n of this.nodes) if (n.resourceType === 'metric') metrics.set(n.uniqueId, n);
    for (const n of this.nodes) if (n.resourceType === 'semantic_model') models.push(n);
    const byName = (name: string, pkg: string): SemanticNode | undefined => metrics.get(`metric.${pkg}.${name}`) ?? [...metrics.values()].find((m) => m.name === name);
    const fail = (n: SemanticNode, message: string) => this.#diagnostics.push(diag('SM_SCHEMA_YAML', message, { file: n.originalFilePath }, { nodeId: n.uniqueId }));
    const done = new Set<string>();
    const visiting = new Set<string>();
    const process = (m: SemanticNode): boolean => {
      if (done.has(m.uniqueId)) return true;
      if (visiting.has(m.uniqueId)) {
        fail(m, `Metric "${m.name}" is made of itself (a cycle through its metrics)`);
        return false;
      }
      visiting.add(m.uniqueId);
      const tp = m.entry.type_params as Obj;
      const input = tp.input_measures as Obj[];
      const addMeasure = (x: Obj) => {
        if (!input.some((y) => JSON.stringify(y) === JSON.stringify(x))) input.push(x);
      };
      const add = (id: string) => {
        if (!m.dependsOn.nodes.includes(id)) m.dependsOn.nodes.push(id);
      };
      const type = m.entry.type as string;
      let ok = true;
      if (type === 'simple' || type === 'cumulative' || type === 'conversion') {
        const c = tp.conversion_type_params as Obj | null;
        for (const x of type === 'conversion' ? [c!.base_measure as Obj, c!.conversion_measure as Obj] : [tp.measure as Obj]) addMeasure(x);
        for (const x of input) {
          const holder = models.find((sm) => sm.packageName === m.packageName && (sm.entry.measures as Obj[]).some((y) => y.name === x.name)) ?? models.find((sm) => (sm.entry.measures as Obj[]).some((y) => y.name === x.name));
          if (!holder) {
            fail(m, `A semantic model having a measure \`${String(x.name)}\` does not exist but was referenced by metric "${m.name}" (${m.originalFilePath})`);
            ok = false;
            continue;
          }
          add(holder.uniqueId);
        }
      } else {
        const ins = type === 'ratio' ? [tp.numerator as Obj, tp.denominator as Obj] : (tp.metrics as Obj[]);
        for (const x of ins) {
          const target = byName(String(x.name), m.packageName);
          if (!target) {
            fail(m, `The metric \`${String(x.name)}\` does not exist but was referenced by metric \`${m.name}\` (${m.originalFilePath})`);
            ok = false;
            continue;
          }
          if (!process(target)) ok = false;
          for (const y of (target.entry.type_params as Obj).input_measures as Obj[]) addMeasure(y);
          add(target.uniqueId);
        }
      }
      visiting.delete(m.uniqueId);
      done.add(m.uniqueId);
      return ok;
    };
    for (const m of metrics.values()) process(m);
    for (const q of this.nodes.filter((n) => n.resourceType === 'saved_query')) {
      for (const name of (q.entry.query_params as Obj).metrics as string[]) {
        const target = byName(name, q.packageName);
        if (!target) fail(q, `Saved query "${q.name}" (${q.originalFilePath}) names metric \`${name}\`, which does not exist`);
        else if (!q.dependsOn.nodes.includes(target.uniqueId)) q.dependsOn.nodes.push(target.uniqueId);
      }
    }
  }
}

/**
 * The semantic nodes of every scope (root project and packages), resolved against the models
 * and seeds found and each other. Disabled entries go to `disabled`.
 */
export function semanticNodes(
  scopes: readonly SemanticScope[],
  rootName: string,
  found: { models: readonly ModelNode[]; seeds: readonly SeedNode[] },
  targetSchema: string,
  diagnostics: Diagnostic[],
  disabled: GraphNode[],
): SemanticNode[] {
  if (!scopes.some((s) => s.decls.length)) return [];
  const reader = new SemanticReader(found, rootName, targetSchema, diagnostics, disabled);
  for (const s of scopes) {
    // dbt parses a project's metrics, then its semantic models (and the metrics their measures create), then its saved queries.
    for (const d of s.decls) if (d.kind === 'metric') reader.metric(s, d);
    for (const d of s.decls) if (d.kind === 'semantic_model') reader.semanticModel(s, d);
    for (const d of s.decls) if (d.kind === 'saved_query') reader.savedQuery(s, d);
  }
  reader.resolve();
  requireTimeSpine(reader.nodes, found.models, diagnostics);
  return reader.nodes;
}

/**
 * dbt 1.11 refuses a project with semantic models but no time spine of day grain or finer (exit
 * 2, when it writes semantic_manifest.json): a model configured with `time_spine:` whose standard
 * granularity column has such a `granularity:`, or the legacy `metricflow_time_spine` model (day).
 */
function requireTimeSpine(nodes: readonly SemanticNode[], models: readonly ModelNode[], diagnostics: Diagnostic[]): void {
  const first = nodes.find((n) => n.resourceType === 'semantic_model');
  if (!first) return;
  const day = GRAINS.indexOf('day');
  const fine = (m: ModelNode) => {
    if (m.name === 'metricflow_time_spine') return true;
    const column = (m.timeSpine as { standard_granularity_column?: unknown } | undefined)?.standard_granularity_column;
    const grain = Object.values(m.columns).find((c) => c.name === column)?.granularity;
    return typeof grain === 'string' && GRAINS.indexOf(grain.toLowerCase()) !== -1 && GRAINS.indexOf(grain.toLowerCase()) <= day;
  };
  if (models.some(fine)) return;
  diagnostics.push(
    diag('SM_SCHEMA_YAML', `The semantic layer needs a time spine model of day grain or finer, and the project has none (semantic model "${first.name}" needs it)`, { file: first.originalFilePath }, {
      hint: 'Add a model of one row per day, and in its YAML `time_spine: {standard_granularity_column: date_day}` with `granularity: day` on that column (https://docs.getdbt.com/docs/build/metricflow-time-spine).',
    }),
  );
}

/** An exposure's `metric('name')` (or `metric('package', 'name')`) dependencies, after its refs and sources, as dbt adds them; a metric that does not exist is an error. */
export function exposeMetrics(exposures: readonly ExposureNode[], semantic: readonly SemanticNode[], diagnostics: Diagnostic[]): void {
  for (const x of exposures) {
    for (const call of x.metrics) {
      const [pkg, name] = call.length === 2 ? [call[0], call[1]!] : [undefined, call[0]!];
      const hit = semantic.find((n) => n.resourceType === 'metric' && n.name === name && (pkg === undefined ? n.packageName === x.packageName : n.packageName === pkg))
        ?? (pkg === undefined ? semantic.find((n) => n.resourceType === 'metric' && n.name === name) : undefined);
      if (!hit) diagnostics.push(diag('SM_REF_NOT_FOUND', `Exposure '${x.uniqueId}' (${x.originalFilePath}) depends on a metric named '${name}' which was not found`, { file: x.originalFilePath }, { nodeId: x.uniqueId }));
      else if (!x.dependsOn.nodes.includes(hit.uniqueId)) x.dependsOn.nodes.push(hit.uniqueId);
    }
  }
}
