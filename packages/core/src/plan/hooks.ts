import type { Capabilities } from '../adapter.ts';
import { hasTemplate, hookList } from '../project/folder-config.ts';
import type { NodeConfig, RenderedHooks } from '../types.ts';
import type { Plan, Step } from './step.ts';

/**
 * A node's plan with its hooks, in dbt's order: pre-hooks with `transaction: false`
 * (before_begin) before the transaction opens, the others inside it before the node's
 * statements, post-hooks inside it after them, and those with `transaction: false`
 * (after_commit) after it commits. In-transaction hooks make the plan one transaction where the
 * warehouse has transactional DDL, so a failing post-hook leaves the old relation, as in dbt.
 */
export function withHooks(plan: Plan, hooks: NodeHooks, capabilities: Capabilities): Plan {
  const { pre, post } = hooks;
  if (!pre.length && !post.length) return plan;
  const steps = (list: NodeHooks['pre'], name: string, inside: boolean): Step[] =>
    list.flatMap((h, i) => (h.transaction === inside ? (hooks.rendered ? (h.sql.trim() ? [{ kind: 'sql', sql: h.sql.trim() } as const] : []) : hookSteps(h.sql, `${name} ${i + 1}`)) : []));
  const inside = pre.some((h) => h.transaction) || post.some((h) => h.transaction);
  return {
    before: [...(plan.before ?? []), ...steps(pre, 'pre-hook', false)],
    steps: [...steps(pre, 'pre-hook', true), ...plan.steps, ...steps(post, 'post-hook', true)],
    after: [...steps(post, 'post-hook', false), ...(plan.after ?? [])],
    transaction: plan.transaction || (inside && capabilities.supportsTransactionalDdl),
    cleanup: plan.cleanup,
    recover: plan.recover,
  };
}

/** A node's hooks as a plan takes them: as compile rendered them (`rendered`), or as written. */
export interface NodeHooks extends RenderedHooks {
  readonly rendered: boolean;
}

/** The hooks of a node: compile's rendering when it made one, else its config's (rendered as they run). */
export function nodeHooks(node: { readonly config: NodeConfig; readonly renderedHooks?: RenderedHooks | undefined }): NodeHooks {
  if (node.renderedHooks) return { ...node.renderedHooks, rendered: true };
  return { pre: hookList(node.config['pre-hook']), post: hookList(node.config['post-hook']), rendered: false };
}

/**
 * Plain SQL runs as it is; only a hook with template syntax waits for the execution renderer
 * (which loads the project and the template engine on first use: issue 15's exception).
 */
export function hookSteps(sql: string, name: string): Step[] {
  if (hasTemplate(sql)) return [{ kind: 'hook', template: sql, name }];
  return sql.trim() ? [{ kind: 'sql', sql: sql.trim() }] : [];
}
