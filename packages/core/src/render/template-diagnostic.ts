import { diag, type Diagnostic } from '../diagnostics.ts';
import type { TemplateLocation } from '../jinja/errors.ts';

/** Raised by `exceptions.raise_compiler_error()` and by sm's own template functions: the message is the user's. */
export class CompilerError extends Error {
  readonly kind = 'CompilerError';
}

/**
 * A template error as a diagnostic: a syntax error with where it is; a render error with where
 * it happened (the innermost template, e.g. a macro's file) and, when that is not the node's
 * own file, which line of the node called it.
 */
export function templateDiagnostic(e: unknown, file: string, nodeId: string | undefined, code?: 'SM_TEMPLATE_SYNTAX' | 'SM_TEMPLATE_RENDER'): Diagnostic {
  const err = e as { kind?: string; message?: string; location?: TemplateLocation; trace?: TemplateLocation[]; cause?: unknown; causeKind?: string };
  const syntax = err?.kind === 'TemplateSyntaxError';
  const c = code ?? (syntax ? 'SM_TEMPLATE_SYNTAX' : 'SM_TEMPLATE_RENDER');
  const loc = err?.location;
  const userMessage = err?.causeKind === 'CompilerError' || err?.kind === 'CompilerError';
  const caller = err?.trace?.find((t) => t.file === file) ?? err?.trace?.[err.trace.length - 1];
  let msg = String(err?.message ?? e);
  // The warehouse refused a statement the template ran: its message, at the line of the node's
  // own file that led to it (not inside the macro that sent it, often one of sm's own).
  if (fromWarehouse(e)) {
    const at = err?.trace?.find((t) => t.file === file) ?? (loc?.file === file ? loc : undefined);
    return diag(c, msg, at ? { file: at.file, line: at.line, column: at.column } : loc ? { file: loc.file, line: loc.line, column: loc.column } : { file }, { nodeId, cause: e });
  }
  if (!userMessage) msg = `${syntax ? 'Template syntax error' : 'Template error'}: ${msg}`;
  if (loc?.macro && loc.macro !== 'caller') msg += ` (in macro ${loc.macro})`;
  if (loc && caller && loc.file !== file) msg += `, called from ${caller.file}:${caller.line}`;
  return diag(c, msg, loc ? { file: loc.file, line: loc.line, column: loc.column } : { file }, {
    nodeId,
    hint: syntax ? syntaxHint(msg) : runtimeHint(msg),
    cause: e,
  });
}

/** What to do about a syntax error: a tag dbt's Jinja has no loader for is no unbalanced block (the usual hint sent people looking for a missing end tag). */
function syntaxHint(msg: string): string {
  if (/\{% \w+ %\} is not supported: dbt templates have no template loader/.test(msg)) return 'Put the shared SQL in a macro under macros/ ({% macro name() %}...{% endmacro %}) and call it as {{ name() }}.';
  return 'Check the Jinja at that line: every {% if %}/{% for %}/{% macro %} needs its end tag, and {{ }} must be balanced.';
}

/** What JavaScript's own limits mean for a template (its message alone names neither cause nor fix). */
function runtimeHint(msg: string): string | undefined {
  if (msg.includes('Maximum call stack size exceeded')) return 'A macro calls itself without end (or templates nest too deeply): give the recursion a condition that stops it.';
  if (msg.includes('Invalid string length')) return 'The rendered text grew past the longest string sm can hold (about 512 MB): a loop, or a string multiplied, writes too much.';
  return undefined;
}

/** Whether a template error is the warehouse refusing a statement the template ran (run_query, statement, adapter.*). */
export function fromWarehouse(e: unknown): boolean {
  const k = (e as { causeKind?: string; kind?: string } | undefined)?.causeKind ?? (e as { kind?: string } | undefined)?.kind;
  return k === 'WarehouseQueryError' || k === 'WarehouseError';
}

/**
 * A render at execution failed. `message` says where as sm does (file:line: what); `detail` is
 * what dbt's run_results.json says after its "... Error in model x (path)" line: the warehouse's
 * message when it refused a statement, the template's own message (`raise_compiler_error`'s text)
 * otherwise. `ownSql`: the node's SQL failed to render (dbt's compile step), not a hook's text.
 */
export class RenderFailure extends Error {
  readonly kind = 'RenderFailure';
  readonly problems: readonly Diagnostic[];
  readonly ownSql: boolean;
  constructor(problems: readonly Diagnostic[], ownSql: boolean) {
    super(problems.map((d) => `${d.location ? `${d.location.file}:${d.location.line ?? ''}: ` : ''}${d.message}`).join('\n'));
    this.problems = problems;
    this.ownSql = ownSql;
  }

  /** Whether the warehouse refused a statement the template ran. */
  get fromWarehouse(): boolean {
    return this.problems.some((d) => fromWarehouse(d.cause));
  }

  get detail(): string {
    return this.problems
      .map((d) => {
        const c = d.cause as { message?: string; cause?: { message?: string }; causeKind?: string } | undefined;
        if (fromWarehouse(c) || c?.causeKind === 'CompilerError') return String(c?.cause?.message ?? c?.message ?? d.message);
        return d.message;
      })
      .join('\n');
  }
}
