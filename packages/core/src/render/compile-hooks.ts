import type { Relation } from '../adapter.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { hasTemplate, hookList } from '../project/folder-config.ts';
import type { ModelNode, NodeConfig, RenderedHooks, SeedNode } from '../types.ts';
import { NeedRender, newFrame, type Frame } from './frame.ts';
import { cloneConfig } from './render-parts.ts';
import { WarehouseLog } from './warehouse.ts';

/** The renderer's side of rendering hooks at compile: its diagnostics, its render, and the renders kept. */
export interface HookRendering {
  readonly diagnostics: Diagnostic[];
  /** One render of one hook of one node ({@link hookKey}): the SQL, or undefined when it must wait for execution. */
  readonly renders: Map<string, string | undefined>;
  render(text: string, name: string, frame: Frame): string;
}

/**
 * dbt renders a node's hooks when they run. Most read only what compile knows as well (`this`,
 * `config`, `var`, macros), and render the same then as now: compile renders those, so a run
 * hands plain SQL to the plan and never builds a renderer for them (issue 15: compile hands
 * plain data to run). `render` returns undefined for a hook that must wait for execution (it asked
 * the warehouse, read something that changes from run to run, read `execute`, called
 * `is_incremental()`, whose answer is known only when the node runs, or failed); then none of the
 * node's hooks is rendered here. Incremental models are left to execution too. Undefined also when every hook is
 * plain SQL: nothing to render.
 */
export function compileHooks(config: NodeConfig, render: (text: string, name: string) => string | undefined): RenderedHooks | undefined {
  const pre = hookList(config['pre-hook']);
  const post = hookList(config['post-hook']);
  if (config.materialized === 'incremental' || config.materialized === 'ephemeral' || (!pre.some((h) => hasTemplate(h.sql)) && !post.some((h) => hasTemplate(h.sql)))) return undefined;
  const rendered = (list: typeof pre, kind: string): RenderedHooks['pre'] | undefined => {
    const out: { sql: string; transaction: boolean }[] = [];
    for (const [i, h] of list.entries()) {
      const sql = hasTemplate(h.sql) ? render(h.sql, `${kind} ${i + 1}`) : h.sql;
      if (sql === undefined) return undefined;
      out.push({ sql: sql.trim(), transaction: h.transaction });
    }
    return out;
  };
  const before = rendered(pre, 'pre-hook');
  const after = before && rendered(post, 'post-hook');
  return before && after ? { pre: before, post: after } : undefined;
}

/** The key under which one render of one of a node's hooks is kept (its name, e.g. `post-hook 2`, and its text). */
export function hookKey(nodeId: string, name: string, text: string): string {
  return `${nodeId}\u0000${name}\u0000${text}`;
}

/**
 * What a node's hooks ref and source, found as dbt finds them at parse (it renders each hook in
 * the node's context): they are the node's dependencies too, so a post-hook that writes to
 * another model runs after that model is built, and a ref to a model that does not exist is an
 * error now rather than when the hook runs. A ref to a model not rendered yet stops the render
 * (when `wait`); any other failure is left to the hook's render at execution. Each render is
 * kept for {@link staticHook}, which would render the same text in the same context again.
 */
export function hookDeps(h: HookRendering, node: ModelNode | SeedNode, config: NodeConfig, relation: Relation, wait: boolean): string[] {
  const found = new Set<string>();
  for (const [kind, list] of [['pre-hook', hookList(config['pre-hook'])], ['post-hook', hookList(config['post-hook'])]] as const) {
    for (const [i, hook] of list.entries()) {
      if (!hasTemplate(hook.sql)) continue;
      const frame = newFrame(node, cloneConfig(config), false, new WarehouseLog(false));
      frame.relation = relation;
      const before = h.diagnostics.length;
      let sql: string | undefined;
      try {
        sql = h.render(hook.sql, `${kind} ${i + 1}`, frame);
      } catch (e) {
        if (wait && e instanceof NeedRender) throw e;
      } finally {
        // Only a ref or source that names nothing is the project's error now; the rest waits for execution.
        const said = h.diagnostics.splice(before);
        h.diagnostics.push(...said.filter((d) => d.code === 'SM_REF_NOT_FOUND' || d.code === 'SM_SOURCE_NOT_FOUND'));
        const clean = said.length === 0 && !frame.askedWarehouse && !frame.volatile && !frame.readExecute && !frame.readIncremental;
        h.renders.set(hookKey(node.uniqueId, `${kind} ${i + 1}`, hook.sql), clean ? sql : undefined);
      }
      for (const id of frame.refs) if (id !== node.uniqueId) found.add(id);
    }
  }
  return [...found];
}

/** A hook rendered in its node's context as it will render when it runs, or undefined ({@link compileHooks}). */
export function staticHook(h: HookRendering, node: ModelNode | SeedNode, text: string, name: string): string | undefined {
  const key = hookKey(node.uniqueId, name, text);
  if (h.renders.has(key)) return h.renders.get(key);
  const frame = newFrame(node, cloneConfig(node.config), false, new WarehouseLog(false));
  frame.relation = node.relation;
  const before = h.diagnostics.length;
  try {
    const sql = h.render(text, name, frame);
    return frame.askedWarehouse || frame.volatile || frame.readExecute || frame.readIncremental || h.diagnostics.length > before ? undefined : sql;
  } catch {
    return undefined;
  } finally {
    h.diagnostics.length = before;
  }
}
