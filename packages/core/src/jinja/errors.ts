/**
 * Errors of the template engine. Each carries the template it happened in and a source offset,
 * turned into a 1-based line and column on demand (so the hot path never counts lines).
 */

/** A template as the engine knows it: its name (a project-relative path) and normalised source. */
export interface TemplateSource {
  readonly file: string;
  readonly source: string;
}

/** Where in which template: 1-based line and column. */
export interface TemplateLocation {
  file: string;
  line: number;
  column: number;
  /** The macro the error happened in, when it happened in one. */
  macro?: string | undefined;
}

export function locate(t: TemplateSource, pos: number): TemplateLocation {
  const src = t.source;
  let line = 1;
  let lineStart = 0;
  const end = Math.min(pos, src.length);
  for (let i = src.indexOf('\n'); i !== -1 && i < end; i = src.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file: t.file, line, column: end - lineStart + 1 };
}

/** The template does not parse: an unknown tag, an unclosed block, a bad expression. */
export class TemplateSyntaxError extends Error {
  readonly kind = 'TemplateSyntaxError';
  readonly location: TemplateLocation;
  constructor(message: string, t: TemplateSource, pos: number) {
    super(message);
    this.name = 'TemplateSyntaxError';
    this.location = locate(t, pos);
  }
}

/**
 * A template failed while rendering. `location` is where it failed (the innermost template);
 * `trace` lists the callers outward, e.g. the model that called the macro that failed.
 */
export class TemplateRuntimeError extends Error {
  readonly kind = 'TemplateRuntimeError';
  location: TemplateLocation | undefined;
  readonly trace: TemplateLocation[] = [];
  override readonly cause: unknown;
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'TemplateRuntimeError';
    this.cause = cause;
  }
}

/**
 * Thrown values that are control flow, not failures: `return()`, a render waiting for a
 * warehouse answer, a model waiting for a ref to render. Template frames pass them through untouched.
 */
export class ControlSignal {
  readonly isControlSignal = true;
}

/** `{{ return(x) }}` reached through a path the compiler could not turn into a plain `return`. */
export class ReturnSignal extends ControlSignal {
  readonly value: unknown;
  constructor(value: unknown) {
    super();
    this.value = value;
  }
}

/**
 * Attach the template position to an error leaving a compiled function. The innermost frame
 * sets `location`; outer frames add themselves to `trace`. Control signals pass through.
 */
export function annotate(e: unknown, t: TemplateSource, pos: number, macro: string | undefined): unknown {
  if (e instanceof ControlSignal) return e;
  let err: TemplateRuntimeError;
  if (e instanceof TemplateRuntimeError) err = e;
  else if (e instanceof TemplateSyntaxError) return e;
  else {
    const msg = e instanceof Error ? e.message : String(e);
    err = new TemplateRuntimeError(msg, e);
    if (e && typeof e === 'object' && 'kind' in e) (err as { causeKind?: unknown }).causeKind = (e as { kind: unknown }).kind;
  }
  const here = { ...locate(t, pos), macro };
  if (!err.location) err.location = here;
  else err.trace.push(here);
  return err;
}
