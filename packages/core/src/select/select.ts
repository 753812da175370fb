import { diag, SmProjectError } from '../diagnostics.ts';
import type { GraphNode, ModelNode, ResourceType } from '../types.ts';
import { ancestors, descendants, type Dag } from '../graph/build-graph.ts';
import { dbtConfigShape } from '../project/node-config-shape.ts';
import { fnmatch, fnmatchRegex, fqnMatcher } from './fqn-match.ts';
import { invalidSelector } from './parse-selection.ts';
import { pathSelects, type ProjectFiles } from './path-match.ts';
import { selectionText, type Criterion, type IndirectSelection, type Selection, type SelectionExpr } from './selection-expr.ts';
import { persistedDescriptionsDiffer, type StateFingerprint } from './state-fingerprint.ts';

/** What selection may compare against: an earlier manifest, run results and freshness results (for `state:`, `result:` and `source_status:`). */
export interface SelectionState {
  /** uniqueId -> raw template checksum and config fingerprints from an earlier manifest. */
  readonly previous?: ReadonlyMap<string, StateFingerprint> | undefined;
  /** uniqueId -> status from an earlier run_results.json. */
  readonly results?: ReadonlyMap<string, string> | undefined;
  /** The freshness results `source_status:` compares. */
  readonly sources?: FreshnessComparison | undefined;
  /** Fingerprint of a node now, comparable with `previous`. */
  readonly fingerprint?: ((node: GraphNode) => StateFingerprint) | undefined;
  /** Whether a macro the node calls (or one those call) changed since the earlier manifest (dbt's check_modified_macros). */
  readonly macrosModified?: ((node: GraphNode) => boolean) | undefined;
}

/** Each source's `max_loaded_at` in `--state`'s sources.json (`previous`) and the target's (`current`); undefined where the file is missing. */
export interface FreshnessComparison {
  readonly previous: ReadonlyMap<string, string> | undefined;
  readonly current: ReadonlyMap<string, string> | undefined;
}

export type { IndirectSelection } from './selection-expr.ts';

export interface SelectOptions {
  selection?: Selection | undefined;
  /** Only these resource types end up selected (e.g. run: model; test: test, unit_test). */
  resourceTypes?: readonly ResourceType[] | undefined;
  /**
   * dbt's eager indirect selection: each selection criterion also selects the tests (and unit
   * tests) of what it selects, even when a test has other, unselected parents. Default true.
   */
  indirectTests?: boolean;
  /**
   * dbt's `--indirect-selection`: `eager` (default) adds a test when any parent is selected,
   * `cautious` only when all are, `buildable` when each parent is selected or upstream of the
   * selection, `empty` never. `indirectTests: false` means `empty`.
   */
  indirectSelection?: IndirectSelection | undefined;
  state?: SelectionState | undefined;
  /** The project's files, for dbt's path method (without them, a path matches the nodes' paths as loaded). */
  files?: ProjectFiles | undefined;
  /** Named selectors from selectors.yml, used by `selector:<name>` and `--selector`. */
  selectors?: ReadonlyMap<string, SelectionExpr>;
  /** The root project's name, for `package:this`. */
  rootPackage?: string | undefined;
  /** The selectors being expanded, outermost first: one that names itself through them is a cycle, not a stack overflow. */
  expanding?: readonly string[];
}

/** What selection chose, and the criteria (as typed) that matched nothing: dbt warns of each. */
export interface SelectionResult {
  selected: Set<string>;
  /** Items of the selection and of the exclusion (space-separated parts) that selected no node. */
  unmatched: string[];
}

/**
 * Selection as dbt does it: union, intersection, graph operators, tests joining each
 * criterion's selection before the set operations, the exclusion last, then the command's
 * resource types. Pure. No include selects every node, sources included (as `dbt ls` lists them).
 */
export function selectNodes(graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  return select(graph, nodes, opts).selected;
}

