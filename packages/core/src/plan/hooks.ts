import type { Capabilities } from '../adapter.ts';
import { hookList, type HookConfig } from '../project/folder-config.ts';
import type { NodeConfig } from '../types.ts';
import type { Plan, Step } from './step.ts';

/**
 * A node's plan with its hooks, in dbt's order: pre-hooks with `transaction: false`
 * (before_begin) before the transaction opens, the others inside it before the node's
 * statements, post-hooks inside it after them, and those with `transaction: false`
 * (after_commit) after it commits. In-transaction hooks make the plan one transaction where the
 * warehouse has transactional DDL, so a failing post-hook leaves the old relation, as in dbt.
 */
export function withHooks(plan: Plan, config: NodeConfig, capabilities: Capabilities): Plan {
  const pre = hookList(config['pre-hook']);
  const post = hookList(config['post-hook']);
  if (!pre.length && !post.length) return plan;
  const steps = (hooks: HookConfig[], name: string, inside: boolean): Step[] => hooks.flatMap((h, i) => (h.transaction === inside ? hookSteps(h.sql, `${name} ${i + 1}`) : []));
  const inside = pre.some((h) => h.transaction) || post.some((h) => h.transaction);
  return {
    before: [...(plan.before ?? []), ...steps(pre, 'pre-hook', false)],
    steps: [...steps(pre, 'pre-hook', true), ...plan.steps, ...steps(post, 'post-hook', true)],
    after: [...steps(post, 'post-hook', false), ...(plan.after ?? [])],
    transaction: plan.transaction || (inside && capabilities.supportsTransactionalDdl),
    cleanup: plan.cleanup,
  };
}

/**
 * Plain SQL runs as it is; only a hook with template syntax waits for the execution renderer
 * (which loads the project and the template engine on first use: issue 15's exception).
 */
export function hookSteps(sql: string, name: string): Step[] {
  if (/\{[{%#]/.test(sql)) return [{ kind: 'hook', template: sql, name }];
  return sql.trim() ? [{ kind: 'sql', sql: sql.trim() }] : [];
}
