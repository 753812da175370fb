import type { Dialect } from '../adapter.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { GraphNode, ModelNode, TemplateMessage, TestNode } from '../types.ts';
import type { RenderCache } from './render-cache.ts';
import type { MacroEntry } from './macro-namespaces.ts';

export interface RenderOptions {
  dialect: Dialect;
  /** Whether `is_incremental()` is true for a model; compile without a warehouse says false. */
  isIncremental?: (node: ModelNode) => boolean;
  /** Only these nodes need compiled SQL (selection); their ancestors' configs are still resolved. Default: all. */
  only?: ReadonlySet<string> | undefined;
  runStartedAt?: Date;
  /** Reuse what earlier compiles rendered while inputs are unchanged; or a function that opens it when a model's render first needs it. */
  cache?: RenderCache | (() => RenderCache | undefined) | undefined;
  invocationId?: string;
  env?: NodeJS.ProcessEnv;
  /** dbt's `flags` (WHICH, FULL_REFRESH, EMPTY, ...). Default: WHICH 'compile', the rest false; STORE_FAILURES is the loaded project's `storeFailures`. */
  flags?: Record<string, unknown> | undefined;
  /** The invocation's selected nodes (`selected_resources`), when rendering at execution; compile leaves it unknown. */
  selectedResources?: readonly string[] | undefined;
  /** Where `graph` is kept for these inputs (compile/stored-graph.ts): read before building it, written once built whole. */
  graphStore?: GraphStore | undefined;
}

/** dbt's `graph` kept between commands for the same inputs. */
export interface GraphStore {
  /** The graph kept for these inputs, if any. */
  read(): Record<string, unknown> | undefined;
  /** Keep `graph` (called when it is built, before any template changes it). */
  write(graph: unknown): void;
}

/** The rendered project: nodes with final config, relation, dependencies and compiled SQL. */
export interface CompiledProject {
  project: LoadedProject;
  nodes: Map<string, GraphNode>;
  /** What config disabled, loading's then rendering's (relations resolved): manifest.json's `disabled`. */
  disabled?: readonly GraphNode[] | undefined;
  /**
   * Tests disabled because what they test is missing or disabled (enabled false): not in the
   * graph, but dbt's manifest keeps them among its nodes, depending on nothing.
   */
  disabledTests?: readonly TestNode[] | undefined;
  /** Ephemeral models each node inlines, in dependency order. */
  ephemerals: Map<string, string[]>;
  diagnostics: Diagnostic[];
  /** Every macro, one entry each (`macro.<package>.<name>`), as the manifest lists them. */
  macros: MacroEntry[];
  /**
   * What each node's template showed (GraphNode `said`), for nodes that showed something: set
   * when `nodes` are read from a store, so showing it does not read every node (see {@link saidBy}).
   */
  said?: ReadonlyMap<string, readonly TemplateMessage[]> | undefined;
  /** The macros each on-run hook calls, by its operation node's id (`operation.<package>.<name>`), for the manifest. */
  hookMacros?: Readonly<Record<string, readonly string[]>> | undefined;
  /** The nodes whose compile may differ with a warehouse (compile/compile-live.ts `mayAskWarehouse`), when known without reading every node (a warm start's store). */
  warehouseNodes?: readonly string[] | undefined;
}

/** What the node showed when compile rendered it (`log(msg, info=True)`, `print`): GraphNode `said`. */
export function saidBy(c: CompiledProject, id: string): readonly TemplateMessage[] {
  return (c.said ? c.said.get(id) : c.nodes.get(id)?.said) ?? [];
}

/** Overrides of one render (unit tests): vars, context names (macros), environment variables. */
export interface Overrides {
  vars?: Record<string, unknown> | undefined;
  macros?: Record<string, unknown> | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** What a render with overrides (rerender.ts renderWithOverrides, a unit test's model) overrides. */
export interface RenderOverrides {
  vars?: Record<string, unknown>;
  macros?: Record<string, unknown>;
  envVars?: Record<string, unknown>;
  ephemerals?: ReadonlyMap<string, string>;
}