export function select(graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): SelectionResult {
  const unmatched: string[] = [];
  const evalTop = (e: SelectionExpr): Set<string> => {
    // The top union's items one by one, to name those that match nothing.
    if (e.kind !== 'union') {
      const out = evalExpr(e, graph, nodes, opts);
      if (!out.size) unmatched.push(selectionText(e));
      return out;
    }
    const pairs = e.items.map((item) => {
      const pair = evalPair(item, graph, nodes, opts);
      if (!pair[0].size) unmatched.push(selectionText(item));
      return pair;
    });
    return combine(e, pairs, graph, nodes, opts)[0];
  };
  const include = opts.selection?.include;
  let selected = include ? evalTop(include) : new Set(nodes.keys());
  const exclude = opts.selection?.exclude;
  if (exclude) {
    const out = evalTop(exclude);
    selected = new Set([...selected].filter((id) => !out.has(id)));
  }
  if (opts.resourceTypes) {
    const rt = new Set<string>(opts.resourceTypes);
    for (const id of [...selected]) if (!rt.has(nodes.get(id)!.resourceType)) selected.delete(id);
  }
  return { selected, unmatched };
}

/** The command's indirect selection (`--indirect-selection`, or none where the command runs no tests). */
function flagMode(opts: SelectOptions): IndirectSelection {
  return opts.indirectTests === false ? 'empty' : (opts.indirectSelection ?? 'eager');
}

/** What an expression selects, tests joined as dbt joins them. */
export function evalExpr(e: SelectionExpr, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  return evalPair(e, graph, nodes, opts)[0];
}

/** A pair as dbt 1.11's NodeSelector.select_nodes_recursively: the nodes selected, and the tests held back (cautious, buildable) until the rest of a set operation may hold their parents. */
type Pair = [direct: Set<string>, indirect: Set<string>];

