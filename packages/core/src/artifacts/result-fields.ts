import type { NodeResult } from '../events.ts';
import { microsIso } from './invocation.ts';

export interface Timing {
  name: 'compile' | 'execute';
  started_at: string;
  completed_at: string;
}

/**
 * A result's timings as dbt 1.11 records them: none for a node that never started (skipped), the
 * compile step alone for one whose own template failed, else compile then execute.
 */
export function resultTiming(r: NodeResult): Timing[] {
  if (r.skipCause) return [];
  const [start, end] = [microsIso(r.startedAt), microsIso(r.completedAt)];
  const compile: Timing = { name: 'compile', started_at: start, completed_at: r.failure?.compileStep ? end : start };
  if (r.failure?.compileStep) return [compile];
  return [compile, { name: 'execute', started_at: start, completed_at: end }];
}

/**
 * A result's message as dbt 1.11 writes it: none for a passing test or a node skipped for an
 * upstream failure; dbt's words for --fail-fast; a failure as "<kind> in <type> <name> (<file>)"
 * with its detail indented under it; otherwise what sm said.
 */
export function resultMessage(r: NodeResult): string | null {
  if (r.status === 'pass' || r.skipCause === 'upstream') return null;
  if (r.skipCause === 'fail-fast') return 'Skipping due to fail_fast';
  const f = r.failure;
  if (f && r.status === 'error') return `${f.kind} in ${r.resourceType} ${r.name} (${f.file})\n${f.detail.split('\n').map((l) => `  ${l}`).join('\n')}`;
  return r.message;
}
