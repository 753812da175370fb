import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { Dag } from '../graph/build-graph.ts';
import { findProjectFile } from '../project/project-file.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { resolveTarget, type ResolvedTarget } from '../project/profiles.ts';
import type { GraphNode } from '../types.ts';
import { readProof, readStore, type IndexRow, type ProjectHeader } from './compiled-store.ts';
import { proofHolds, proofKey, type ProofOptions } from './input-proof.ts';
import { StoredNodeMap } from './stored-nodes.ts';

/** A compile's results taken from the store because its inputs are as they were. */
export interface WarmStart {
  /** The project as loaded, without its node lists (they are not in memory: see {@link partialProject}). */
  readonly project: LoadedProject;
  /** Every compiled node, read from the store as asked for. */
  readonly nodes: StoredNodeMap;
  /** What selection reads of each node, from the index; `config` reads the stored node. */
  readonly selectionNodes: ReadonlyMap<string, GraphNode>;
  readonly graph: Dag;
  readonly ephemerals: Map<string, string[]>;
  /** The warnings the compile that wrote the store gave. */
  readonly diagnostics: readonly Diagnostic[];
  readonly columnFindings: readonly Diagnostic[];
  /** The project's input digest (equal to the compile's that wrote the store). */
  readonly digest: string;
}

/**
 * The last compile's results when nothing it read has changed since (input-proof.ts), without
 * parsing a template or a YAML file; undefined otherwise (then the project is compiled afresh).
 */
export function warmStart(o: ProofOptions & { target?: string | undefined }): WarmStart | undefined {
  try {
    return fromStore(o);
  } catch {
    // Anything unreadable: compile afresh, and loading reports what is wrong, naming the file.
    return undefined;
  }
}

function fromStore(o: ProofOptions & { target?: string | undefined }): WarmStart | undefined {
  const dir = resolve(o.projectDir);
  const targetDir = join(dir, targetPathOf(dir));
  const proof = readProof(targetDir);
  if (!proof) return undefined;
  const key = proofKey(o);
  if (!key || !proofHolds(o, proof, key)) return undefined;
  const store = readStore(targetDir, proof);
  if (!store || store.header.project.config.targetPath !== targetPathOf(dir) || store.header.project.dir !== dir) return undefined;
  const { strings, rows, order } = store.index;
  const nodes = new StoredNodeMap(store.nodesFile, new Map(rows.map((r) => [r[0], [r[10], r[11]] as const])));
  // As build-graph.ts builds it: every node, then each node's dependencies in order.
  const graph = new Dag();
  for (const r of rows) graph.setNode(r[0]);
  for (const r of rows) {
    for (const d of r[9]) {
      const from = typeof d === 'number' ? rows[d]![0] : d;
      if (from !== r[0] && nodes.has(from)) graph.setEdge(from, r[0]);
    }
  }
  graph.order = order.map((i) => rows[i]![0]);
  const selectionNodes = new Map<string, GraphNode>();
  for (const r of rows) selectionNodes.set(r[0], new IndexNode(r, strings, nodes) as unknown as GraphNode);
  return {
    project: partialProject(store.header.project, o),
    nodes,
    selectionNodes,
    graph,
    ephemerals: new Map(Object.entries(store.header.ephemerals)),
    diagnostics: store.header.diagnostics,
    columnFindings: store.header.columnFindings,
    digest: proof.digest,
  };
}

/** The project file's `target-path` as written (a plain scalar), else dbt's default. */
function targetPathOf(dir: string): string {
  const file = findProjectFile(dir);
  const text = file ? readFileSync(join(dir, file), 'utf8') : '';
  const m = /^target-path:[ \t]*["']?([^"'#\r\n]*?)["']?[ \t]*(?:#.*)?$/m.exec(text);
  return m?.[1]?.trim() || 'target';
}

/** A node for selection: the index's fields, and the stored node's config when a `config.` criterion asks for it. */
class IndexNode {
  readonly #r: IndexRow;
  readonly #strings: readonly string[];
  readonly #nodes: StoredNodeMap;
  constructor(r: IndexRow, strings: readonly string[], nodes: StoredNodeMap) {
    this.#r = r;
    this.#strings = strings;
    this.#nodes = nodes;
  }
  get uniqueId(): string {
    return this.#r[0];
  }
  get name(): string {
    return this.#r[1];
  }
  get resourceType(): GraphNode['resourceType'] {
    return this.#r[2];
  }
  get packageName(): string {
    return this.#strings[this.#r[3]]!;
  }
  get originalFilePath(): string {
    return this.#strings[this.#r[4]]!;
  }
  get fqn(): string[] {
    return this.#r[5].map((i) => this.#strings[i]!);
  }
  get tags(): string[] {
    return this.#r[6].map((i) => this.#strings[i]!);
  }
  get sourceName(): string | undefined {
    return this.#r[7] < 0 ? undefined : this.#strings[this.#r[7]];
  }
  get testMetadata(): { name: string; kwargs: Record<string, unknown> } | undefined {
    return this.#r[8] < 0 ? undefined : { name: this.#strings[this.#r[8]]!, kwargs: {} };
  }
  get config(): GraphNode['config'] {
    return this.#nodes.get(this.#r[0])!.config;
  }
}

/**
 * The loaded project of a warm start: everything but the node lists, which only rendering
 * reads (reading one says which option to use instead of returning a wrong empty list). The
 * target and its secrets are resolved from profiles.yml when first read: the store holds no
 * secret, and the proof says profiles.yml and the environment are as when it was written.
 */
function partialProject(header: ProjectHeader, o: ProofOptions): LoadedProject {
  const p = header as LoadedProject;
  let resolved: ResolvedTarget | undefined;
  const target = (): ResolvedTarget => {
    if (resolved) return resolved;
    const diagnostics: Diagnostic[] = [];
    const { config, dir } = header;
    resolved = resolveTarget({ projectDir: dir, profileName: config.profile, projectName: config.name, profilesDir: o.profilesDir, targetName: o.target, env: o.env }, diagnostics);
    if (!resolved) throw new SmProjectError(diagnostics);
    return resolved;
  };
  Object.defineProperty(p, 'target', { get: () => target().target, enumerable: true });
  Object.defineProperty(p, 'secrets', { get: () => target().secrets, enumerable: true });
  for (const k of ['models', 'seeds', 'sources', 'tests', 'unitTests'] as const) {
    Object.defineProperty(p, k, {
      get: () => {
        throw new Error(`internal: the loaded project's ${k} are not in memory after a warm compile; compile with { complete: true } to read them`);
      },
      enumerable: false,
    });
  }
  return p;
}