function evalPair(e: SelectionExpr, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Pair {
  if (e.kind === 'criterion') {
    if (e.method === 'selector') return selectorPair(e, graph, nodes, opts);
    const selected = evalCriterion(e, graph, nodes, opts);
    const mode = opts.indirectTests === false ? 'empty' : (e.indirectSelection ?? flagMode(opts));
    return mode === 'empty' ? [selected, new Set()] : expandTests(selected, mode, graph, nodes);
  }
  const parts = e.kind === 'difference' ? [e.include, e.exclude] : e.items;
  return combine(e, parts.map((p) => evalPair(p, graph, nodes, opts)), graph, nodes, opts);
}

/** A set operation over its parts' pairs, then the held-back tests whose parents the result now holds (the group's mode). */
function combine(e: Exclude<SelectionExpr, { kind: 'criterion' }>, pairs: Pair[], graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Pair {
  if (!pairs.length) return [new Set(), new Set()];
  const op = (sets: Set<string>[]): Set<string> => {
    if (e.kind === 'union') return new Set(sets.flatMap((x) => [...x]));
    if (e.kind === 'intersection') return sets.slice(1).reduce((acc, x) => new Set([...acc].filter((id) => x.has(id))), sets[0]!);
    return new Set([...sets[0]!].filter((id) => !sets.slice(1).some((x) => x.has(id))));
  };
  const direct = op(pairs.map((p) => p[0]));
  const indirect = op(pairs.map((p) => new Set([...p[0], ...p[1]])));
  // Written on the command line, a union or intersection takes --indirect-selection; built in code or in selectors.yml, dbt's default (eager) unless it says.
  const mode = opts.indirectTests === false ? 'empty' : (e.indirectSelection ?? (e.kind !== 'difference' && e.testsOfWhole ? flagMode(opts) : 'eager'));
  if (mode !== 'cautious' && mode !== 'buildable') return [direct, indirect];
  const out = new Set(direct);
  const enough = mode === 'cautious' ? direct : withAncestors(direct, graph);
  for (const id of indirect) {
    if (nodes.get(id)?.resourceType !== 'test') continue;
    if ((graph.predecessors(id) ?? []).every((p: string) => enough.has(p))) out.add(id);
  }
  return [out, indirect];
}

function withAncestors(sel: ReadonlySet<string>, graph: Dag): Set<string> {
  const out = new Set(sel);
  for (const id of sel) for (const a of ancestors(graph, id)) out.add(a);
  return out;
}

/**
 * dbt 1.11's expand_selection: each test (or unit test) just below the selection joins when
 * `eager`, or when its parents are all selected; `buildable` also when they are all selected,
 * upstream of the selection or sources. Others are held back as indirect.
 */
function expandTests(sel: Set<string>, mode: IndirectSelection, graph: Dag, nodes: ReadonlyMap<string, GraphNode>): Pair {
  const direct = new Set(sel);
  const indirect = new Set<string>();
  let buildable: Set<string> | undefined;
  for (const id of sel) {
    for (const c of graph.successors(id) ?? []) {
      const t = nodes.get(c)?.resourceType;
      if (t !== 'test' && t !== 'unit_test') continue;
      const parents = graph.predecessors(c) ?? [];
      if (mode === 'eager' || parents.every((p: string) => sel.has(p))) direct.add(c);
      else if (mode === 'buildable') {
        buildable ??= withAncestors(sel, graph);
        if (parents.every((p: string) => buildable!.has(p) || nodes.get(p)?.resourceType === 'source')) direct.add(c);
        else indirect.add(c);
      } else indirect.add(c);
    }
  }
  return [direct, indirect];
}

/** A named selector: its definition's pair, evaluated once per name in a chain (one that names itself is a cycle). */
function selectorPair(c: Criterion, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Pair {
  const sel = opts.selectors?.get(c.value);
  if (!sel) throw invalidSelector(selectionText(c), `no selector named "${c.value}" in selectors.yml${opts.selectors?.size ? ` (there are: ${[...opts.selectors.keys()].join(', ')})` : ''}`);
  const expanding = opts.expanding ?? [];
  if (expanding.includes(c.value)) {
    const path = [...expanding.slice(expanding.indexOf(c.value)), c.value].join(' -> ');
    throw new SmProjectError([diag('SM_SELECTOR_INVALID', `Selector "${c.value}" includes itself: ${path}`, { file: 'selectors.yml' }, { hint: 'Remove the `method: selector` entry that leads back to it.' })]);
  }
  return evalPair(sel, graph, nodes, { ...opts, expanding: [...expanding, c.value] });
}

/** A criterion's nodes with its graph operators applied. */
function evalCriterion(c: Criterion, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  const base = matchMethod(c, nodes, opts);
  const out = new Set(base);
  for (const id of base) {
    if (c.childrensParents) {
      const down = descendants(graph, id);
      for (const d of down) out.add(d);
      for (const d of [id, ...down]) for (const a of ancestors(graph, d)) out.add(a);
      continue;
    }
    if (c.parents !== undefined) for (const a of ancestors(graph, id, c.parents)) out.add(a);
    if (c.children !== undefined) for (const d of descendants(graph, id, c.children)) out.add(d);
  }
  return out;
}

/** What dbt's group method does not look at (it reads manifest nodes and metrics only). */
const NOT_GROUPABLE = new Set<string>(['source', 'exposure', 'semantic_model', 'saved_query', 'unit_test']);

/** Model versions as dbt orders them: as numbers when both are, else as text. */
function compareVersions(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function matchMethod(c: Criterion, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  const out = new Set<string>();
  const { method, value } = c;
  const body = `${method}:${value}`;
  const add = (pred: (n: GraphNode) => boolean) => {
    for (const n of nodes.values()) if (pred(n)) out.add(n.uniqueId);
  };
  // dbt matches names with Python's fnmatch: `*`, `?`, `[ab]`, `[!ab]`, case-sensitive.
  checkPattern(value);
  const re = { test: (s: string) => fnmatch(s, value) };
  const glob = (pattern: string) => ({ test: (s: string) => fnmatch(s, pattern) });
  switch (true) {
    case method === 'fqn': {
      const selects = fqnMatcher(value);
      add((n) => n.resourceType !== 'source' && selects(n.fqn, n.resourceType === 'model' && n.fqn[n.fqn.length - 1] !== n.name));
      break;
    }
    case method === 'tag':
      add((n) => n.tags.some((t) => re.test(t)));
      break;
    case method === 'path' && value.replace(/\/+$/, '') === '':
      // dbt 1.11 globs the value in the project: an empty pattern is Python's `Unacceptable pattern: ''` (exit 2).
      throw invalidSelector(body, 'a path method needs a path (path:models/staging)');
    case method === 'path' && opts.files !== undefined:
      add(pathSelects(value, opts.files));
      break;
    case method === 'path':
    case method === 'file': {
      const v = value.replace(/\/+$/, '');
      // dbt 1.11's file method: the file's name, or its name without the extension (`file:orders` selects orders.sql).
      add((n) => (method === 'file' ? fileMatches(n.originalFilePath, value) : n.originalFilePath === v || n.originalFilePath.startsWith(`${v}/`) || glob(v).test(n.originalFilePath)));
      break;
    }
    case method === 'source': {
      // dbt 1.11: `source`, `source.table` or `package.source.table`, each part a pattern; more parts are an error.
      const parts = value.split('.');
      if (parts.length > 3) throw invalidSelector(body, 'a source is selected as source_name, source_name.table_name or package_name.source_name.table_name');
      const [pkg, src, tbl] = parts.length === 3 ? parts : ['*', parts[0]!, parts[1] ?? '*'];
      add((n) => n.resourceType === 'source' && fnmatch(n.packageName, pkg!) && fnmatch((n as { sourceName: string }).sourceName, src!) && fnmatch(n.name, tbl!));
      break;
    }
    case method === 'group':
      // dbt's: the nodes and metrics whose config names a group matching the value.
      add((n) => !NOT_GROUPABLE.has(n.resourceType) && typeof n.config.group === 'string' && n.config.group !== '' && re.test(n.config.group));
      break;
    case method === 'access':
      // Models only, the access spelled exactly (unset is protected).
      add((n) => n.resourceType === 'model' && (typeof n.config.access === 'string' ? n.config.access : 'protected') === value);
      break;
    case method === 'version': {
      if (!['latest', 'prerelease', 'old', 'none'].includes(value)) throw invalidSelector(body, 'use latest, prerelease, old or none');
      add((n) => {
        if (n.resourceType !== 'model') return false;
        const m = n as ModelNode;
        const v = m.version === undefined || m.version === null ? undefined : String(m.version);
        const latest = m.latestVersion === undefined || m.latestVersion === null ? undefined : String(m.latestVersion);
        if (value === 'none') return v === undefined;
        if (value === 'latest') return v !== undefined && v === latest;
        if (v === undefined || latest === undefined) return false;
        const c = compareVersions(v, latest);
        return value === 'prerelease' ? c > 0 : c < 0;
      });
      break;
    }
    case method === 'unit_test': {
      const [a, b] = value.split('.');
      if (value.split('.').length > 2) throw invalidSelector(body, 'a unit test is selected as name or package.name');
      add((n) => n.resourceType === 'unit_test' && (b === undefined ? glob(a!).test(n.name) : glob(a!).test(n.packageName) && glob(b).test(n.name)));
      break;
    }
    case method === 'exposure':
    case method === 'metric':
    case method === 'semantic_model':
    case method === 'saved_query': {
      // As dbt: `exposure:name` or `exposure:package.name` (likewise metric:, semantic_model:, saved_query:), globs allowed.
      const [a, b] = value.split('.');
      if (value.split('.').length > 2) throw invalidSelector(body, `a ${method.replace('_', ' ')} is selected as name or package.name`);
      add((n) => n.resourceType === method && (b === undefined ? glob(a!).test(n.name) : glob(a!).test(n.packageName) && glob(b).test(n.name)));
      break;
    }
    case method === 'unique_id':
      add((n) => n.uniqueId === value);
      break;
    case method === 'resource_type':
      add((n) => n.resourceType === value);
      break;
    case method === 'package': {
      // dbt 1.11: `package:this` is the root project.
      const pkg = value === 'this' && opts.rootPackage ? opts.rootPackage : value;
      add((n) => fnmatch(n.packageName, pkg));
      break;
    }
    case method === 'test_type':
      add((n) => (n.resourceType === 'unit_test' && value === 'unit') || (n.resourceType === 'test' && (value === 'data' || (value === 'generic' && !!n.testMetadata) || (value === 'singular' && !n.testMetadata))));
      break;
    case method === 'test_name':
      // dbt 1.11 matches a generic test by its test's name and a unit test by its own name.
      add((n) => (n.resourceType === 'test' && !!n.testMetadata && re.test(n.testMetadata.name)) || (n.resourceType === 'unit_test' && re.test(n.name)));
      break;
    case method === 'config':
      // dbt 1.11 compares the node's whole config to the value: it never matches (dbt ls -s config:foo, exit 0, "does not match any enabled nodes").
      break;
    case method.startsWith('config.'): {
      const key = method.slice('config.'.length).split('.');
      // The config as the manifest writes it, dbt's defaults filled in (`config.enabled:true`, `config.on_schema_change:ignore`).
      add((n) => CONFIGURABLE.has(n.resourceType) && configMatches(dbtConfigShape(n.resourceType, { tags: n.tags, meta: n.meta, ...n.config }), key, value));
      break;
    }
    case method === 'state': {
      const st = opts.state;
      if (!st?.previous || !st.fingerprint) throw invalidSelector(body, 'state: needs --state DIR with an earlier manifest.json');
      if (!STATE_VALUES.includes(value)) throw invalidSelector(`state:${value}`, `use ${STATE_VALUES.join(', ')}`);
      add((n) => {
        const prev = st.previous!.get(n.uniqueId);
        // A source is compared by being in the earlier manifest or not (sm does not compare its definition). As dbt 1.11
        // answers for one: a new source is new and modified.configs and .relation, yet unmodified and never modified.
        if (n.resourceType === 'source') return value === 'unmodified' || (value === 'old' ? !!prev : !prev && ['new', 'modified.configs', 'modified.relation'].includes(value));
        // dbt 1.11: modified.contract selects a node the earlier manifest lacks; sm compares no contract.
        if (value === 'modified.contract') return !prev && PARSED_NODES.has(n.resourceType);
        const now = st.fingerprint!(n);
        // dbt writes no checksum for a generic test (its arguments are in its name, so changing them makes a new node).
        const body = !prev || (prev.checksum !== now.checksum && !(prev.checksum === '' && n.resourceType === 'test' && !!n.testMetadata));
        const configs = !prev || prev.configHash !== now.configHash;
        const relation = !prev || prev.relationHash !== now.relationHash;
        const persisted = !prev || persistedDescriptionsDiffer(prev, now);
        // As in dbt, a node absent from the earlier manifest counts as modified in every sense.
        if (value === 'new') return !prev;
        if (value === 'old') return !!prev;
        const macros = () => !!st.macrosModified?.(n);
        if (value === 'modified') return body || configs || relation || persisted || macros();
        if (value === 'modified.body') return body;
        if (value === 'modified.configs') return configs;
        if (value === 'modified.relation') return relation;
        // A node the earlier manifest lacks, when it is one dbt parses from a file (as dbt 1.11 answers); else the descriptions it persists.
        if (value === 'modified.persisted_descriptions') return prev ? persisted : PARSED_NODES.has(n.resourceType);
        if (value === 'modified.macros') return macros();
        if (value === 'unmodified') return !body && !configs && !relation && !persisted && !macros();
        return false;
      });
      break;
    }
    case method === 'source_status': {
      // dbt 1.11's: `fresher` is each source whose newest load is later in the target's sources.json
      // than in --state's, or that --state's lacks (a runtime error there included); any other value
      // selects nothing. Without either file it is an error, --state's asked for first.
      const s = opts.state?.sources;
      if (!s?.previous) throw freshnessMissing('No previous state comparison freshness results in sources.json', 'Point --state at the target/ of an earlier `sm source freshness` (or dbt source freshness): the sources.json there is what is compared.');
      if (!s.current) throw freshnessMissing('No current state comparison freshness results in sources.json', 'Run `sm source freshness` first: it writes the target\'s sources.json, which is compared with the one in --state.');
      if (value !== 'fresher') break;
      const { previous, current } = s;
      add((n) => {
        const now = current.get(n.uniqueId);
        if (now === undefined) return false;
        const before = previous.get(n.uniqueId);
        return before === undefined || laterThan(now, before);
      });
      break;
    }
    case method === 'result': {
      const r = opts.state?.results;
      if (!r) throw invalidSelector(body, 'result: needs --state DIR with an earlier run_results.json');
      add((n) => r.get(n.uniqueId) === value);
      break;
    }
    default:
      throw invalidSelector(body, `unknown method "${method}"`);
  }
  return out;
}

/** A value whose pattern cannot be compiled (only size can do that) is a usage error naming it, not a crash. */
function checkPattern(pattern: string): void {
  try {
    fnmatchRegex(pattern);
  } catch (e) {
    throw invalidSelector(pattern.length > 60 ? `${pattern.slice(0, 60)}...` : pattern, `it cannot be matched (${pattern.length} characters): ${(e as Error).message.split(':')[0]}`);
  }
}

/** dbt 1.11's state: values. */
const STATE_VALUES = ['new', 'old', 'modified', 'unmodified', 'modified.body', 'modified.configs', 'modified.persisted_descriptions', 'modified.relation', 'modified.macros', 'modified.contract'];
/** The nodes dbt parses from files (its ParsedNode), which every state: comparison looks at. */
const PARSED_NODES = new Set<string>(['model', 'seed', 'snapshot', 'test', 'analysis']);

/** What dbt's config method looks at: the manifest's nodes and sources (not exposures, metrics, semantic models, saved queries or unit tests). */
const CONFIGURABLE = new Set<string>(['model', 'seed', 'snapshot', 'test', 'analysis', 'operation', 'sql_operation', 'source']);

/**
 * dbt 1.11's ConfigSelectorMethod: no wildcards; the value equals a text config (any case for
 * `severity`), or is `true`/`false` (any case) for a boolean; a list holds it.
 */
function configMatches(config: Readonly<Record<string, unknown>>, key: readonly string[], value: string): boolean {
  let v: unknown = config;
  for (const k of key) {
    if (!v || typeof v !== 'object' || !(k in v)) return false;
    v = (v as Record<string, unknown>)[k];
  }
  const same = (x: unknown) =>
    (typeof x === 'string' && (key.length === 1 && key[0] === 'severity' ? x.toUpperCase() === value.toUpperCase() : x === value)) ||
    (value.toUpperCase() === 'TRUE' && x === true) ||
    (value.toUpperCase() === 'FALSE' && x === false);
  return Array.isArray(v) ? v.some(same) : same(v);
}

function fileMatches(path: string, pattern: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return fnmatch(name, pattern) || fnmatch(dot > 0 ? name.slice(0, dot) : name, pattern);
}

function freshnessMissing(message: string, hint: string): SmProjectError {
  return new SmProjectError([diag('SM_STATE_NOT_FOUND', message, undefined, { hint })]);
}

/** Whether timestamp `a` is later than `b`, as Python compares the datetimes (to the microsecond; one without a zone taken as UTC). */
function laterThan(a: string, b: string): boolean {
  const x = instant(a);
  const y = instant(b);
  return x !== undefined && y !== undefined ? x[0] > y[0] || (x[0] === y[0] && x[1] > y[1]) : a > b;
}

/** An ISO timestamp as [milliseconds since the epoch, microseconds past them]; undefined when it cannot be read. */
function instant(t: string): [number, number] | undefined {
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:?\d\d)?$/.exec(t.trim());
  if (!m) return undefined;
  const fraction = (m[3] ?? '').padEnd(6, '0');
  const ms = Date.parse(`${m[1]}T${m[2]}.${fraction.slice(0, 3)}${(m[4] ?? 'Z').replace(/^([+-]\d\d)(\d\d)$/, '$1:$2')}`);
  return Number.isNaN(ms) ? undefined : [ms, Number(fraction.slice(3))];
}
