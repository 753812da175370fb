import { diag, SmProjectError } from '../diagnostics.ts';
import type { GraphNode, ModelNode, ResourceType } from '../types.ts';
import { ancestors, descendants, type Dag } from '../graph/build-graph.ts';
import { fqnMatcher } from './fqn-match.ts';
import { invalidSelector } from './parse-selection.ts';
import { pathSelects, type ProjectFiles } from './path-match.ts';
import { selectionText, type Criterion, type Selection, type SelectionExpr } from './selection-expr.ts';
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

export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';

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
    const out = new Set<string>();
    for (const item of e.items) {
      const part = evalExpr(item, graph, nodes, opts);
      if (!part.size) unmatched.push(selectionText(item));
      for (const id of part) out.add(id);
    }
    return e.testsOfWhole && e.items.length > 1 && modeOf(opts) !== 'eager' ? withTests(out, graph, nodes, opts) : out;
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

function modeOf(opts: SelectOptions): IndirectSelection {
  return opts.indirectTests === false ? 'empty' : (opts.indirectSelection ?? 'eager');
}

/** Evaluate an expression: a criterion with the tests it brings in, and set operations over those. */
export function evalExpr(e: SelectionExpr, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  switch (e.kind) {
    case 'criterion':
      // A named selector's answer is final: its own criteria already added their tests.
      return e.method === 'selector' ? evalCriterion(e, graph, nodes, opts) : withTests(evalCriterion(e, graph, nodes, opts), graph, nodes, opts);
    case 'union': {
      const out = new Set<string>();
      for (const i of e.items) for (const id of evalExpr(i, graph, nodes, opts)) out.add(id);
      // A union may now hold every parent of a test that no single part held (cautious, buildable).
      return e.testsOfWhole && e.items.length > 1 && modeOf(opts) !== 'eager' ? withTests(out, graph, nodes, opts) : out;
    }
    case 'intersection': {
      let acc: Set<string> | undefined;
      for (const i of e.items) {
        const s = evalExpr(i, graph, nodes, opts);
        acc = acc ? new Set([...acc].filter((x) => s.has(x))) : s;
      }
      return acc ?? new Set();
    }
    case 'difference': {
      const out = evalExpr(e.exclude, graph, nodes, opts);
      return new Set([...evalExpr(e.include, graph, nodes, opts)].filter((id) => !out.has(id)));
    }
  }
}

/** Indirect selection: add the tests directly downstream of what is selected, as the mode allows. */
function withTests(sel: Set<string>, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  const mode = modeOf(opts);
  if (mode === 'empty') return sel;
  const out = new Set(sel);
  let upstream: Set<string> | undefined;
  const ok = (test: string): boolean => {
    if (mode === 'eager') return true;
    const parents = graph.predecessors(test) ?? [];
    if (mode === 'cautious') return parents.every((p: string) => sel.has(p));
    if (!upstream) {
      upstream = new Set(sel);
      for (const id of sel) for (const a of ancestors(graph, id)) upstream.add(a);
    }
    return parents.every((p: string) => upstream!.has(p));
  };
  for (const id of sel) {
    for (const c of graph.successors(id) ?? []) {
      const t = nodes.get(c)?.resourceType;
      if ((t === 'test' || t === 'unit_test') && !out.has(c) && ok(c)) out.add(c);
    }
  }
  return out;
}

