import { hasTemplate, hookList } from '../project/folder-config.ts';
import type { NodeConfig, RenderedHooks } from '../types.ts';

/**
 * dbt renders a node's hooks when they run. Most read only what compile knows as well (`this`,
 * `config`, `var`, macros), and render the same then as now: compile renders those, so a run
 * hands plain SQL to the plan and never builds a renderer for them (issue 15: compile hands
 * plain data to run). `render` returns undefined for a hook that must wait for execution (it asked
 * the warehouse, read something that changes from run to run, read `execute`, or failed); then
 * none of the node's hooks is rendered here. Incremental models are left to execution (a hook
 * may ask `is_incremental()`, which compile cannot answer). Undefined also when every hook is
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
