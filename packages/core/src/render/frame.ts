import type { Relation } from '../adapter.ts';
import { ControlSignal } from '../jinja/errors.ts';
import type { GraphNode, NodeConfig } from '../types.ts';

/** What one render of one node collects: its final config, refs, ephemerals, what it read. */
export interface Frame {
  node: GraphNode;
  /** The package whose macros the node sees first (dbt's search package). */
  packageName: string;
  config: NodeConfig;
  refs: Set<string>;
  relation: Relation | undefined;
  ephemerals: Set<string>;
  /** Read the environment or the clock: its output may differ next time, so it is not cached. */
  volatile: boolean;
  /** What `this` rendered as, when the template read it (a later config() may change it: render again). */
  thisRead: string | undefined;
  /** The answer of `is_incremental()` in this render. */
  incremental: boolean;
}

export function newFrame(node: GraphNode, config: NodeConfig, incremental = false): Frame {
  return { node, packageName: node.packageName, config, refs: new Set(), relation: undefined, ephemerals: new Set(), volatile: false, thisRead: undefined, incremental };
}

/**
 * `ref()` reached a model that has not rendered yet: the render stops, the scheduler renders
 * that model first and then this node again. Keeps compile free of recursion as deep as the DAG.
 */
export class NeedRender extends ControlSignal {
  readonly id: string;
  constructor(id: string) {
    super();
    this.id = id;
  }
}

/** The symbol under which a node's context keeps its frame (read by context getters such as run_started_at). */
export const FRAME: unique symbol = Symbol('sm.render.frame');