/** A criterion's nodes with its graph operators applied. */
function evalCriterion(c: Criterion, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  let base: Set<string>;
  if (c.method === 'selector') {
    const sel = opts.selectors?.get(c.value);
    if (!sel) throw invalidSelector(selectionText(c), `no selector named "${c.value}" in selectors.yml${opts.selectors?.size ? ` (there are: ${[...opts.selectors.keys()].join(', ')})` : ''}`);
    const expanding = opts.expanding ?? [];
    if (expanding.includes(c.value)) {
      const path = [...expanding.slice(expanding.indexOf(c.value)), c.value].join(' -> ');
      throw new SmProjectError([diag('SM_SELECTOR_INVALID', `Selector "${c.value}" includes itself: ${path}`, { file: 'selectors.yml' }, { hint: 'Remove the `method: selector` entry that leads back to it.' })]);
    }
    base = evalExpr(sel, graph, nodes, { ...opts, expanding: [...expanding, c.value] });
  } else base = matchMethod(c, nodes, opts);
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

const globs = new Map<string, RegExp>();

/** `*` and `?` wildcards as a regular expression; each pattern compiled once (selection tests it against every node). */
function glob(pattern: string): RegExp {
  let re = globs.get(pattern);
  if (!re) {
    try {
      re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      re.test(''); // V8 compiles on first use: fail here, not on the first node.
    } catch (e) {
      // Only size can make this fail (every special character is escaped): a pasted blob, not a name.
      throw invalidSelector(pattern.length > 60 ? `${pattern.slice(0, 60)}...` : pattern, `it cannot be matched (${pattern.length} characters): ${(e as Error).message.split(':')[0]}`);
    }
    if (globs.size > 1000) globs.clear();
    globs.set(pattern, re);
  }
  return re;
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
  const re = glob(value);
  switch (true) {
    case method === 'fqn': {
      const selects = fqnMatcher(value);
      add((n) => n.resourceType !== 'source' && selects(n.fqn, n.resourceType === 'model' && n.fqn[n.fqn.length - 1] !== n.name));
      break;
    }
    case method === 'tag':
      add((n) => n.tags.some((t) => re.test(t)));
      break;
    case method === 'path' && opts.files !== undefined:
      add(pathSelects(value, opts.files));
      break;
    case method === 'path':
    case method === 'file': {
      const v = value.replace(/\/+$/, '');
      add((n) => (method === 'file' ? re.test(n.originalFilePath.split('/').pop()!) : n.originalFilePath === v || n.originalFilePath.startsWith(`${v}/`) || glob(v).test(n.originalFilePath)));
      break;
    }
    case method === 'source': {
      const [src, tbl] = value.split('.');
      add((n) => n.resourceType === 'source' && glob(src!).test((n as { sourceName: string }).sourceName) && (!tbl || glob(tbl).test(n.name)));
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
      add((n) => n.resourceType === method && (b === undefined ? glob(a!).test(n.name) : glob(a!).test(n.packageName) && glob(b).test(n.name)));
      break;
    }
    case method === 'unique_id':
      add((n) => n.uniqueId === value);
      break;
    case method === 'resource_type':
      add((n) => n.resourceType === value);
      break;
    case method === 'package':
      add((n) => re.test(n.packageName));
      break;
    case method === 'test_type':
      add((n) => (n.resourceType === 'unit_test' && value === 'unit') || (n.resourceType === 'test' && (value === 'data' || (value === 'generic' && !!n.testMetadata) || (value === 'singular' && !n.testMetadata))));
      break;
    case method === 'test_name':
      add((n) => n.resourceType === 'test' && !!n.testMetadata && re.test(n.testMetadata.name));
      break;
    case method === 'config':
      // dbt 1.11 compares the node's whole config to the value: it never matches (dbt ls -s config:foo, exit 0, "does not match any enabled nodes").
      break;
    case method.startsWith('config.'): {
      const key = method.slice('config.'.length).split('.');
      // dbt's config method does not look at exposures.
      add((n) => {
        if (n.resourceType === 'exposure') return false;
        let v: unknown = n.config;
        for (const k of key) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
        if (Array.isArray(v)) return v.some((x) => re.test(String(x)));
        return v !== undefined && re.test(String(v));
      });
      break;
    }
    case method === 'state': {
      const st = opts.state;
      if (!st?.previous || !st.fingerprint) throw invalidSelector(body, 'state: needs --state DIR with an earlier manifest.json');
      add((n) => {
        if (n.resourceType === 'source') return false;
        const prev = st.previous!.get(n.uniqueId);
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
        if (value === 'modified.persisted_descriptions') return persisted;
        if (value === 'modified.macros') return macros();
        if (value === 'unmodified') return !body && !configs && !relation && !persisted && !macros();
        throw invalidSelector(`state:${value}`, 'use new, old, modified, modified.body, modified.configs, modified.relation, modified.persisted_descriptions, modified.macros or unmodified');
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
