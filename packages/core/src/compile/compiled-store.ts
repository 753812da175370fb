import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { MacroEntry } from '../render/macro-namespaces.ts';
import type { GraphNode, TemplateMessage, TestNode } from '../types.ts';
import type { InputProof } from './input-proof.ts';
import { jsonText } from '../util/json-text.ts';
import { jsonHoldsSecret } from '../util/redact.ts';
import { writeNow, type FileSink } from '../util/background-writer.ts';
import { makeDirs } from '../util/make-dirs.ts';

/**
 * A compile's results under `<target>/.sm/compiled/`, for the next command to reuse while its
 * inputs are as they were (compile/input-proof.ts): every compiled node (packed, one JSON per
 * line, read one at a time), an index of what selection and the graph need, and the rest of
 * the compilation. `proof.json` is written last and removed first, so a store without it is
 * never read.
 */
const VERSION = 9;

/**
 * What selection and the graph read of a node, and where the whole node is, as one array (the
 * index of a 10,000-model project is parsed on every warm command, and arrays of numbers parse
 * several times faster than objects with names): strings are positions in the index's string
 * table, dependencies positions of rows.
 */
export type IndexRow = [
  uniqueId: string,
  name: string,
  resourceType: GraphNode['resourceType'],
  packageName: number,
  originalFilePath: number,
  fqn: number[],
  tags: number[],
  /** A source's source name; -1 for other nodes. */
  sourceName: number,
  /** A generic test's test name (`unique`, ...); -1 for other nodes. */
  testName: number,
  /** What it depends on (the graph's edges): rows, or ids of nodes not in the project. */
  deps: (number | string)[],
  offset: number,
  length: number,
];

export interface StoredIndex {
  readonly strings: readonly string[];
  /** In the order compile made the nodes. */
  readonly rows: readonly IndexRow[];
  /** Rows in the topological order of the whole graph (graph/build-graph.ts topoOrder). */
  readonly order: readonly number[];
  /** The size of nodes.jsonl in bytes: a file of another size (cut short, overwritten) is no store. */
  readonly bytes: number;
}

/**
 * The loaded project without its nodes (those are compiled in the store) and without the
 * target and secrets: no secret is ever written to disk; a warm start resolves the target again.
 */
export type ProjectHeader = Omit<LoadedProject, 'models' | 'seeds' | 'sources' | 'tests' | 'unitTests' | 'target' | 'secrets'>;

export interface StoreHeader {
  readonly version: number;
  readonly project: ProjectHeader;
  /** Warnings of the compile (loading, rendering, the graph), selection's aside. */
  readonly diagnostics: readonly Diagnostic[];
  /** Column tests on columns their model lacks, for every test; severity is set by the command. */
  readonly columnFindings: readonly Diagnostic[];
  readonly ephemerals: Readonly<Record<string, string[]>>;
  /** Every macro as the manifest lists it (render/macro-namespaces.ts). */
  readonly macros: readonly MacroEntry[];
  /** What nodes' templates showed (GraphNode `said`), by node, for those that showed something. */
  readonly said: Readonly<Record<string, TemplateMessage[]>>;
  /** CompiledProject `hookMacros`. */
  readonly hookMacros?: Readonly<Record<string, readonly string[]>> | undefined;
  /** CompiledProject `warehouseNodes`: a warm `sm compile` finds them without reading every node. */
  readonly warehouseNodes: readonly string[];
  /** The compile's disabled nodes and tests (CompiledProject `disabled`, `disabledTests`), for a manifest written anew. */
  readonly disabled: readonly GraphNode[];
  readonly disabledTests: readonly TestNode[];
  /** The nodes whose file is empty (compile-shared.ts emptyNodeIds): selection leaves them out. */
  readonly emptyNodes: readonly string[];
}

export interface StoredCompile {
  readonly proof: InputProof & { readonly digest: string };
  readonly header: StoreHeader;
  readonly index: StoredIndex;
  /** The packed nodes. */
  readonly nodesFile: string;
}

export const storeDir = (targetDir: string) => join(targetDir, '.sm', 'compiled');

/** The proof of the store in `targetDir`, if one is complete and of this version of sm. */
export function readProof(targetDir: string): (InputProof & { digest: string }) | undefined {
  try {
    const p = JSON.parse(readFileSync(join(storeDir(targetDir), 'proof.json'), 'utf8')) as InputProof & { digest: string; version: number };
    return p.version === VERSION ? p : undefined;
  } catch {
    return undefined;
  }
}

