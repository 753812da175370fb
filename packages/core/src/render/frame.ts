import type { Relation } from '../adapter.ts';
import { ControlSignal } from '../jinja/errors.ts';
import type { FoundRef, GraphNode, NodeConfig, TemplateMessage } from '../types.ts';
import type { WarehouseLog } from './warehouse.ts';

/** What one render of one node collects: its final config, refs, ephemerals, what it read. */
export interface Frame {
  node: GraphNode;
  /** The package whose macros the node sees first (dbt's search package). */
  packageName: string;
  config: NodeConfig;
  refs: Set<string>;
  /** Each ref() call that found its node, in order, repeats included (the node's `refs`). */
  refCalls: FoundRef[];
  /** Each source() call that found its source, in order, repeats included (the node's `sources`, as dbt lists them). */
  sourceCalls: [string, string][];
  relation: Relation | undefined;
  ephemerals: Set<string>;
  /** Read the environment or the clock: its output may differ next time, so it is not cached. */
  volatile: boolean;
  /** What `this` rendered as, when the template read it (a later config() may change it: render again). */
  thisRead: string | undefined;
  /** The answer of `is_incremental()` in this render. */
  incremental: boolean;
  /** dbt's `execute`: true when rendering for real, false as dbt's parse phase renders. */
  execute: boolean;
  /** Answers of the warehouse, replayed; at compile one with no warehouse behind it. */
  warehouse: WarehouseLog | undefined;
  /** Set when the template asked what only execution knows (the warehouse where there is none, `selected_resources`): the node renders again at execution. */
  askedWarehouse: boolean;
  /** What `{% call statement(name) %}` stored for `load_result(name)`, made when first needed. */
  results?: Map<string, unknown> | undefined;
  /**
   * What `log(msg, info=True)` and `print(msg)` said in this render, shown once the render
   * completes (a render replayed for the warehouse's answers says each thing once); made when first needed.
   */
  said?: TemplateMessage[] | undefined;
  /** Set when the template read `execute`: an error it raised may be one dbt raises only when the node runs. */
  /** Set when the template read its config with `config.get()` or `config.require()`, which dbt's parse answers with ''. */
  readConfig?: boolean | undefined;
  /** Set when `config()` was called after the template read its config: dbt's read sees the node's final config, so it renders again with it. */
  configAfterRead?: boolean | undefined;
  /** The node's config once its config() calls are in, which `config.get()` reads when set (a render again after {@link configAfterRead}). */
  finalConfig?: NodeConfig | undefined;
  /** Rendering as dbt's parse does to learn what it refs: `config.get()` and `config.require()` answer '' (dbt's ParseConfigObject). */
  parsing?: boolean | undefined;
  readExecute?: boolean | undefined;
  /** Set when the render failed on an undefined name, attribute or call, which dbt's parse phase lets by (its undefined captures calls): dbt fails the node only when it compiles. */
  failedUndefined?: boolean | undefined;
  /** Set when a microbatch model's template read `model.batch` outside a batch (compile): an error it then raised is dbt's only if a batch raises it. */
  readBatch?: boolean | undefined;
  /** Set when the template called `is_incremental()`: a hook that did is rendered when it runs, where the answer is known. */
  readIncremental?: boolean | undefined;
  /** The project's and packages' macros the template called itself, in order (dbt's `depends_on.macros`). */
  macros: Set<string>;
  /** A test's ref() and source() calls that found nothing, which dbt still lists among its refs and sources; `at`: how many `refs` were found before it. */
  missing?: MissingTarget[] | undefined;
  /** A microbatch model rendered for one batch (`model.batch`; its refs read only the batch's event time). */
  batch?: RenderBatch | undefined;
  /** Its `config()` calls as dbt gathers them (folder-config.ts addConfigCall): the manifest's unrendered_config. */
  configCall?: Record<string, unknown> | undefined;
  /** Models it refs whose render was under way (it was rendered for one that read `graph`): their relation was the loaded one, so it renders again once they are done. */
  waitedOn?: Set<string> | undefined;
}

/** A `ref()` or `source()` call of a node: what it names (and the node it found, if any). */
export type TargetCall = ({ ref: string } | { source: [string, string] }) & { id?: string };
export type MissingTarget = TargetCall & { at: number };

/** One batch of a microbatch model as its render sees it: dbt's `model.batch` (plan/microbatch.ts). */
export interface RenderBatch {
  readonly id: string;
  readonly start: Date;
  readonly end: Date;
}

/**
 * A render any command repeats the same: it read neither the clock, the environment, the warehouse
 * (each marks `volatile`; asking the warehouse marks both) nor `is_incremental()`, and waited on no
 * render under way. What is built from steady renders alone may be kept between commands.
 */
export function steady(frame: Frame): boolean {
  return !(frame.volatile || frame.readIncremental || frame.waitedOn);
}

export function newFrame(node: GraphNode, config: NodeConfig, incremental = false, warehouse?: WarehouseLog): Frame {
  return { node, packageName: node.packageName, config, refs: new Set(), refCalls: [], sourceCalls: [], relation: undefined, ephemerals: new Set(), volatile: false, thisRead: undefined, incremental, execute: true, warehouse, askedWarehouse: false, macros: new Set() };
}

/**
 * `ref()` reached a model that has not rendered yet: the render stops, the scheduler renders
 * that model first and then this node again. Keeps compile free of recursion as deep as the DAG.
 * `graph` waits for every node not rendered yet at once (`ids`, in order; `id` the first): one
 * at a time, each followed by the reader's render again, was quadratic (a project hook reading
 * `graph` on 10,000 models: minutes).
 */
export class NeedRender extends ControlSignal {
  readonly id: string;
  readonly ids: readonly string[];
  constructor(id: string | readonly string[]) {
    super();
    this.ids = typeof id === 'string' ? [id] : id;
    this.id = this.ids[0]!;
  }
}

/** The symbol under which a node's context keeps its frame (read by context getters such as run_started_at). */
export const FRAME: unique symbol = Symbol('sm.render.frame');
