import type { ModelNode } from '../types.ts';

/**
 * Whether a node is rebuilt from scratch: its `full_refresh` config when it sets one (dbt's
 * `full_refresh: false` protects a table that cannot be rebuilt, even under --full-refresh),
 * else the `--full-refresh` flag. The one place this rule is written.
 */
export function wantsFullRefresh(node: Pick<ModelNode, 'config'>, flag: boolean): boolean {
  const fr = node.config.full_refresh;
  return typeof fr === 'boolean' ? fr : flag;
}
