import type { Diagnostic } from '../diagnostics.ts';
import type { Environment } from '../jinja/environment.ts';
import { ControlSignal } from '../jinja/errors.ts';
import type { Relation } from '../adapter.ts';
import type { GraphNode } from '../types.ts';
import { newFrame, type Frame } from './frame.ts';
import { cloneConfig } from './render-parts.ts';
import { templateDiagnostic } from './template-diagnostic.ts';
import { NoWarehouse, WarehouseLog } from './warehouse.ts';

/** What a parse-phase fallback needs of the renderer. */
interface Renderer {
  readonly diagnostics: Diagnostic[];
  readonly env: Environment;
}

/**
 * Run a render; if its template asks the warehouse and there is none, run it again as dbt's
 * parse phase renders (`execute` false, lenient undefined), and mark the frame. A render that
 * failed after reading `execute` (an error raised under `{% if execute %}`) is run again with
 * `execute` false too: when that succeeds, dbt parses the node and fails it only when it runs,
 * so it is marked the same way and its error is the node's at execution, not the project's.
 * The same for a microbatch model that read `model.batch`, which only a batch's render has, and
 * for a render that failed on an undefined name, attribute or call (a macro not installed, a typo):
 * dbt's parse captures those, so only a command that compiles the node fails, and a run of other
 * models goes on.
 */
export function parseFallback<T>(r: Renderer, frame: Frame, fn: () => T): T {
  const config = cloneConfig(frame.config);
  const refs = [...frame.refs];
  const refCalls = frame.refCalls.slice();
  const sourceCalls = frame.sourceCalls.slice();
  const missing = frame.missing?.slice();
  const configCall = frame.configCall && { ...frame.configCall };
  const before = r.diagnostics.length;
  const asParsed = () => {
    frame.config = cloneConfig(config);
    frame.refs = new Set(refs);
    frame.refCalls = refCalls.slice();
    frame.sourceCalls = sourceCalls.slice();
    frame.missing = missing?.slice();
    // The replay's config() calls are recorded again, not added to the first render's.
    frame.configCall = configCall && { ...configCall };
    frame.ephemerals = new Set();
    frame.execute = false;
    frame.askedWarehouse = true;
    frame.volatile = true;
  };
  let out: T;
  try {
    out = fn();
  } catch (e) {
    if (e instanceof NoWarehouse) {
      r.diagnostics.length = before;
      asParsed();
      return r.env.lenient(fn);
    }
    if (e instanceof ControlSignal || !(frame.readExecute || frame.readBatch)) throw e;
    const parsed = parsedInstead(r, frame, fn, before, asParsed);
    if (parsed.ok) return parsed.value;
    throw e;
  }
  if (r.diagnostics.length === before || !(frame.readExecute || frame.readBatch || frame.failedUndefined)) return out;
  const failed = r.diagnostics.slice(before);
  const undefinedFailure = frame.failedUndefined;
  const parsed = parsedInstead(r, frame, fn, before, asParsed);
  if (parsed.ok) {
    // dbt's parse let it by; compiling or running the node fails it.
    if (undefinedFailure) r.diagnostics.push(...failed.map((d) => ({ ...d, atCompile: true })));
    return parsed.value;
  }
  r.diagnostics.length = before;
  r.diagnostics.push(...failed);
  return out;
}

/** The render as dbt's parse phase runs it, if it completes without an error. */
function parsedInstead<T>(r: Renderer, frame: Frame, fn: () => T, before: number, asParsed: () => void): { ok: true; value: T } | { ok: false } {
  r.diagnostics.length = before;
  asParsed();
  try {
    // A template that read model.batch reads it as parse does, where it is undefined and lenient;
    // so does one that failed on an undefined name (dbt's parse lets `{{ nope() }}` by).
    const value = frame.readBatch || frame.failedUndefined ? r.env.lenient(fn) : fn();
    return r.diagnostics.length === before ? { ok: true, value } : { ok: false };
  } catch (e) {
    if (e instanceof ControlSignal) throw e;
    return { ok: false };
  }
}

/**
 * A render's failure as the node's diagnostic, the frame marked when it was an undefined name,
 * attribute or call (which {@link parseFallback} then renders again as dbt's parse does).
 */
export function renderFailure(frame: Frame, e: unknown, file: string, nodeId: string): Diagnostic {
  if (causedByUndefined(e)) frame.failedUndefined = true;
  return templateDiagnostic(e, file, nodeId);
}

/** Whether a render failed on an undefined value (the error, or one it was raised from). */
function causedByUndefined(e: unknown): boolean {
  for (let x = e, depth = 0; x instanceof Error && depth < 20; x = (x as { cause?: unknown }).cause, depth++) {
    if ((x as { kind?: string }).kind === 'UndefinedError') return true;
  }
  return false;
}

/**
 * The nodes a render refs when run as dbt's parse runs it (`execute` false, undefined lenient,
 * `config.get()` answering ''), which is what dbt's depends_on lists. It differs from the real
 * render's refs when the template branches on its config: dbt-unit-testing's `ref` override calls
 * `builtins.ref` only when `config.get('tags')` lacks 'unit-test', which at parse it always does,
 * so dbt makes each unit test depend on the model it tests.
 */
export function parsedRefs(r: Renderer, node: GraphNode, relation: Relation | undefined, render: (frame: Frame) => unknown): string[] {
  const frame = newFrame(node, cloneConfig(node.config), false, new WarehouseLog(false));
  frame.relation = relation;
  frame.execute = false;
  frame.parsing = true;
  const before = r.diagnostics.length;
  try {
    r.env.lenient(() => render(frame));
  } catch (e) {
    if (e instanceof ControlSignal) throw e;
  }
  r.diagnostics.length = before;
  return [...frame.refs];
}
