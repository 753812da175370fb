import { diag, SmProjectError } from '../diagnostics.ts';
import type { GraphNode, ResourceType } from '../types.ts';
import { ancestors, descendants, type Dag } from '../graph/build-graph.ts';
import type { StateFingerprint } from './state-fingerprint.ts';

/** What selection may compare against: an earlier manifest and run results (for `state:` and `result:`). */
export interface SelectionState {
  /** uniqueId -> raw template checksum and config fingerprints from an earlier manifest. */
  previous?: ReadonlyMap<string, StateFingerprint>;
  /** uniqueId -> status from an earlier run_results.json. */
  results?: ReadonlyMap<string, string>;
  /** Fingerprint of a node now, comparable with `previous`. */
  fingerprint?: (node: GraphNode) => StateFingerprint;
}

/** A named selector's definition from selectors.yml, as a tree of set operations. */
export type SelectorSpec =
  | { kind: 'expr'; expr: string }
  /** One criterion (`{method, value, parents, ...}`), never split on spaces or commas. */
  | { kind: 'atom'; atom: string }
  | { kind: 'union' | 'intersection'; items: SelectorSpec[] }
  | { kind: 'difference'; include: SelectorSpec; exclude: SelectorSpec };

export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';

export interface SelectOptions {
  select?: readonly string[] | undefined;
  exclude?: readonly string[] | undefined;
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
  /** Named selectors from selectors.yml, used by `selector:<name>` and `--selector`. */
  selectors?: ReadonlyMap<string, SelectorSpec>;
}

/**
 * Selection as dbt does it: space is union, comma intersection, `+`/`N+`/`@` graph operators,
 * tests joining each criterion's selection before the set operations, `--exclude` last. Pure.
 * No `--select` selects every node, sources included (as `dbt ls` lists them).
 */
export function selectNodes(graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  const exprs = splitExprs(opts.select);
  let selected = exprs.length ? evalExpr(exprs.join(' '), graph, nodes, opts) : new Set(nodes.keys());
  const excl = splitExprs(opts.exclude);
  if (excl.length) {
    const out = evalExpr(excl.join(' '), graph, nodes, opts);
    selected = new Set([...selected].filter((id) => !out.has(id)));
  }
  if (opts.resourceTypes) {
    const rt = new Set<string>(opts.resourceTypes);
    for (const id of [...selected]) if (!rt.has(nodes.get(id)!.resourceType)) selected.delete(id);
  }
  return selected;
}

