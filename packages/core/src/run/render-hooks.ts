import { hasTemplate, type HookConfig } from '../project/folder-config.ts';
import type { RenderBatch } from '../render/frame.ts';
import type { ModelNode } from '../types.ts';
import type { NodeContext } from './node-context.ts';

/**
 * Hooks as a node runs them now: each with template syntax rendered on the node's connection in
 * its context (`is_incremental()`, a microbatch batch's `model.batch`), plain SQL as it is.
 */
export function renderHooks(x: NodeContext, m: ModelNode, list: readonly HookConfig[], kind: 'pre-hook' | 'post-hook', how: { incremental?: boolean; batch?: RenderBatch } = {}): Promise<{ sql: string; transaction: boolean }[]> {
  return Promise.all(list.map(async (h, k) => ({ sql: hasTemplate(h.sql) ? await x.renderLive({ text: h.sql, name: `${kind} ${k + 1}`, node: m, ...how }) : h.sql, transaction: h.transaction })));
}
