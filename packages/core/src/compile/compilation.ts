/** What a command asks of compile, and what compile hands on: plain data. */
import type { Adapter, AdapterFactory } from '../adapter.ts';
import type { CheckResult } from '../check/check-project.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { EventSink } from '../events.ts';
import type { Dag } from '../graph/build-graph.ts';
import type { LoadOptions, LoadedProject } from '../project/load-project.ts';
import type { CompiledProject } from '../render/render-project.ts';
import type { IndirectSelection } from '../select/select.ts';
import type { Selection } from '../select/selection-expr.ts';
import type { ResourceType } from '../types.ts';
import type { WarnErrorSetting } from '../warn-error.ts';

export type Command = 'compile' | 'run' | 'seed' | 'test' | 'build' | 'snapshot' | 'ls' | 'show' | 'check' | 'clone';

/** Options of one invocation. Nothing here is process-wide: two projects can run in one process. */
export interface InvocationOptions extends LoadOptions {
  /** Adapters by target type (`duckdb`, `snowflake`); the CLI passes the built-in ones. */
  adapters: Readonly<Record<string, AdapterFactory>>;
  /** `--select` as typed: parsed once by compile (and recorded in run_results.json's args). */
  select?: readonly string[] | undefined;
  /** `--exclude` as typed. */
  exclude?: readonly string[] | undefined;
  /** A selection built in code (watch, retry, show); when set, `select` and `exclude` are not parsed. */
  selection?: Selection | undefined;
  /** A named selector from selectors.yml, added to the selection. */
  selector?: string | undefined;
  fullRefresh?: boolean | undefined;
  /** Stop starting nodes after the first error or failure. Default: the project file's `flags: {fail_fast: ...}`, else false. */
  failFast?: boolean | undefined;
  /** dbt's `--indirect-selection` for tests of selected nodes. Default: the project file's `flags: {indirect_selection: ...}`, else `eager`. */
  indirectSelection?: IndirectSelection | undefined;
  /** Directory with an earlier manifest.json/run_results.json/sources.json, for `state:`, `result:` and `source_status:` selectors. */
  state?: string | undefined;
  /** Restrict to these resource types (e.g. `sm ls --resource-type model`). */
  resourceTypes?: readonly ResourceType[] | undefined;
  /**
   * Load and render the whole project in memory even when the last compile's stored results
   * could serve (commands that read every loaded node: docs, --inline, watch). Default false.
   */
  complete?: boolean | undefined;
  /** Run none of the project's on-run-start and on-run-end hooks (dbt's show, which loads a seed it shows). */
  noProjectHooks?: boolean | undefined;
  /** Write no manifest.json (nor semantic_manifest.json): the last one stays, as dbt's `docs generate --no-compile` leaves it. */
  keepManifest?: boolean | undefined;
  /**
   * Keep selected nodes whose file is empty or only whitespace (dbt's include_empty_nodes, set by
   * its ls and docs generate). Default: only `ls` keeps them; every other command leaves them out.
   */
  includeEmptyNodes?: boolean | undefined;
  onEvent?: EventSink | undefined;
  signal?: AbortSignal | undefined;
  /** The invocation's id in the artifacts, when the caller has named its own logs with one (the CLI's JSON log). Default: a new one. */
  invocationId?: string | undefined;
  /** Infer the selection's columns, types and lineage (`sm check`); the manifest then carries the lineage. Default false. */
  check?: boolean | undefined;
  /** Check first and stop on an error before anything runs (`--strict`). Default: the project file's `flags: {strict: ...}`. */
  strict?: boolean | undefined;
  /**
   * dbt's `--defer`: a ref to a node that is not selected and has a relation in the state
   * manifest (`deferState`, else `state`) reads that relation when the target lacks the node's
   * own, or always with `favorState`. Default false.
   */
  defer?: boolean | undefined;
  /** The directory of the manifest.json to defer to, when it is not `state`. */
  deferState?: string | undefined;
  /** dbt's `--favor-state`: with `defer`, the state's relation for every unselected node. Default false. */
  favorState?: boolean | undefined;
  /**
   * dbt's `--warn-error` (`true`: every warning is an error) or `--warn-error-options` (which
   * ones, warn-error.ts). A compile warning that is an error stops the command (exit 2); a test
   * that warns under it fails, as in dbt. Default: the project file's `flags:` `warn_error` or
   * `warn_error_options`, else none.
   */
  warnError?: WarnErrorSetting | undefined;
  /** Build tables and incremental models with write-audit-publish (`--audit`), unless a model's `audit` config says otherwise. Default false. */
  audit?: boolean | undefined;
  /** dbt's `--event-time-start` and `--event-time-end` (both or neither): the batches microbatch models build; `sample` (LoadOptions) wins over them. */
  eventTimeStart?: Date | undefined;
  eventTimeEnd?: Date | undefined;
  /** `sm retry`: the batches each microbatch model built and failed in the run retried; only the failed ones run. */
  retryBatches?: ReadonlyMap<string, import('../events.ts').BatchResults> | undefined;
  /**
   * dbt's run_results.json `args` that only the command line knows, by dbt's names
   * (project_dir as typed, the log flags, invocation_command, ...): they win over what
   * artifacts/run-args.ts makes of the options and dbt's defaults.
   */
  cliArgs?: Readonly<Record<string, unknown>> | undefined;
}

/** What compile hands to execution: plain data (and the adapter, whose dialect named the relations). */
export interface Compilation {
  project: LoadedProject;
  compiled: CompiledProject;
  graph: Dag;
  adapter: Adapter;
  /** Selected node ids in execution order. */
  selected: string[];
  diagnostics: Diagnostic[];
  invocationId: string;
  /**
   * True when nothing the last compile read had changed, so its stored results were used
   * (compile/warm-start.ts): nothing was loaded or rendered, `compiled.nodes` are read from the
   * store as they are asked for, and `project`'s node lists are not in memory (pass `complete`).
   */
  reused: boolean;
  /**
   * The project's input digest when what was compiled follows from it alone (no render read the
   * environment or the clock): artifacts written from this compilation may be reused by the next
   * with the same digest. Undefined otherwise, or with --no-partial-parse.
   */
  stableDigest?: string | undefined;
  /** What the checker found, when it ran (`check`, `strict`). */
  check?: CheckResult | undefined;
}

/** What each command selects by default. */
export const COMMAND_TYPES: Record<Command, readonly ResourceType[] | undefined> = {
  compile: undefined,
  ls: undefined,
  show: undefined,
  check: undefined,
  // As in dbt: `run` builds models; snapshots run with `snapshot` and `build`.
  run: ['model'],
  snapshot: ['snapshot'],
  seed: ['seed'],
  test: ['test', 'unit_test'],
  // dbt's clone: what has a relation (ephemeral models are left out by the runner).
  clone: ['model', 'seed', 'snapshot'],
  // dbt 1.11's build lists each selected exposure and saved query as a result, NO-OP (skipped when what it depends on fails).
  build: ['model', 'seed', 'test', 'snapshot', 'unit_test', 'exposure', 'saved_query'],
};
