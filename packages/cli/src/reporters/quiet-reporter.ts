import type { NodeStatus } from '@smsql/core';
import type { Reporter } from './reporter.ts';

const FAILED: ReadonlySet<NodeStatus> = new Set(['error', 'fail', 'partial success']);

/**
 * dbt's `--quiet`: errors only. What a command prints as its result (ls's list, show's rows,
 * compile --inline's SQL) still prints, as with dbt; so do a failed run's node and summary lines,
 * and what templates `print()` (dbt's PrintEvent; `log(msg, info=True)` is quiet).
 */
export function quietReporter(r: Reporter): Reporter {
  return {
    onOutput: r.onOutput?.bind(r),
    onError: r.onError?.bind(r),
    onDiagnostics: (ds) => {
      const errors = ds.filter((d) => d.severity === 'error');
      if (errors.length) r.onDiagnostics?.(errors);
    },
    onEvent: (e) => {
      if (e.type === 'node_finish' && FAILED.has(e.result.status)) r.onEvent?.(e);
      else if (e.type === 'run_end' && e.results.some((x) => FAILED.has(x.status))) r.onEvent?.(e);
      else if (e.type === 'log' && (e.level === 'error' || e.print)) r.onEvent?.(e);
    },
  };
}

/** dbt's `--no-print` (DBT_PRINT=false): what templates `print()` is not shown. */
export function withoutPrint(r: Reporter): Reporter {
  return {
    ...(r.onOutput ? { onOutput: r.onOutput.bind(r) } : {}),
    ...(r.onError ? { onError: r.onError.bind(r) } : {}),
    ...(r.onDiagnostics ? { onDiagnostics: r.onDiagnostics.bind(r) } : {}),
    onEvent: (e) => {
      if (!(e.type === 'log' && e.print)) r.onEvent?.(e);
    },
  };
}
