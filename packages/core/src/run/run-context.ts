import type { Adapter, AdapterSession, Relation } from '../adapter.ts';
import type { RunFiles } from '../artifacts/run-files.ts';
import type { RenderLive } from '../compile/execution-renderer.ts';
import type { Dag } from '../graph/build-graph.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { GraphNode } from '../types.ts';
import type { MacroEntry } from '../render/macro-namespaces.ts';
import type { BatchResults, EventSink } from '../events.ts';

/** A node's relation in the state `sm clone` reads, and whether the state built it as a table or a view. */
export interface StateRelation extends Relation {
  readonly kind: 'table' | 'view';
}

/** The flags of a run that change what is built or how. */
export interface RunFlags {
  /** Nodes at once. */
  readonly threads: number;
  /** Rebuild incremental models (and external lakes) from scratch, unless a node's `full_refresh` config says otherwise. */
  readonly fullRefresh: boolean;
  /** Stop starting nodes after the first error or failed test. */
  readonly failFast: boolean;
  /** `--store-failures`: keep every test's failing rows, unless a test's config says otherwise. */
  readonly storeFailures: boolean;
  /** `build`: a failing test skips what depends on the node it tests. */
  readonly testsGateChildren: boolean;
  /** `--audit`: build every table and incremental model with write-audit-publish, unless its `audit` config says otherwise. Default false. */
  readonly audit?: boolean | undefined;
  /** A test that warns has failed (`--warn-error`, or warn_error_options making LogTestResult an error): its status, an audit's verdict and build's gating. */
  readonly testWarnFails: boolean;
  /** `sm clone`: each node's relation in the state, by unique id (run/execute-clone.ts); every node is cloned instead of built. */
  readonly clone?: ReadonlyMap<string, StateRelation> | undefined;
  /** Which batches microbatch models build (plan/microbatch.ts). */
  readonly microbatch?: MicrobatchFlags | undefined;
}

export interface MicrobatchFlags {
  /** `--event-time-start`, `--event-time-end`: the range to build instead of the one the models' configs give. */
  readonly eventTimeStart?: Date | undefined;
  readonly eventTimeEnd?: Date | undefined;
  /** When the run started: where the default range ends. */
  readonly now: Date;
  /** `sm retry`: per model, the batches the last run built and those it failed (only these run again). */
  readonly retry?: ReadonlyMap<string, BatchResults> | undefined;
}

/**
 * Everything one execution reads: compiled data (nodes, graph, the project as loaded), the
 * warehouse (adapter and open session), the flags, where target files go and where events go.
 * Executors get it whole; nothing else is threaded through them.
 */
export interface RunContext {
  readonly project: LoadedProject;
  /** Compiled nodes: every node a selected node may look at (its parents, a unit test's inputs). */
  readonly nodes: ReadonlyMap<string, GraphNode>;
  readonly graph: Dag;
  /** Every macro of the project, its packages and sm's internal ones, as compile read them (a model's own materialization is one). */
  readonly macros: readonly MacroEntry[];
  readonly adapter: Adapter;
  readonly session: AdapterSession;
  readonly flags: RunFlags;
  readonly files: RunFiles;
  /** Renders what compile could not without a warehouse (a node marked needsWarehouse, a hook), with the node's connection. */
  readonly render: RenderLive;
  readonly onEvent: EventSink;
  readonly signal?: AbortSignal | undefined;
}
