import type { ColumnDef, Connection, QueryResult, Relation, RelationInfo } from '../adapter.ts';
import type { PlanContext } from '../plan/plan.ts';
import type { Plan } from '../plan/step.ts';
import type { ExecutionRender } from '../render/execution.ts';
import type { GraphNode } from '../types.ts';
import type { AdapterSaid, NodeResult, NodeStatus } from '../events.ts';
import type { Mutex } from './mutex.ts';
import type { RunContext } from './run-context.ts';
import type { PlanOutcome } from './run-plan.ts';

/** What an executor gets for one node: the run, its connection, and the runner's shared, cached helpers. */
export interface NodeContext {
  readonly run: RunContext;
  readonly plan: PlanContext;
  readonly conn: Connection;
  /** Render with this node's connection what compile could not render without one (render/execution.ts). */
  renderLive(what: ExecutionRender): Promise<string>;
  /** Queue the SQL the node compiled to for target/compiled; returns the file's path relative to the project. `split`: one batch of a microbatch model. */
  compiled(sql: string, split?: string): string;
  /** Queue a unit test's given input for `<target>/compiled/<package>/<yaml file>/<name>.sql`, as dbt writes each fixture it compiles. */
  compiledFixture(name: string, sql: string): void;
  /** The node's `<target>/run` file is this text, not the statements `exec` ran (a unit test's one statement, written as dbt writes it). */
  runFile(text: string): void;
  /** Queue the statements run so far for `<target>/run/.../<name>_<split>.sql` (one batch of a microbatch model); the node's own run file gets the rest. */
  ranSplit(split: string): void;
  /** Run a plan through the one plan executor; its statements are written to target/run. `incremental`: the node runs incrementally (its hooks' `is_incremental()`). */
  runPlan(plan: Plan, incremental?: boolean): Promise<PlanOutcome>;
  /** One statement outside any plan (a test's query, an external model's copy), noted for target/run. */
  exec(sql: string): Promise<QueryResult>;
  /** `create schema if not exists`, once per schema per run. */
  ensureSchema(rel: Relation): Promise<void>;
  /** What the warehouse holds at `rel`, from one catalog query per schema per run. */
  existing(rel: Relation): Promise<RelationInfo | undefined>;
  /** Update the cached catalog after building (undefined: forget, describe again next time). */
  remember(rel: Relation, info: RelationInfo | undefined): Promise<void>;
  /** `rel`'s columns, asked of the warehouse when the cached catalog has none (it forgets what it rebuilt). */
  columns(rel: Relation): Promise<readonly ColumnDef[] | undefined>;
  writeLock: Mutex | undefined;
  /** A warning as the warehouse's dbt adapter logs it ("DuckDB adapter: ..."), of this node. */
  adapterWarning(said: AdapterSaid): void;
}

export type ExecOutcome = Partial<NodeResult> & { status: NodeStatus; message: string };

/** Executes one kind of node; throws for an error status (the runner records it). */
export type NodeExecutor = (node: GraphNode, ctx: NodeContext) => Promise<ExecOutcome>;
