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
  let msg = String(err?.message ?? e);
  if (!userMessage) msg = `${syntax ? 'Template syntax error' : 'Template error'}: ${msg}`;
  if (loc?.macro && loc.macro !== 'caller') msg += ` (in macro ${loc.macro})`;
  const caller = err?.trace?.find((t) => t.file === file) ?? err?.trace?.[err.trace.length - 1];
  if (loc && caller && loc.file !== file) msg += `, called from ${caller.file}:${caller.line}`;
  return diag(c, msg, loc ? { file: loc.file, line: loc.line, column: loc.column } : { file }, {
    nodeId,
    hint: syntax ? 'Check the Jinja at that line: every {% if %}/{% for %}/{% macro %} needs its end tag, and {{ }} must be balanced.' : undefined,
    cause: e,
  });
}
