import type { ModelNode } from '../types.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';

/** External Parquet models (DuckDB). */
export async function executeExternal(m: ModelNode, _x: NodeContext): Promise<ExecOutcome> {
  throw new Error(`${m.name}: materialized='external' is not available yet`);
}
