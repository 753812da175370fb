import type { Connection } from '../adapter.ts';
import type { GraphNode, TemplateMessage } from '../types.ts';
import type { RenderBatch } from './frame.ts';
import type { RenderOverrides } from './render-options.ts';
import type { WarehouseAnswer, WarehouseRequest } from './warehouse.ts';

/**
 * What execution asks the renderer to render with a live connection
 * (`ProjectRenderer.renderForExecution`):
 * - `{ node }`: a node compile marked `needsWarehouse` (its template asked the warehouse), with a unit
 *   test's `overrides` (vars, macros, env_vars) when given;
 *   `incremental: true` for an incremental model's incremental SQL; `batch` for one batch of a
 *   microbatch model (`model.batch`, refs filtered to its event time);
 * - `{ text, name }`: a hook (`pre_hook`, `on-run-start`, ...) or an operation's text, in the
 *   context of `node` when given (this, config, model), else in the root project's; `context`
 *   adds names (on-run-end's `results`, `schemas`, `database_schemas`; an operation's arguments);
 *   `incremental: true` for the hooks of a node that runs incrementally (`is_incremental()`).
 */
export type ExecutionRender = (
  | { node: GraphNode; incremental?: boolean | undefined; batch?: RenderBatch | undefined; overrides?: RenderOverrides | undefined }
  | { text: string; name: string; node?: GraphNode | undefined; context?: Record<string, unknown> | undefined; incremental?: boolean | undefined; batch?: RenderBatch | undefined }
) & {
  /** Shown what the template said (`log(msg, info=True)`, `print(msg)`), once, when the render completes. */
  say?: ((m: TemplateMessage) => void) | undefined;
  /** Told the SQL of each ephemeral model the node inlines that was rendered again with the warehouse. */
  ephemeral?: ((id: string, sql: string) => void) | undefined;
};

/** Ask the warehouse; its error becomes an answer too, raised where the template asked. */
export async function answer(conn: Connection, r: WarehouseRequest): Promise<WarehouseAnswer> {
  try {
    if (r.kind === 'describe') return { kind: 'describe', relations: await conn.describe(r.schema, r.database, undefined, r.quoted) };
    const res = await conn.execute(r.sql);
    return { kind: 'query', columns: [...res.columns], rows: res.rows.map((row) => res.columns.map((c) => row[c])), rowsAffected: res.rowsAffected, types: res.types };
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}
