import { formatLocation, type Diagnostic } from '../diagnostics.ts';
import type { GraphNode } from '../types.ts';
import type { Command } from './compilation.ts';

/**
 * Errors dbt's parse lets by and reports only when the node is compiled (a macro that is not
 * defined, an unknown generic test, a test without its argument: see `Diagnostic.atCompile`)
 * become the node's `compileError`: a run fails that node and skips what depends on it, and runs
 * the rest, as dbt's does. Returns how many nodes.
 */
export function deferNodeErrors(diagnostics: readonly Diagnostic[], nodes: ReadonlyMap<string, GraphNode>): number {
  let n = 0;
  for (const d of diagnostics) {
    const node = d.atCompile && d.severity === 'error' && d.nodeId ? nodes.get(d.nodeId) : undefined;
    if (!node || node.compileError !== undefined) continue;
    node.compileError = [`${formatLocation(d.location) || node.originalFilePath}: ${d.message}`, d.hint].filter(Boolean).join('\n');
    n++;
  }
  return n;
}

/** An error that is its node's, not the project's: one dbt's parse lets by, or a var with no value. */
export function isNodesOwnError(d: Diagnostic): boolean {
  return d.severity === 'error' && (!!d.atCompile || d.code === 'SM_VAR_MISSING') && !!d.nodeId;
}

/** What compiles its selection for the user to read, and so stops on its nodes' errors (exit 2), as dbt's compile and show do. */
const COMPILING: ReadonlySet<Command> = new Set(['compile', 'show', 'check']);

/** For `compile`, `show` and `check`: the deferred errors of the nodes they selected (a var with no value too), which stop them as a project error (exit 2). */
export function selectedNodeErrors(command: Command, diagnostics: readonly Diagnostic[], selected: ReadonlySet<string>): Diagnostic[] {
  if (!COMPILING.has(command)) return [];
  return diagnostics.filter((d) => isNodesOwnError(d) && selected.has(d.nodeId!));
}
