import { diag, SmProjectError } from '../diagnostics.ts';
import type { GraphNode, ResourceType } from '../types.ts';
import { ancestors, descendants, type Dag } from '../graph/build-graph.ts';

/** What selection may compare against: an earlier manifest and run results (for `state:` and `result:`). */
export interface SelectionState {
  /** uniqueId -> checksum and config fingerprint from an earlier manifest. */
  previous?: ReadonlyMap<string, { checksum: string; configHash: string }>;
  /** uniqueId -> status from an earlier run_results.json. */
  results?: ReadonlyMap<string, string>;
  /** Fingerprint of a node now, comparable with `previous`. */
  fingerprint?: (node: GraphNode) => { checksum: string; configHash: string };
}

export interface SelectOptions {
  select?: readonly string[] | undefined;
  exclude?: readonly string[] | undefined;
  /** Only these resource types end up selected (e.g. run: model; test: test, unit_test). */
  resourceTypes?: readonly ResourceType[] | undefined;
  /** Tests whose parents are selected join the selection (dbt's eager indirect selection). Default true. */
  indirectTests?: boolean;
  state?: SelectionState | undefined;
  /** Named selectors from selectors.yml: name -> list of selection expressions (union). */
  selectors?: ReadonlyMap<string, { select: string[]; exclude: string[] }>;
}

/** Selection as dbt does it: space is union, comma intersection, `+`/`N+`/`@` graph operators. Pure. */
export function selectNodes(graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  const all = [...nodes.keys()];
  const exprs = splitExprs(opts.select);
  let selected = new Set<string>();
  if (exprs.length === 0) selected = new Set(all.filter((id) => nodes.get(id)!.resourceType !== 'source'));
  else for (const e of exprs) for (const id of evalUnionItem(e, graph, nodes, opts)) selected.add(id);
  if (opts.indirectTests !== false) {
    for (const n of nodes.values()) {
      if ((n.resourceType === 'test' || n.resourceType === 'unit_test') && !selected.has(n.uniqueId)) {
        const parents = n.dependsOn.nodes.filter((p) => nodes.has(p) && nodes.get(p)!.resourceType !== 'source' || p === (n as { attachedNode?: string }).attachedNode);
        if (parents.length && parents.every((p) => selected.has(p) || nodes.get(p)?.resourceType === 'source') && parents.some((p) => selected.has(p))) selected.add(n.uniqueId);
      }
    }
  }
  for (const e of splitExprs(opts.exclude)) for (const id of evalUnionItem(e, graph, nodes, opts)) selected.delete(id);
  if (opts.resourceTypes) {
    const rt = new Set<string>(opts.resourceTypes);
    for (const id of [...selected]) if (!rt.has(nodes.get(id)!.resourceType)) selected.delete(id);
  }
  return selected;
}

function splitExprs(list: readonly string[] | undefined): string[] {
  return (list ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
}

function evalUnionItem(expr: string, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  const parts = expr.split(',').filter(Boolean);
  let acc: Set<string> | undefined;
  for (const p of parts) {
    const s = evalAtom(p, graph, nodes, opts);
    acc = acc ? new Set([...acc].filter((x) => s.has(x))) : s;
  }
  return acc ?? new Set();
}

const ATOM = /^(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/;

function evalAtom(atom: string, graph: Dag, nodes: ReadonlyMap<string, GraphNode>, opts: SelectOptions): Set<string> {
  const m = ATOM.exec(atom);
  if (!m) throw invalid(atom, 'not a selection expression');
  const [, at, upN, body, downN] = m;
  const hasUp = atom.startsWith('+') || /^@?\d+\+/.test(atom);
  const hasDown = /\+\d*$/.test(atom) && !body!.endsWith('+');
  let base: Set<string>;
  if (body!.startsWith('selector:') && opts.selectors) {
    const sel = opts.selectors.get(body!.slice('selector:'.length));
    if (!sel) throw invalid(atom, `no selector named "${body!.slice(9)}" in selectors.yml`);
    base = selectNodes(graph, nodes, { ...opts, select: sel.select, exclude: sel.exclude, indirectTests: false, resourceTypes: undefined });
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
        if (value === 'new') return !prev;
        if (value === 'modified') return !prev || prev.checksum !== now.checksum || prev.configHash !== now.configHash;
        if (value === 'modified.body') return !!prev && prev.checksum !== now.checksum;
        if (value === 'modified.configs') return !!prev && prev.configHash !== now.configHash;
        if (value === 'unmodified') return !!prev && prev.checksum === now.checksum && prev.configHash === now.configHash;
        return false;
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
