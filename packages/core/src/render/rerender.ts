import type { Connection, Relation } from '../adapter.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { Environment } from '../jinja/environment.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { GraphNode, ModelNode, NodeConfig, TemplateMessage, TestNode } from '../types.ts';
import { parseFallback } from './parse-fallback.ts';
import type { Ephemerals } from './ephemerals.ts';
import type { Overrides, RenderOverrides } from './render-options.ts';
import { answer, type ExecutionRender } from './execution.ts';
import { NeedRender, newFrame, type Frame } from './frame.ts';
import type { ProjectHost } from './project-host.ts';
import { cloneConfig, inlineNode, isOperationNode } from './render-parts.ts';
import { RenderFailure } from './template-diagnostic.ts';
import { NeedWarehouse, WarehouseLog } from './warehouse.ts';

/** What a render outside compile's one pass uses of the project's renderer (render-project.ts). */
export interface RerenderParts {
  readonly project: LoadedProject;
  /** The environment env_var() reads. */
  readonly env: NodeJS.ProcessEnv;
  /** Set (or clear) what a render with overrides overrides: such a render neither reads nor writes the render cache. */
  setOverrides(o: Overrides | undefined): void;
  readonly host: ProjectHost;
  readonly diagnostics: Diagnostic[];
  readonly jinja: Environment;
  readonly ephemerals: Ephemerals;
  /** A node as loaded. */
  byId(id: string): GraphNode | undefined;
  /** A node as compile rendered it. */
  rendered(id: string): GraphNode | undefined;
  /** Run `fn`, rendering whatever model it waits for first, until it completes. */
  withDeps<T>(fn: () => T): T;
  relationFor(node: GraphNode, config: NodeConfig): Relation;
  renderText(text: string, name: string, frame: Frame, extra?: Record<string, unknown>): string;
  renderTemplate(n: ModelNode | TestNode, frame: Frame): string;
  renderGenericTest(t: TestNode, frame: Frame): string;
}

/**
 * Render again with a live connection what compile could not render without one: a node marked
 * `needsWarehouse` (its SQL; an incremental model's with `incremental: true`), or a hook or
 * operation's text in a node's context (or the root project's). `execute` is true; each
 * statement the template runs goes to the warehouse once, in the template's order (the
 * render is replayed with the answers so far until it completes). Template errors throw, with
 * file and line in the message; warehouse errors throw where the template asked.
 */
export async function renderForExecution(p: RerenderParts, what: ExecutionRender, conn: Connection): Promise<string> {
  const log = new WarehouseLog(true);
  // A try stopped part way leaves `graph` as it found it (packages keep state there).
  const attempt = () => {
    const state = p.host.graphAttempt();
    let stopped = false;
    try {
      return renderLive(p, what, log);
    } catch (e) {
      stopped = e instanceof NeedWarehouse || e instanceof NeedRender;
      throw e;
    } finally {
      state.end(stopped);
    }
  };
  for (;;) {
    log.rewind();
    try {
      return 'overrides' in what && what.overrides ? withOverrides(p, what.overrides, attempt) : p.withDeps(attempt);
    } catch (e) {
      if (!(e instanceof NeedWarehouse)) throw e;
      log.entries.push({ request: e.request, answer: await answer(conn, e.request) });
    }
  }
}