function splitExprs(list: readonly string[] | undefined): string[] {
  return (list ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
}

/** A CLI-style expression: space-separated union of comma-separated intersections. */
function evalExpr(expr: string, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  const out = new Set<string>();
  const items = expr.split(/\s+/).filter(Boolean);
  for (const item of items) for (const id of evalIntersection(item, graph, nodes, opts)) out.add(id);
  // A union may now hold every parent of a test that no single part held (cautious, buildable).
  return items.length > 1 && modeOf(opts) !== 'eager' ? withTests(out, graph, nodes, opts) : out;
}

function modeOf(opts: SelectOptions): IndirectSelection {
  return opts.indirectTests === false ? 'empty' : (opts.indirectSelection ?? 'eager');
}

function evalIntersection(expr: string, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  let acc: Set<string> | undefined;
  for (const p of expr.split(',').filter(Boolean)) {
    // A named selector's answer is final: its own criteria already added their tests.
    const named = /^@?(\d*\+)?selector:/.test(p);
    const s = named ? evalAtom(p, graph, nodes, opts) : withTests(evalAtom(p, graph, nodes, opts), graph, nodes, opts);
    acc = acc ? new Set([...acc].filter((x) => s.has(x))) : s;
  }
  return acc ?? new Set();
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

/** Evaluate a selectors.yml definition. */
export function evalSelectorSpec(spec: SelectorSpec, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  switch (spec.kind) {
    case 'expr':
      return evalExpr(spec.expr, graph, nodes, opts);
    case 'atom':
      return withTests(evalAtom(spec.atom, graph, nodes, opts), graph, nodes, opts);
    case 'union': {
      const out = new Set<string>();
      for (const i of spec.items) for (const id of evalSelectorSpec(i, graph, nodes, opts)) out.add(id);
      return out;
    }
    case 'intersection': {
      let acc: Set<string> | undefined;
      for (const i of spec.items) {
        const s = evalSelectorSpec(i, graph, nodes, opts);
        acc = acc ? new Set([...acc].filter((x) => s.has(x))) : s;
      }
      return acc ?? new Set();
    }
    case 'difference': {
      const out = evalSelectorSpec(spec.exclude, graph, nodes, opts);
      return new Set([...evalSelectorSpec(spec.include, graph, nodes, opts)].filter((id) => !out.has(id)));
    }
  }
}

const ATOM = /^(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/;

function evalAtom(atom: string, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  const m = ATOM.exec(atom);
  if (!m) throw invalid(atom, 'not a selection expression');
  const [, at, upN, body, downN] = m;
  const hasUp = atom.startsWith('+') || /^@?\d+\+/.test(atom);
  const hasDown = /\+\d*$/.test(atom) && !body!.endsWith('+');
  let base: Set<string>;
  if (body!.startsWith('selector:')) {
    const name = body!.slice('selector:'.length);
    const sel = opts.selectors?.get(name);
    if (!sel) throw invalid(atom, `no selector named "${name}" in selectors.yml${opts.selectors?.size ? ` (there are: ${[...opts.selectors.keys()].join(', ')})` : ''}`);
    base = evalSelectorSpec(sel, graph, nodes, opts);
  } else base = matchMethod(body!, nodes, opts);
  const out = new Set(base);
  for (const id of base) {
    if (at) {
      const down = descendants(graph, id);
      for (const d of down) out.add(d);
      for (const d of [id, ...down]) for (const a of ancestors(graph, d)) out.add(a);
      continue;
    }
    if (hasUp) for (const a of ancestors(graph, id, upN ? Number(upN) : Infinity)) out.add(a);
    if (hasDown) for (const d of descendants(graph, id, downN ? Number(downN) : Infinity)) out.add(d);
  }
  return out;
}

function invalid(expr: string, why: string): SmProjectError {
  return new SmProjectError([
    diag('SM_SELECTOR_INVALID', `Invalid selector "${expr}": ${why}`, undefined, {
      hint: 'Examples: my_model, +my_model, my_model+2, @my_model, tag:nightly, path:models/staging, config.materialized:table, source:raw+, resource_type:seed.',
    }),
  ]);
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

function matchMethod(body: string, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  const out = new Set<string>();
  const colon = body.indexOf(':');
  const method = colon > 0 ? body.slice(0, colon) : body.includes('/') || body.endsWith('.sql') || body.endsWith('.csv') ? 'path' : 'fqn';
  const value = colon > 0 ? body.slice(colon + 1) : body;
  const add = (pred: (n: GraphNode) => boolean) => {
    for (const n of nodes.values()) if (pred(n)) out.add(n.uniqueId);
  };
  const re = glob(value);
  switch (true) {
    case method === 'fqn':
      add((n) => n.resourceType !== 'source' && (re.test(n.name) || fqnMatches(n.fqn, value)));
      break;
    case method === 'tag':
      add((n) => n.tags.some((t) => re.test(t)));
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
    case method.startsWith('config.'): {
      const key = method.slice('config.'.length).split('.');
      add((n) => {
        let v: unknown = n.config;
        for (const k of key) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
        if (Array.isArray(v)) return v.some((x) => re.test(String(x)));
        return v !== undefined && re.test(String(v));
      });
      break;
    }
    case method === 'state': {
      const st = opts.state;
      if (!st?.previous || !st.fingerprint) throw invalid(body, 'state: needs --state DIR with an earlier manifest.json');
      add((n) => {
        if (n.resourceType === 'source') return false;
        const prev = st.previous!.get(n.uniqueId);
        const now = st.fingerprint!(n);
        const body = !prev || prev.checksum !== now.checksum;
        const configs = !prev || prev.configHash !== now.configHash;
        const relation = !prev || prev.relationHash !== now.relationHash;
        // As in dbt, a node absent from the earlier manifest counts as modified in every sense.
        if (value === 'new') return !prev;
        if (value === 'old') return !!prev;
        if (value === 'modified') return body || configs || relation;
        if (value === 'modified.body') return body;
        if (value === 'modified.configs') return configs;
        if (value === 'modified.relation') return relation;
        if (value === 'unmodified') return !body && !configs && !relation;
        throw invalid(`state:${value}`, 'use new, old, modified, modified.body, modified.configs, modified.relation or unmodified');
      });
      break;
    }
    case method === 'result': {
      const r = opts.state?.results;
      if (!r) throw invalid(body, 'result: needs --state DIR with an earlier run_results.json');
      add((n) => r.get(n.uniqueId) === value);
      break;
    }
    default:
      throw invalid(body, `unknown method "${method}"`);
  }
  return out;
}

function fqnMatches(fqn: readonly string[], value: string): boolean {
  const parts = value.split('.');
  const tryFrom = (offset: number) => parts.every((p, i) => fqn[offset + i] !== undefined && glob(p).test(fqn[offset + i]!));
  // With or without the project name in front: `staging.stg_x` and `streamify.staging`.
  return (parts.length <= fqn.length && tryFrom(0)) || (parts.length <= fqn.length - 1 && tryFrom(1));
}