/** The header of the store in `targetDir` (its proof read and checked by the caller), if it is of this version of sm. */
export function readStoreHeader(targetDir: string): StoreHeader | undefined {
  try {
    const header = JSON.parse(readFileSync(join(storeDir(targetDir), 'header.json'), 'utf8')) as StoreHeader;
    return header.version === VERSION ? header : undefined;
  } catch {
    return undefined;
  }
}

export function readStore(targetDir: string, proof: InputProof & { digest: string }): StoredCompile | undefined {
  const dir = storeDir(targetDir);
  try {
    const header = JSON.parse(readFileSync(join(dir, 'header.json'), 'utf8')) as StoreHeader;
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as StoredIndex;
    if (header.version !== VERSION) return undefined;
    // The nodes are read by offset as they are asked for, late in a command: a damaged file is found here or never.
    const nodesFile = join(dir, 'nodes.jsonl');
    if (statSync(nodesFile).size !== index.bytes) return undefined;
    return { proof, header, index, nodesFile };
  } catch {
    return undefined;
  }
}

/** Forget the store (its inputs are being compiled afresh). */
export function dropStore(targetDir: string): void {
  rmSync(join(storeDir(targetDir), 'proof.json'), { force: true });
}

/**
 * Write a compile's results; `nodes` in the order compile made them, `order` the whole graph's
 * topological order. Nothing is stored (and the next command compiles afresh) when a node, or
 * the project's header (its vars), holds one of the project's secrets: stored SQL must run as
 * compiled, and no secret goes to disk.
 */
export function writeStore(
  targetDir: string,
  proof: InputProof & { digest: string },
  project: LoadedProject,
  nodes: ReadonlyMap<string, GraphNode>,
  order: readonly string[],
  rest: Omit<StoreHeader, 'version' | 'project'>,
  /** In order, proof.json last: a store is whole once its proof is there (a failed write stops the ones after it). */
  sink: FileSink = writeNow,
): void {
  const dir = storeDir(targetDir);
  makeDirs(dir);
  dropStore(targetDir);
  const strings: string[] = [];
  const stringAt = new Map<string, number>();
  const str = (x: string | undefined): number => {
    if (x === undefined) return -1;
    let i = stringAt.get(x);
    if (i === undefined) stringAt.set(x, (i = strings.push(x) - 1));
    return i;
  };
  const rowOf = new Map<string, number>();
  let r = 0;
  for (const id of nodes.keys()) rowOf.set(id, r++);
  const rows: IndexRow[] = [];
  let offset = 0;
  const secrets = project.secrets;
  // One string, not a buffer a node: half the time. Offsets count UTF-8 bytes (`byteLength`
  // scans 32 MB several times faster than a test for a character outside ASCII did).
  let packed = '';
  for (const n of nodes.values()) {
    const text = jsonText(n);
    if (jsonHoldsSecret(text, secrets)) return;
    const length = Buffer.byteLength(text, 'utf8');
    packed += `${text}\n`;
    rows.push([
      n.uniqueId,
      n.name,
      n.resourceType,
      str(n.packageName),
      str(n.originalFilePath),
      n.fqn.map(str),
      n.tags.map(str),
      str(n.resourceType === 'source' ? n.sourceName : undefined),
      str(n.resourceType === 'test' ? n.testMetadata?.name : undefined),
      n.dependsOn.nodes.map((d) => rowOf.get(d) ?? d),
      offset,
      length,
    ]);
    offset += length + 1;
  }
  const { models: _m, seeds: _s, sources: _so, tests: _t, unitTests: _u, target: _tg, secrets: _sc, ...header } = project;
  const plain = (ds: readonly Diagnostic[]) => ds.map(({ cause: _c, ...d }) => d);
  const headerText = jsonText({ version: VERSION, project: { ...header, diagnostics: plain(header.diagnostics) }, ...rest, diagnostics: plain(rest.diagnostics), columnFindings: plain(rest.columnFindings) });
  // The header holds --vars, and profiles.yml may read a password from one.
  if (jsonHoldsSecret(headerText, secrets)) return;
  sink.write(join(dir, 'nodes.jsonl'), packed);
  sink.write(join(dir, 'index.json'), JSON.stringify({ strings, rows, order: order.map((id) => rowOf.get(id)!), bytes: offset } satisfies StoredIndex));
  sink.write(join(dir, 'header.json'), headerText);
  sink.write(join(dir, 'proof.json'), JSON.stringify({ version: VERSION, ...proof }));
}

/** Whether a store exists at all (for tests and `sm clean`). */
export function hasStore(targetDir: string): boolean {
  return existsSync(join(storeDir(targetDir), 'proof.json'));
}

