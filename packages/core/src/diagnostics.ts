/**
 * Compile problems are collected as diagnostics, not thrown one at a time. Each has a
 * stable `code`, a location, a message saying what to do, and an optional cause.
 */
import type { SourceLocation } from './types.ts';

export type DiagnosticCode =
  | 'SM_PROJECT_NOT_FOUND'
  | 'SM_PROJECT_INVALID'
  | 'SM_PROFILE_NOT_FOUND'
  | 'SM_PROFILE_INVALID'
  | 'SM_ENV_VAR_MISSING'
  | 'SM_YAML'
  | 'SM_SCHEMA_YAML'
  | 'SM_TEMPLATE_SYNTAX'
  | 'SM_TEMPLATE_RENDER'
  | 'SM_REF_NOT_FOUND'
  | 'SM_SOURCE_NOT_FOUND'
  | 'SM_VAR_MISSING'
  | 'SM_DUPLICATE_NODE'
  | 'SM_PYTHON_MODEL'
  | 'SM_CYCLE'
  | 'SM_CONFIG_INVALID'
  | 'SM_SELECTOR_INVALID'
  | 'SM_SELECTION_EMPTY'
  | 'SM_TEST_INVALID'
  | 'SM_SEED_INVALID'
  | 'SM_ADAPTER_NOT_FOUND'
  | 'SM_USAGE'
  | 'SM_STATE_NOT_FOUND'
  | (string & {});

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly location?: SourceLocation | undefined;
  /** The node the problem belongs to, when there is one. */
  readonly nodeId?: string | undefined;
  readonly hint?: string | undefined;
  readonly cause?: unknown;
  /** A warning's dbt event (NoNodesForSelectionCriteria, ...), which warn_error_options name; default its code (warn-error.ts). */
  readonly event?: string | undefined;
  /** That event's `data` as dbt logs it (`{spec_raw}` of NoNodesForSelectionCriteria), for the JSON log; an error's, what it is about (`{var_name}`). */
  readonly eventData?: Readonly<Record<string, unknown>> | undefined;
  /**
   * The node's own error, which dbt reports only when the node is compiled or run (its parse lets
   * it by: an undefined macro, an unknown generic test): it fails that node, and stops `compile`
   * and `show` only when they select it (compile/node-errors.ts).
   */
  readonly atCompile?: boolean | undefined;
}

/** Thrown by the library API when a phase cannot continue; carries every diagnostic collected so far. */
export class SmProjectError extends Error {
  readonly kind = 'SmProjectError';
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'SmProjectError';
    this.diagnostics = diagnostics;
  }
}

export function isSmProjectError(e: unknown): e is SmProjectError {
  return typeof e === 'object' && e !== null && (e as { kind?: unknown }).kind === 'SmProjectError';
}

export function diag(
  code: DiagnosticCode,
  message: string,
  location?: SourceLocation,
  extra: Partial<Pick<Diagnostic, 'nodeId' | 'hint' | 'cause' | 'severity' | 'event' | 'eventData' | 'atCompile'>> = {},
): Diagnostic {
  const d: Diagnostic = { code, severity: extra.severity ?? 'error', message, location, nodeId: extra.nodeId, hint: extra.hint, cause: extra.cause, ...(extra.atCompile ? { atCompile: true } : {}) };
  return extra.event === undefined && !extra.eventData ? d : { ...d, ...(extra.event === undefined ? {} : { event: extra.event }), ...(extra.eventData ? { eventData: extra.eventData } : {}) };
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  return s;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = formatLocation(d.location);
  const head = `${d.severity === 'warning' ? 'warning' : 'error'} ${d.code}${where ? ` at ${where}` : ''}: ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

/** Close names for "did you mean" hints: Damerau-free Levenshtein, best three within a distance budget. */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const scored: [number, string][] = [];
  const budget = Math.max(2, Math.floor(name.length / 3));
  for (const c of candidates) {
    const d = levenshtein(name.toLowerCase(), c.toLowerCase());
    if (d <= budget || c.includes(name) || name.includes(c)) scored.push([d, c]);
  }
  return scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])).slice(0, max).map((s) => s[1]);
}

function levenshtein(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagPrev = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diagPrev + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagPrev = tmp;
    }
  }
  return prev[b.length]!;
}
