import type { ModelNode } from '../types.ts';

/** The SQL compile rendered with `is_incremental()` true; a model compiled without it cannot run incrementally. */
export function incrementalSqlOf(m: ModelNode): string {
  if (m.incrementalCode === undefined) throw new Error(`${m.name} (${m.originalFilePath}) was compiled without its incremental SQL; compile it again (sm compile) and rerun.`);
  return m.incrementalCode;
}
