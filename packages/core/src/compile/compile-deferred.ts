import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Relation } from '../adapter.ts';
import { manifestProblem, readArtifact } from '../artifacts/read-artifact.ts';
import { diag, SmProjectError } from '../diagnostics.ts';
import { defaultDatabaseOf } from '../render/relation.ts';
import type { Command, Compilation, InvocationOptions } from './compilation.ts';
import { foundKey, schemaKey, storedKey } from '../relation-lookup.ts';

type CompileOnce = (opts: InvocationOptions, command: Command) => Promise<Compilation>;

/** A node of the state manifest as deferral reads it (dbt's and sm's manifests alike). */
export interface StateNode {
  resource_type?: string;
  database?: string | null;
  schema?: string;
  alias?: string;
  name?: string;
  config?: { materialized?: string };
}

const REFABLE = new Set(['model', 'seed', 'snapshot']);

/**
 * dbt 1.11's `--defer`: a ref() to a node that is not selected, and that the state manifest
 * records (a model, seed or snapshot, not ephemeral), reads the state's relation when the target
 * has no relation of the node's own, or always with `favorState`. Selected nodes always read
 * their own. The first compile selects; when some ref defers, a second compile renders with
 * those relations (compiled SQL and manifest then show them, as dbt's do) and without sm's caches,
 * which stay those of the plain compile.
 */
export async function compileDeferred(opts: InvocationOptions, command: Command, compileOnce: CompileOnce): Promise<Compilation> {
  const plain = await compileOnce({ ...opts, defer: false }, command);
  const stateDir = opts.deferState ?? opts.state;
  if (!stateDir) throw new SmProjectError([diag('SM_STATE_NOT_FOUND', '--defer needs --state DIR (or --defer-state DIR)', undefined, { hint: 'Point it at the target/ directory of the run to defer to (e.g. production\'s artifacts).' })]);
  const state = readStateNodes(stateDir);
  const candidates = deferCandidates(plain, state);
  if (!candidates.size) return plain;
  const deferred = new Map<string, Relation>();
  const missing = opts.favorState ? undefined : await missingInTarget(plain, [...candidates]);
  const defaultDb = defaultDatabaseOf(plain.adapter.dialect, plain.project.target);
  for (const id of candidates) {
    if (missing && !missing.has(id)) continue;
    const s = state.get(id)!;
    // The state's database, unless it is the target's own default (then the relation prints as any other of this target's).
    const database = s.database && s.database !== defaultDb ? s.database : undefined;
    // Named under this project's quoting, as dbt names a deferred ref (create_from with the running config).
    const quoted = plain.project.config.quoting;
    deferred.set(id, { database, schema: s.schema!, identifier: s.alias ?? s.name!, ...(quoted ? { quoted } : {}) });
  }
  if (!deferred.size) return plain;
  opts.onEvent?.({ type: 'log', level: 'debug', message: `Deferred to ${stateDir}: ${[...deferred.keys()].join(', ')}` });
  return compileOnce({ ...opts, defer: false, noCache: true, deferred }, command);
}

export function readStateNodes(dir: string): Map<string, StateNode> {
  const path = join(resolve(dir), 'manifest.json');
  if (!existsSync(path)) {
    throw new SmProjectError([diag('SM_STATE_NOT_FOUND', `No manifest.json in the state to defer to (${dir})`, undefined, { hint: 'Point --state (or --defer-state) at the target/ directory of the run to defer to, e.g. production\'s artifacts.' })]);
  }
  const m = readArtifact<{ nodes?: Record<string, StateNode> }>(path, 'manifest.json', manifestProblem);
  const out = new Map<string, StateNode>();
  for (const [id, n] of Object.entries(m.nodes ?? {})) {
    if (REFABLE.has(n.resource_type ?? '') && n.config?.materialized !== 'ephemeral' && n.schema && (n.alias ?? n.name)) out.set(id, n);
  }
  return out;
}

/** The unselected models, seeds and snapshots the selection refs (through ephemeral models too) that the state records. */
function deferCandidates(c: Compilation, state: ReadonlyMap<string, StateNode>): Set<string> {
  const selected = new Set(c.selected);
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (id: string) => {
    for (const dep of c.compiled.nodes.get(id)?.dependsOn.nodes ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      const n = c.compiled.nodes.get(dep);
      if (!n || !REFABLE.has(n.resourceType)) continue;
      // An ephemeral model is inlined: its own refs are the selection's.
      if (n.resourceType === 'model' && n.config.materialized === 'ephemeral') visit(dep);
      else if (!selected.has(dep) && state.has(dep)) out.add(dep);
    }
  };
  for (const id of c.selected) visit(id);
  return out;
}

/** Which of `ids` have no relation in the target (dbt's "not in the expected target location"). */
async function missingInTarget(c: Compilation, ids: readonly string[]): Promise<Set<string>> {
  const d = c.adapter.dialect;
  const relationOf = (id: string) => (c.compiled.nodes.get(id) as { relation?: Relation } | undefined)?.relation;
  const bySchema = new Map<string, Relation>();
  for (const id of ids) {
    const r = relationOf(id);
    if (r) bySchema.set(schemaKey(d, r), r);
  }
  const session = await c.adapter.connect(c.project.target, { projectDir: c.project.dir });
  const found = new Set<string>();
  try {
    const conn = await session.acquire();
    try {
      for (const [key, s] of bySchema) for (const r of await conn.describe(s.schema, s.database, undefined, s.quoted)) found.add(`${key}\0${foundKey(d, r.identifier)}`);
    } finally {
      session.release(conn);
    }
  } finally {
    await session.close();
  }
  const missing = new Set<string>();
  for (const id of ids) {
    const r = relationOf(id);
    if (!r || !found.has(`${schemaKey(d, r)}\0${storedKey(d, r.identifier, r.quoted?.identifier)}`)) missing.add(id);
  }
  return missing;
}
