import { newInvocationId } from '../artifacts/invocation.ts';
import { join } from 'node:path';
import { diag, SmProjectError } from '../diagnostics.ts';
import { templateSaid, type EventSink, type NodeResult } from '../events.ts';
import { buildRunResults } from '../artifacts/run-results.ts';
import { runArgs } from '../artifacts/run-args.ts';
import { writeJsonFileAtomic } from '../util/write-json.ts';
import { makeDirs } from '../util/make-dirs.ts';
import { loadProjectCollecting, type LoadOptions } from '../project/load-project.ts';
import { nodesOnDemand, warmProject } from '../compile/warm-start.ts';
import { ProjectRenderer } from '../render/render-project.ts';
import { operationNode } from '../render/render-parts.ts';
import { RenderCache } from '../render/render-cache.ts';
import { INTERNAL_PACKAGE } from '../render/macro-namespaces.ts';
import type { AdapterFactory } from '../adapter.ts';
import { redact } from '../util/redact.ts';

export interface OperationOptions extends LoadOptions {
  readonly adapters: Readonly<Record<string, AdapterFactory>>;
  /** `macro` or `package.macro`, as `sm run-operation` takes it. */
  readonly macro: string;
  /** Keyword arguments of the call (`--args`), default none. */
  readonly args?: Readonly<Record<string, unknown>> | undefined;
  /** The invocation's id in run_results.json (the CLI's, which its JSON log names). Default: a new one. */
  readonly invocationId?: string | undefined;
  /** Receives `log` events: what the macro said (`log(msg, info=True)`, `print`). */
  readonly onEvent?: EventSink | undefined;
  readonly signal?: AbortSignal | undefined;
  /** What only the command line knows of run_results.json's args (artifacts/run-args.ts). */
  readonly cliArgs?: Readonly<Record<string, unknown>> | undefined;
}

export interface OperationOutcome {
  status: 'success' | 'failure';
  result: NodeResult;
  /** The error's text, as dbt prints it after "Encountered an error while running operation: ". */
  error?: string | undefined;
}

/**
 * dbt's run-operation: call one macro with keyword arguments, `execute` true, on one connection
 * of the target; what it renders is discarded (dbt runs only the statements the macro runs
 * itself). No node is rendered unless the macro refs it, no project hook runs. A macro that is
 * not defined is a project error (exit 2, as dbt); a macro that raises or whose statement fails
 * is a failed operation (exit 1). Writes run_results.json with one result, `macro.<pkg>.<name>`.
 */
export async function runOperation(o: OperationOptions): Promise<OperationOutcome> {
  // The invocation begins before the project is read, as dbt's invocation_started_at does.
  const invocationId = newInvocationId(o.invocationId);
  const startedAt = new Date();
  // Unchanged since the last compile: its macros, vars and target, the nodes loaded only if the macro reads them (ref, source, graph).
  const warm = o.noCache ? undefined : warmProject(o);
  const project = warm ? nodesOnDemand(warm, () => loadProjectCollecting(o)) : loadProjectCollecting(o);
  const factory = o.adapters[project.target.type];
  if (!factory) throw new SmProjectError([diag('SM_ADAPTER_NOT_FOUND', `No adapter for target type "${project.target.type}"`, undefined, { hint: `Available: ${Object.keys(o.adapters).join(', ')}.` })]);
  const adapter = await factory();
  const target = join(project.dir, project.config.targetPath);
  // Opened when a model's render first needs it.
  const cache = o.noCache ? undefined : () => RenderCache.open(join(target, '.sm', 'render-cache.json'), project);
  const renderer = new ProjectRenderer(project, { dialect: adapter.dialect, invocationId, runStartedAt: startedAt, env: o.env, flags: { WHICH: 'run-operation' }, cache });
  const errors = renderer.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new SmProjectError(errors);
  const dot = o.macro.lastIndexOf('.');
  const [pkg, name] = dot > 0 ? [o.macro.slice(0, dot), o.macro.slice(dot + 1)] : [null, o.macro];
  // Unqualified, dbt finds the macro in any package (`dbt run-operation generate_model_yaml`): the root project's first.
  const macro = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && (pkg === null || /^[A-Za-z_][A-Za-z0-9_]*$/.test(pkg)) ? (pkg === null ? renderer.macros.anyPackage(name) : renderer.macros.get(pkg, name, project.config.name)) : undefined;
  if (!macro) {
    throw new SmProjectError([
      diag('SM_MACRO_NOT_FOUND', `No macro named "${o.macro}" in ${pkg === null ? 'any package' : `package "${pkg}"`}`, undefined, {
        hint: 'Check the spelling; if it comes from a package, run sm deps.',
      }),
    ]);
  }
  const uniqueId = renderer.macros.entryOf(macro)?.uniqueId ?? `macro.${pkg ?? project.config.name}.${name}`;
  const session = await adapter.connect(project.target, { projectDir: project.dir });
  const onAbort = () => void session.cancelAll().catch(() => undefined);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let error: string | undefined;
  try {
    const conn = await session.acquire();
    try {
      // The call goes through the template language, so `package.macro` and dispatch resolve as in any template.
      const owner = macro.meta.packageName;
      const qualifier = pkg ?? (owner && owner !== project.config.name && owner !== INTERNAL_PACKAGE ? owner : null);
      const text = `{{ ${qualifier === null ? name : `${qualifier}.${name}`}(**__sm_operation_args) }}`;
      await renderer.renderForExecution(
        // `model` is the macro, as in dbt; `this` is undefined.
        { text, name: `macro ${o.macro}`, node: operationNode(macro.meta.packageName ?? project.config.name, uniqueId, name, 'macro', renderer.macros.entryOf(macro)?.originalFilePath ?? ''), context: { __sm_operation_args: { ...(o.args ?? {}) } }, say: (m) => o.onEvent?.(templateSaid({ ...m, message: redact(m.message, project.secrets) })) },
        conn,
      );
    } finally {
      session.release(conn);
    }
  } catch (e) {
    error = redact(e instanceof Error ? e.message : String(e), project.secrets);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await session.close();
  }
  const completedAt = new Date();
  const result: NodeResult = {
    uniqueId,
    name,
    resourceType: 'operation',
    status: error === undefined ? 'success' : 'error',
    message: error ?? '',
    executionTime: (completedAt.getTime() - startedAt.getTime()) / 1000,
    startedAt: startedAt.toISOString(),
    completedAt: completedAt.toISOString(),
    failures: error === undefined ? 0 : 1,
    threadId: 'MainThread',
  };
  // dbt's args: its flags for the command, the macro, and its --args only when given.
  const args = runArgs('run-operation', { ...o, cliArgs: { ...o.cliArgs, macro: o.macro, ...(o.args !== undefined ? { args: o.args } : {}) } }, project);
  const rr = buildRunResults([result], result.executionTime, invocationId, args);
  // dbt's result of an operation has no message.
  for (const r of rr.results as Record<string, unknown>[]) r.message = null;
  // A project that has never compiled has no target folder yet: dbt's run-operation makes it.
  makeDirs(target);
  writeJsonFileAtomic(join(target, 'run_results.json'), rr);
  return { status: error === undefined ? 'success' : 'failure', result, error };
}