function renderLive(p: RerenderParts, what: ExecutionRender, log: WarehouseLog): string {
  // Each attempt asks from the first question: one stopped by a ref to a model not rendered yet asked some already.
  log.rewind();
  // An on-run hook's operation node is none of the loaded nodes: looking it up would load them on a warm start.
  const node = 'node' in what && what.node ? (isOperationNode(what.node) ? what.node : (p.byId(what.node.uniqueId) ?? what.node)) : inlineNode(p.project.config.name);
  const rendered = p.rendered(node.uniqueId);
  // A hook's text renders in its node's config as compiled (config() in the model's SQL set its
  // schema, say), which this renderer has not rendered when the run hands it the node.
  const config = cloneConfig((rendered ?? ('text' in what && what.node ? what.node : node)).config);
  const frame = newFrame(node, config, 'incremental' in what && !!what.incremental, log);
  if ('batch' in what) frame.batch = what.batch;
  const singularTest = node.resourceType === 'test' && !node.testMetadata;
  frame.relation = singularTest || ('relation' in (rendered ?? node) && node.resourceType !== 'source') ? p.relationFor(node, config) : undefined;
  const before = p.diagnostics.length;
  let sql: string;
  try {
    // A hook's text is trimmed, as dbt's run_hooks trims what it renders.
    if ('text' in what) sql = p.renderText(what.text, what.name, frame, what.context).trim();
    else if (node.resourceType === 'test' && node.testMetadata) sql = p.renderGenericTest(node, frame);
    else if (node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') sql = p.renderTemplate(node, frame);
    else throw new Error(`${node.uniqueId} has no template to render`);
  } catch (e) {
    // As dbt logs them as they come: what the template said before it failed is shown too (a replay that waits for the warehouse says it again later).
    if (!(e instanceof NeedWarehouse || e instanceof NeedRender)) for (const m of frame.said ?? []) what.say?.(m);
    throw e;
  }
  // An ephemeral whose template asked the warehouse is rendered again too, as dbt compiles each ephemeral a node inlines.
  const live = (id: string): string | undefined => {
    const e = p.rendered(id) as ModelNode | undefined;
    if (!e?.needsWarehouse) return undefined;
    const ef = newFrame(e, cloneConfig(e.config), false, log);
    ef.relation = p.relationFor(e, ef.config);
    const bare = p.renderTemplate(e, ef);
    what.ephemeral?.(id, p.ephemerals.inline(undefined, bare, ef.ephemerals, live));
    return bare;
  };
  const out = 'text' in what ? sql : p.ephemerals.inline(undefined, sql, frame.ephemerals, live);
  const problems = p.diagnostics.splice(before);
  for (const m of frame.said ?? []) what.say?.(m);
  if (problems.length) throw new RenderFailure(problems, !('text' in what));
  return out;
}

export type { RenderOverrides } from './render-options.ts';

/**
 * Render a model with `vars`, context names (`macros`, e.g. `is_incremental: true`) and
 * environment variables overridden, for this call only; the model's normal render stays and
 * the render cache is neither read nor written. `askedWarehouse`: the template asked the
 * warehouse (run_query, a statement, ...), so `sql` is what dbt's parse phase renders and the
 * node must be rendered again when it runs. `ephemerals`: SQL that stands in for ephemeral
 * models it inlines (a unit test's rows for an ephemeral input).
 */
export function renderWithOverrides(p: RerenderParts, node: ModelNode, o: RenderOverrides): { sql: string; askedWarehouse: boolean } {
  const base = (p.byId(node.uniqueId) as ModelNode | undefined) ?? node;
  return withOverrides(p, o, () => {
    const frame = newFrame(base, cloneConfig(base.config), !!o.macros?.is_incremental, new WarehouseLog(false));
    frame.relation = p.relationFor(base, frame.config);
    const sql = p.renderTemplate(base, frame);
    return { sql: p.ephemerals.inline(undefined, sql, frame.ephemerals, undefined, o.ephemerals), askedWarehouse: frame.askedWarehouse };
  });
}

/** Run `fn` (rendering what it waits for first) with `o`'s vars, context names and environment variables in force. */
function withOverrides<T>(p: RerenderParts, o: RenderOverrides, fn: () => T): T {
  const env = o.envVars ? { ...p.env, ...Object.fromEntries(Object.entries(o.envVars).map(([k, v]) => [k, String(v)])) } : undefined;
  return p.withDeps(() => {
    p.setOverrides({ vars: o.vars, macros: o.macros, env });
    try {
      return fn();
    } finally {
      p.setOverrides(undefined);
    }
  });
}

/** Render free text (`--inline`) in the root project's context (or package `pkg`'s); `say` is told what it showed (`log(msg, info=True)`). Throws the template's error. */
export function renderInline(p: RerenderParts, text: string, say: ((m: TemplateMessage) => void) | undefined, pkg: string): string {
  return p.withDeps(() => {
    const node = inlineNode(pkg);
    const frame = { ...newFrame(node, {}, false, new WarehouseLog(false)), relation: p.relationFor(node, {}) };
    const sql = parseFallback({ diagnostics: p.diagnostics, env: p.jinja }, frame, () => p.renderText(text, '<inline>', frame));
    for (const m of frame.said ?? []) say?.(m);
    return sql;
  });
}
