import { join, resolve } from 'node:path';
import { SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { Dag } from '../graph/build-graph.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { resolveTarget, type ResolvedTarget } from '../project/profiles.ts';
import type { MacroEntry } from '../render/macro-namespaces.ts';
import type { GraphNode, ModelNode, SeedNode, SourceNode, TemplateMessage, TestNode } from '../types.ts';
import type { StoredRefs } from '../project/ref-index.ts';
import { readProof, readStore, readStoreHeader, type IndexRow, type ProjectHeader } from './compiled-store.ts';
import { proofHolds, proofKey, type InputProof, type ProofOptions } from './input-proof.ts';
import { targetPathOf } from './target-path-of.ts';
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
  readonly macros: MacroEntry[];
  readonly said: ReadonlyMap<string, readonly TemplateMessage[]>;
  readonly hookMacros: Readonly<Record<string, readonly string[]>> | undefined;
  readonly warehouseNodes: readonly string[];
  /** What the compile that wrote the store found disabled (CompiledProject `disabled`, `disabledTests`). */
  readonly disabled: readonly GraphNode[];
  readonly disabledTests: readonly TestNode[];
  /** The nodes whose file is empty (StoreHeader `emptyNodes`). */
  readonly emptyNodes: readonly string[];
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

/**
 * The project as the last compile loaded it, without its node lists (see {@link partialProject}),
 * when nothing it read has changed; undefined otherwise (then load it). Reads the store's
 * header alone: for a command that needs the macros, vars and target, not the compiled nodes.
 */
export function warmProject(o: ProofOptions & { target?: string | undefined }): LoadedProject | undefined {
  try {
    const at = provenTarget(o);
    const header = at && readStoreHeader(at.targetDir);
    if (!header || !sameProject(header.project, at.dir, o)) return undefined;
    const project = partialProject(header.project, o);
    // ref() and source() read the store's index only when a render calls them.
    let refs: StoredRefs | undefined;
    const stored = (): StoredRefs => (refs ??= storedRefsOf(at.targetDir, at.proof) ?? { refables: () => [], sources: () => [], node: () => undefined });
    Object.defineProperty(project, 'stored', { value: { refables: () => stored().refables(), sources: () => stored().sources(), node: (id: string) => stored().node(id) } satisfies StoredRefs, enumerable: false });
    return project;
  } catch {
    return undefined;
  }
}

/** The project's and its target folder's paths when the store's proof holds for these options. */
function provenTarget(o: ProofOptions): { dir: string; targetDir: string; proof: InputProof & { digest: string } } | undefined {
  const dir = resolve(o.projectDir);
  const targetDir = join(dir, targetPathOf(dir, o.targetPath));
  const proof = readProof(targetDir);
  if (!proof) return undefined;
  const key = proofKey(o);
  return key && proofHolds(o, proof, key) ? { dir, targetDir, proof } : undefined;
}

const sameProject = (p: ProjectHeader, dir: string, o: ProofOptions) => p.config.targetPath === targetPathOf(dir, o.targetPath) && p.dir === dir;

function fromStore(o: ProofOptions & { target?: string | undefined }): WarmStart | undefined {
  const at = provenTarget(o);
  if (!at) return undefined;
  const { dir, targetDir, proof } = at;
  const store = readStore(targetDir, proof);
  if (!store || !sameProject(store.header.project, dir, o)) return undefined;
  const { strings, rows, order } = store.index;
  const ids = rows.map((r) => r[0]);
  // Each id's row, for the graph and the stored nodes alike.
  const rowOf = new Map(ids.map((id, i) => [id, i]));
  const nodes = storedNodes(store.nodesFile, rows, rowOf);
  // As build-graph.ts builds it: every node, then each node's dependencies in order. A
  // dependency stored by id (not by row) is not a node of the project, and makes no edge.
  const deps = (i: number): string[] => {
    const out: string[] = [];
    for (const d of rows[i]![9]) if (typeof d === 'number') out.push(ids[d]!);
    return out;
  };
  const graph = Dag.fromDependencies(ids, deps, rowOf);
  graph.order = order.map((i) => rows[i]![0]);
  const selectionNodes = new Map<string, GraphNode>();
  for (const r of rows) selectionNodes.set(r[0], new IndexNode(r, strings, nodes) as unknown as GraphNode);
  const project = partialProject(store.header.project, o);
  Object.defineProperty(project, 'stored', { value: storedRefs(rows, strings, nodes), enumerable: false });
  return {
    project,
    nodes,
    selectionNodes,
    graph,
    ephemerals: new Map(Object.entries(store.header.ephemerals)),
    macros: [...store.header.macros],
    said: new Map(Object.entries(store.header.said)),
    hookMacros: store.header.hookMacros,
    warehouseNodes: store.header.warehouseNodes,
    disabled: store.header.disabled,
    disabledTests: store.header.disabledTests,
    emptyNodes: store.header.emptyNodes,
    diagnostics: store.header.diagnostics,
    columnFindings: store.header.columnFindings,
    digest: proof.digest,
  };
}

/** The store's compiled nodes, read from its packed file as they are asked for (each row gives a node's extent). */
const storedNodes = (file: string, rows: readonly IndexRow[], rowOf: ReadonlyMap<string, number> = new Map(rows.map((r, i) => [r[0], i]))) =>
  new StoredNodeMap(file, rowOf, (i) => [rows[i]![10], rows[i]![11]]);

/** The store's nodes as ref() and source() read them; undefined when the store cannot be read (then the project is loaded). */
function storedRefsOf(targetDir: string, proof: InputProof & { digest: string }): StoredRefs | undefined {
  try {
    const store = readStore(targetDir, proof);
    if (!store) return undefined;
    const { rows, strings } = store.index;
    return storedRefs(rows, strings, storedNodes(store.nodesFile, rows));
  } catch {
    return undefined;
  }
}

/**
 * ref()'s and source()'s view of the store (project/ref-index.ts StoredRefs): each node as the
 * index lists it, read whole only when ref() finds it. A model version's id ends in `.v<version>`
 * (dbt's form), so only those are read to learn their version.
 */
function storedRefs(rows: readonly IndexRow[], strings: readonly string[], nodes: StoredNodeMap): StoredRefs {
  const light = (r: IndexRow) => ({ uniqueId: r[0], name: r[1], resourceType: r[2], packageName: strings[r[3]]! });
  return {
    refables: () =>
      rows.flatMap((r) => {
        if (r[2] !== 'model' && r[2] !== 'seed' && r[2] !== 'snapshot') return [];
        const l = light(r);
        return [(r[2] === 'model' && r[0] !== `model.${l.packageName}.${r[1]}` ? nodes.get(r[0])! : l) as ModelNode | SeedNode];
      }),
    sources: () => rows.flatMap((r) => (r[2] === 'source' ? [{ ...light(r), sourceName: strings[r[7]]! } as SourceNode] : [])),
    node: (id) => nodes.get(id),
  };
}

/** A node for selection: the index's fields, and the stored node's config when a `config.` criterion asks for it. */
class IndexNode {
  readonly uniqueId: string;
  readonly name: string;
  readonly resourceType: GraphNode['resourceType'];
  readonly packageName: string;
  readonly originalFilePath: string;
  readonly sourceName: string | undefined;
  readonly testMetadata: { name: string; kwargs: Record<string, unknown> } | undefined;
  readonly #nodes: StoredNodeMap;
  readonly #row: IndexRow;
  readonly #strings: readonly string[];
  #fqn: string[] | undefined;
  #tags: string[] | undefined;
  constructor(r: IndexRow, strings: readonly string[], nodes: StoredNodeMap) {
    this.uniqueId = r[0];
    this.name = r[1];
    this.resourceType = r[2];
    this.packageName = strings[r[3]]!;
    this.originalFilePath = strings[r[4]]!;
    this.sourceName = r[7] < 0 ? undefined : strings[r[7]];
    this.testMetadata = r[8] < 0 ? undefined : { name: strings[r[8]]!, kwargs: {} };
    this.#nodes = nodes;
    this.#row = r;
    this.#strings = strings;
  }
  /** Made when selection first reads them (a whole-project compile never does). */
  get fqn(): string[] {
    return (this.#fqn ??= this.#row[5].map((i) => this.#strings[i]!));
  }
  get tags(): string[] {
    return (this.#tags ??= this.#row[6].map((i) => this.#strings[i]!));
  }
  get config(): GraphNode['config'] {
    return this.#nodes.get(this.uniqueId)!.config;
  }
  /** A model version's `v` and its model's latest, for the version: method. */
  get version(): string | undefined {
    return (this.#nodes.get(this.uniqueId) as { version?: string }).version;
  }
  get latestVersion(): string | undefined {
    return (this.#nodes.get(this.uniqueId) as { latestVersion?: string }).latestVersion;
  }
  /** The YAML file that patches it, for the path: method. */
  get patchPath(): string | undefined {
    return this.#nodes.get(this.uniqueId)!.patchPath;
  }
}

/** The node lists a warm start's project does not hold. */
const NODE_LISTS = ['models', 'seeds', 'sources', 'tests', 'unitTests'] as const;

/**
 * A warm start's project whose node lists are loaded when first read (`load`, once): a run's
 * on-run hook that calls neither ref(), source() nor `graph` renders from the stored macros
 * without loading the project (on 10,000 models a load costs ~0.7 s).
 */
export function nodesOnDemand(p: LoadedProject, load: () => LoadedProject): LoadedProject {
  let full: LoadedProject | undefined;
  const own = Object.getOwnPropertyDescriptors(p) as Record<string, PropertyDescriptor>;
  for (const k of NODE_LISTS) own[k] = { get: () => (full ??= load())[k], enumerable: false, configurable: true };
  return Object.defineProperties({}, own) as LoadedProject;
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
    resolved = resolveTarget({ projectDir: dir, profileName: config.profile, projectName: config.name, profilesDir: o.profilesDir, targetName: o.target, env: o.env, vars: o.vars, threadsGiven: o.threads !== undefined }, diagnostics);
    if (!resolved) throw new SmProjectError(diagnostics);
    return resolved;
  };
  Object.defineProperty(p, 'target', { get: () => target().target, enumerable: true });
  Object.defineProperty(p, 'secrets', { get: () => target().secrets, enumerable: true });
  for (const k of NODE_LISTS) {
    Object.defineProperty(p, k, {
      get: () => {
        throw new Error(`internal: the loaded project's ${k} are not in memory after a warm compile; compile with { complete: true } to read them`);
      },
      enumerable: false,
    });
  }
  return p;
}
