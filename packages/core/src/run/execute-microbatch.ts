import type { RelationInfo } from '../adapter.ts';
import type { BatchResults } from '../events.ts';
import { withHooks } from '../plan/hooks.ts';
import { hookList } from '../project/folder-config.ts';
import { renderHooks } from './render-hooks.ts';
import { batchId, formatBatchStart, isoText, microbatchConfig, microbatchRunError, parseEventTime, planBatches, windowCondition, type Batch } from '../plan/microbatch.ts';
import { isIncrementalRun, planIncremental, planTable } from '../plan/plan.ts';
import { wantsFullRefresh } from '../plan/full-refresh.ts';
import type { ModelNode } from '../types.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';
import { printedRelationName } from '../render/relation.ts';

/**
 * dbt's microbatch model: one statement sequence per batch of event time, each its own
 * transaction, in order (each batch's SQL rendered when it runs, with `model.batch`). The first batch of a first or full build replaces the table (with only
 * its rows); every other batch deletes the rows of its window and inserts the new ones (refs to
 * parents that name their `event_time` read only the window: render/project-host.ts). Pre-hooks
 * run with the first batch, post-hooks with the last. A failed batch does not stop the others,
 * except the first, whose failure skips the rest (they are reported failed): dbt 1.11's rules.
 * The model's status is success, partial success (some batches failed; an error for the exit
 * code and its children) or error; `batch_results` lists both kinds. Batches run one after
 * another (dbt may run the middle ones concurrently; the rows are the same).
 */
export async function executeMicrobatch(m: ModelNode, x: NodeContext, existing: RelationInfo | undefined): Promise<ExecOutcome> {
  const mc = microbatchConfig(m);
  if (typeof mc === 'string') throw new Error(`${mc} (${m.originalFilePath})`);
  const refused = microbatchRunError(m);
  if (refused) throw new Error(`${refused} (${m.originalFilePath})`);
  const incremental = isIncrementalRun(m, existing, x.plan);
  const flags = x.run.flags.microbatch;
  const retried = flags?.retry?.get(m.uniqueId);
  const batches: Batch[] = retried
    ? retried.failed.flatMap(([s, e]) => {
        const start = parseEventTime(s);
        const end = parseEventTime(e);
        return start && end ? [{ start, end }] : [];
      })
    : planBatches(mc, {
        // --sample's window wins over --event-time-start/-end, as in dbt.
        eventTimeStart: x.run.project.sample?.start ?? flags?.eventTimeStart,
        eventTimeEnd: x.run.project.sample?.end ?? flags?.eventTimeEnd,
        now: flags?.now ?? new Date(),
        incremental,
      });
  const hooks = { pre: hookList(m.config['pre-hook']), post: hookList(m.config['post-hook']) };
  const dialect = x.run.adapter.dialect;
  const shown = dialect.relationName(m.relation);
  const ok: Batch[] = [];
  const failed: Batch[] = [];
  const problems: string[] = [];
  let rows = 0;
  let sql = '';
  let path: string | undefined;
  for (const [i, b] of batches.entries()) {
    const label = formatBatchStart(b.start, mc.batchSize);
    const say = (level: 'info' | 'error', what: string) => x.run.onEvent({ type: 'log', level, message: `  batch ${i + 1} of ${batches.length} ${label} of ${shown}: ${what}` });
    if (x.run.signal?.aborted) throw new Error(`Run interrupted after ${ok.length} of ${batches.length} batches`);
    // How the batch is applied: the first as the model would be (replace the table on a first or
    // full build), the others into the table the first one left.
    const asIncremental = i === 0 ? incremental : true;
    // What the template's is_incremental() says: dbt renders each batch before it runs, so once
    // the table exists it is true, except under a full refresh (then false for every batch).
    const rendersIncremental = i === 0 ? incremental : !wantsFullRefresh(m, x.plan.fullRefresh);
    const t0 = performance.now();
    try {
      const batch = { id: batchId(b.start, mc.batchSize), start: b.start, end: b.end };
      sql = await x.renderLive({ node: m, incremental: rendersIncremental, batch });
      path = x.compiled(sql, label);
      const plan = asIncremental ? planIncremental(m, sql, [], x.plan, { window: windowCondition(mc.eventTime, b) }) : planTable(m, sql, existing, x.plan);
      // Hooks render in the batch's context too (a post-hook's model.batch is the last batch's).
      const how = { incremental: asIncremental, batch };
      const batchHooks = { pre: i === 0 ? await renderHooks(x, m, hooks.pre, 'pre-hook', how) : [], post: i === batches.length - 1 ? await renderHooks(x, m, hooks.post, 'post-hook', how) : [], rendered: true };
      rows += (await x.runPlan(withHooks(plan, batchHooks, x.plan.capabilities), asIncremental)).rows;
      ok.push(b);
      say('info', `OK in ${((performance.now() - t0) / 1000).toFixed(2)}s`);
    } catch (e) {
      if (x.run.signal?.aborted) throw e;
      const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
      failed.push(b);
      problems.push(`${label}: ${msg}`);
      say('error', `ERROR: ${msg}`);
      if (i === 0 && batches.length > 1) {
        // dbt: nothing to add batches to when the first failed.
        failed.push(...batches.slice(1));
        say('info', `the other ${batches.length - 1} batch${batches.length === 2 ? ' is' : 'es are'} skipped`);
        break;
      }
    } finally {
      x.ranSplit(label);
    }
  }
  await x.remember(m.relation, undefined);
  const pair = (b: Batch): [string, string] => [isoText(b.start), isoText(b.end)];
  const byTime = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const batchResults: BatchResults = {
    successful: [...ok.map(pair).sort(byTime), ...(retried?.successful ?? [])],
    failed: failed.map(pair).sort(byTime),
  };
  const base = { relationName: printedRelationName(m.relation, dialect, x.run.project.target), compiledPath: path, compiledCode: sql || undefined, batchResults, rowsAffected: rows };
  if (!failed.length) return { ...base, status: 'success', message: 'SUCCESS' };
  const why = `${problems.join('; ')}. Run sm retry to build the failed batches again, or --event-time-start/--event-time-end for a range.`;
  if (!ok.length) return { ...base, status: 'error', message: `ERROR: all ${failed.length} batch${failed.length === 1 ? '' : 'es'} failed: ${why}` };
  return { ...base, status: 'partial success', message: `PARTIAL SUCCESS (${ok.length}/${ok.length + failed.length}): ${why}` };
}
