import type { Connection, QueryResult, Relation, RelationInfo } from '../adapter.ts';
import type { PlanContext, Step } from '../plan/plan.ts';
import type { GraphNode } from '../types.ts';
import type { NodeResult, NodeStatus } from './events.ts';
import type { Mutex } from './mutex.ts';
import type { RunnerOptions } from './runner.ts';

/** What an executor gets for one node: its connection and the runner's shared, cached helpers. */
export interface NodeContext {
  o: RunnerOptions;
  plan: PlanContext;
  conn: Connection;
  /** Every statement run for this node, written to target/run afterwards. */
  executed: string[];
  exec(sql: string): Promise<QueryResult>;
  runSteps(steps: Step[]): Promise<void>;
  /** `create schema if not exists`, once per schema per run. */
  ensureSchema(rel: Relation): Promise<void>;
  /** The relations of `rel`'s schema, from one catalog query per schema per run. */
  describe(rel: Relation): Promise<Map<string, RelationInfo>>;
  /** Update the cached catalog after building (undefined: forget, describe again next time). */
  remember(rel: Relation, info: RelationInfo | undefined): Promise<void>;
  writeLock: Mutex | undefined;
}

export type ExecOutcome = Partial<NodeResult> & { status: NodeStatus; message: string };

/** Executes one kind of node; throws for an error status (the runner records it). */
export type NodeExecutor = (node: GraphNode, ctx: NodeContext) => Promise<ExecOutcome>;
