import { templateSaid, type NodeResult } from '../events.ts';
import { dbtNodeInfo } from '../artifacts/node-log-info.ts';
import type { GraphNode, TemplateMessage } from '../types.ts';
import { redact } from '../util/redact.ts';
import { diag, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { adapterResponse } from '../artifacts/run-results.ts';
import { resultMessage, resultTiming } from '../artifacts/result-fields.ts';
import { isDict } from '../jinja/py-values.ts';
import { DbtConfig, DbtObject } from '../render/dbt-object.ts';
import { defaultDatabaseOf } from '../render/relation.ts';
import { graphEntries } from '../render/graph-context.ts';
import { relationNameOf } from '../compile/relation-name-of.ts';
import type { RunContext } from './run-context.ts';
import { runPlan } from './run-plan.ts';
import { hookSteps } from '../plan/hooks.ts';
import { operationNode } from '../render/render-parts.ts';
import { hookNodeName, type ProjectHook, type ProjectHookKind } from '../project/hook-list.ts';
import { writeCompiledHooks } from '../artifacts/compiled-files.ts';
import { targetDir } from '../compile/compile-shared.ts';


/** The relations dbt's `schemas` counts: models, seeds and snapshots (its `is_relational`). */
const RELATIONAL = new Set(['model', 'seed', 'snapshot']);

/**
 * What on-run-end templates read besides dbt's usual context, as dbt gives it: `schemas` (each
 * schema a model, seed or snapshot that did not error, fail or skip built in, once),
 * `database_schemas` ((database, schema) pairs of those) and `results` (each node's result, and an
 * on-run-start hook's that errored: `node`, `status`, `message`, `execution_time`,
 * `adapter_response`, `failures`, `thread_id`). on-run-start reads none of them (dbt's is empty).
 */
export function hookContext(ctx: RunContext, results: readonly NodeResult[]): Record<string, unknown> {
  const defaultDb = defaultDatabaseOf(ctx.adapter.dialect, ctx.project.target);
  const pairs = new Map<string, [string | null, string]>();
  for (const r of results) {
    const n = ctx.nodes.get(r.uniqueId);
    if (!n || !RELATIONAL.has(n.resourceType) || !('relation' in n) || !n.relation) continue;
    if (r.status === 'error' || r.status === 'fail' || r.status === 'skipped' || r.status === 'cancelled') continue;
    const db = n.relation.database ?? defaultDb ?? null;
    pairs.set(`${db}\0${n.relation.schema}`, [db, n.relation.schema]);
  }
  const schemas = [...new Set([...pairs.values()].map(([, s]) => s))];
  // A model's primary_key reads the tests attached to it, which are among its children in the graph: only the results' are read, not every node.
  const testsOfResults = function* (): Iterable<GraphNode> {
    for (const r of results) {
      for (const id of ctx.graph.successors(r.uniqueId) ?? []) {
        const t = id.startsWith('test.') ? ctx.nodes.get(id) : undefined;
        if (t) yield t;
      }
    }
  };
  const entry = graphEntries(ctx.project, (id) => ctx.nodes.get(id), (n) => ('relation' in n && n.relation ? n.relation : { schema: '', identifier: n.name }), defaultDb, undefined, (n) => relationNameOf(ctx, n), testsOfResults);
  // dbt leaves the hooks' own results out (thread `main`), but for one that errored.
  const shown = results.filter((r) => r.threadId !== 'main' || r.status === 'error');
  // dbt's RunResult objects: attributes, and to_dict() (the node and each timing too).
  const out = shown.map((r) =>
    new DbtObject({
      status: r.status === 'cancelled' ? 'error' : r.status,
      timing: resultTiming(r).map((t) => new DbtObject({ ...t })),
      thread_id: r.threadId,
      execution_time: r.executionTime,
      adapter_response: adapterResponse(r),
      message: resultMessage(r),
      // As run_results.json has it: a no-op (an exposure) with 0 failures.
      failures: r.failures ?? (r.status === 'no-op' ? 0 : null),
      node: nodeView(ctx.nodes.get(r.uniqueId), r, entry),
    }),
  );
  return { schemas, database_schemas: [...pairs.values()], results: out };
}

/** A result's node: its entry in dbt's graph (the manifest's shape), with what it compiled to. */
function nodeView(n: GraphNode | undefined, r: NodeResult, entry: (n: GraphNode) => Record<string, unknown>): DbtObject {
  const base = n ? entry(n) : { unique_id: r.uniqueId, name: r.name, resource_type: r.resourceType };
  const config = isDict(base.config) ? { config: new DbtConfig(base.config) } : {};
  return new DbtObject({ ...base, ...config, compiled_code: r.compiledCode ?? null, relation_name: r.relationName ?? base.relation_name ?? null });
}

/**
 * Run the on-run-start or on-run-end hooks of the project and its packages (projectHooks' order)
 * each rendered with a connection of the run (a hook may query) in its package's context and
 * run unless it renders to nothing, as dbt runs them: outside any node's transaction, on the
 * main thread, each a result (`operation.<package>.<package>-<kind>-<i>`) in run_results.json,
 * named `<package>.<kind>.<n>` by its place among all of them. After a hook whose SQL failed the
 * rest of its kind are skipped; the nodes still run (dbt-core 1.11 does the same, and exits 1).
 * A hook whose template fails to render (a run_query() that fails, a compiler error) stops the
 * command: {@link HookRenderError}.
 */
export async function runProjectHooks(kind: ProjectHookKind, hooks: readonly ProjectHook[], ctx: RunContext, context: Record<string, unknown>): Promise<NodeResult[]> {
  const out: NodeResult[] = [];
  let failed = false;
  for (const [i, hook] of hooks.entries()) {
    const text = hook.sql;
    const project = hook.packageName;
    const name = hookNodeName(hook, kind);
    const label = `${project}.${kind}.${i}`;
    const uniqueId = `operation.${project}.${name}`;
    // dbt renders a hook as its operation node: `model` is it, `this` None; its checksum is its project file's.
    const self = { ...operationNode(project, uniqueId, name, 'operation', `./${hook.file}`), checksum: hook.fileChecksum };
    const startedAt = new Date();
    const info = (status: string, finishedAt?: Date) => dbtNodeInfo(self, ctx.adapter.dialect, ctx.project.target, status, startedAt, finishedAt);
    ctx.onEvent({ type: 'node_start', uniqueId, name: label, resourceType: 'operation', index: i + 1, total: hooks.length, nodeInfo: info('started') });
    let status: NodeResult['status'] = 'success';
    let message = `${label} passed`;
    let sql: string | undefined;
    if (failed) {
      status = 'skipped';
      message = `${label} skipped`;
    } else {
      const conn = await ctx.session.acquire();
      try {
        // One plan step through the one plan executor: plain SQL as written, a template rendered with this connection.
        const ran: string[] = [];
        const say = (m: TemplateMessage) => ctx.onEvent(templateSaid(m, info('started')));
        // What the hook rendered to, run or not: dbt's compiled code for one that runs nothing (whitespace kept).
        let rendered = '';
        try {
          const render = async (template: string, hookName: string) => {
            try {
              return (rendered = await ctx.render({ text: template, name: hookName, node: self, context, say }, conn));
            } catch (e) {
              throw new RenderFailed(e);
            }
          };
          await runPlan({ steps: hookSteps(text, label), transaction: false }, conn, ctx.adapter.dialect, ran, ctx.signal, render);
        } finally {
          sql = ran.length ? ran.join(';\n') : rendered;
        }
      } catch (e) {
        if (e instanceof RenderFailed) throw hookRenderError(e.cause, label, kind, hook.file, out, ctx);
        failed = true;
        status = 'error';
        message = `${label} failed, error:\n ${redact(e instanceof Error ? e.message : String(e), ctx.project.secrets)}`;
      } finally {
        ctx.session.release(conn);
      }
    }
    const completedAt = new Date();
    const r: NodeResult = {
      uniqueId,
      name: label,
      resourceType: 'operation',
      status,
      message,
      executionTime: (completedAt.getTime() - startedAt.getTime()) / 1000,
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      compiledCode: sql !== undefined ? redact(sql, ctx.project.secrets) : undefined,
      // dbt 1.11's: 0 for a hook that passed, 1 for one that failed or was skipped after it.
      failures: status === 'success' ? 0 : 1,
      threadId: 'main',
    };
    // dbt writes what a hook rendered to under target/compiled, as compile does.
    if (r.compiledCode !== undefined) writeCompiledHooks(targetDir(ctx.project), [{ uniqueId, compiledCode: r.compiledCode }]);
    out.push(r);
    ctx.onEvent({ type: 'node_finish', result: r, index: i + 1, total: hooks.length, nodeInfo: info(status, completedAt) });
  }
  return out;
}

/** A hook's template failed to render (not its SQL to run). */
class RenderFailed extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * A project hook whose template failed to render: dbt-core 1.11 stops the command there with a
 * Runtime Error (exit 2). After on-run-start no node runs and no run_results.json is written;
 * after on-run-end run_results.json holds the results so far (`results`: the hooks of its kind
 * before it), the failing hook and those after it not among them.
 */
export class HookRenderError extends SmProjectError {
  readonly results: readonly NodeResult[];
  constructor(diagnostics: Diagnostic[], results: readonly NodeResult[]) {
    super(diagnostics);
    this.results = results;
  }
}

function hookRenderError(cause: unknown, label: string, kind: ProjectHookKind, file: string, done: readonly NodeResult[], ctx: RunContext): HookRenderError {
  const message = redact(cause instanceof Error ? cause.message : String(cause), ctx.project.secrets);
  const hint = `dbt stops the command here too (exit 2)${kind === 'on-run-start' ? ', before any node runs' : ''}: fix the hook's template or the macro it calls, or let it run SQL that may fail instead of querying while it renders.`;
  return new HookRenderError([diag('SM_TEMPLATE_RENDER', `Runtime Error in ${kind} hook ${label}:\n  ${message.split('\n').join('\n  ')}`, { file }, { hint })], done);
}
