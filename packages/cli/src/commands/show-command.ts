import { Option, type Command } from 'commander';
import { byId, compile, compileLive, criterion, execute, showCompiledCode, templateSaid, union, writeShowResults, type Compilation, type NodeResult, type Relation, type AdapterSession, type ShownTest, type TemplateMessage, type TestNode } from '@smsql/core';
import type { CliContext } from '../cli-context.ts';
import { commonOptions } from '../common-options.ts';
import { EXIT } from '../exit-codes.ts';
import { renderInline } from '../inline-sql.ts';
import { pythonJson } from '../python-json.ts';
import { dbtJsonRows, renderTable, showSql, shownRows } from '../table.ts';
import { usage } from '../usage-error.ts';
import { invocation, type CommonFlags } from './invocation.ts';

type ShowFlags = CommonFlags & { inline?: string; limit: string; select?: string | string[]; output: 'text' | 'json' };

/**
 * `sm show`: the first rows of a model's or snapshot's query (or a source's relation, a seed's
 * rows once loaded, or an --inline query), as dbt's show prints them, and target/run_results.json
 * as dbt's show writes it.
 */
export function registerShowCommand(program: Command, ctx: CliContext): void {
  commonOptions(program.command('show').description('show rows of a model (or an inline query)'))
    .argument('[model]', 'model, seed or source to show')
    .option('-s, --select <model>', 'the model to show (same as the argument)')
    .option('--inline <sql>', 'a query to run instead, with ref() and source()')
    // dbt 1.11.16's show takes --threads INTEGER; sm said "unknown option", exit 2.
    .addOption(new Option('--threads <n>', 'accepted for dbt').hideHelp())
    .option('--limit <n>', 'rows to show (negative: all)', '5')
    .addOption(new Option('--output <format>', 'text (a table) or json ({"node": ..., "show": [rows]}, as dbt writes it)').choices(['text', 'json']).default('text'))
    .action(async (model: string | undefined, flags: ShowFlags) => {
      const startedAt = performance.now();
      const name = model ?? (Array.isArray(flags.select) ? flags.select[0] : flags.select);
      if (!name && !flags.inline) throw usage('sm show needs a model name (sm show wide_streams) or --inline "select ..."');
      const limit = Number(flags.limit);
      // As dbt 1.11's show: any negative limit is every row (`--limit -5` too).
      if (!Number.isInteger(limit)) throw usage(`--limit must be a whole number (or -1 for every row), not "${flags.limit}"`);
      // The node by name (a model, seed or snapshot, or a source table), not a selection string.
      const selection = name && !flags.inline ? { include: union([criterion('fqn', name), criterion('source', `*.${name}`)]) } : undefined;
      const inv = { ...invocation({ ...flags, select: undefined }, ctx), selection };
      const c = await compile(inv, 'show');
      for (const secret of c.project.secrets) ctx.secrets.add(secret);
      const compileStartedAt = new Date().toISOString();
      let sql: string;
      const say = (m: TemplateMessage) => ctx.reporter(flags.logFormat).onEvent?.(templateSaid(m));
      // dbt's names for what is shown (ShowNode's node_name and unique_id).
      let shownAs = { node_name: 'inline_query', unique_id: `sql_operation.${c.project.config.name}.inline_query` };
      let shownId: string | undefined;
      let loaded: NodeResult | undefined;
      let rowLimit = limit;
      let testsRun = false;
      if (flags.inline) sql = renderInline(c, inv, flags.inline, say);
      else {
        const node = c.selected.map((id) => c.compiled.nodes.get(id)!).find((n) => n.name === name && n.resourceType !== 'test' && n.resourceType !== 'unit_test');
        if (!node) throw usage(`No model, seed or source named "${name}". Try: sm ls --output name`);
        const version = (node as { version?: unknown }).version;
        shownAs = { node_name: `${node.name}${version !== undefined && version !== null ? `.v${String(version)}` : ''}`, unique_id: node.uniqueId };
        shownId = node.uniqueId;
        testsRun = node.resourceType !== 'source';
        for (const m of node.said ?? []) say(m);
        // As dbt 1.11.16's show: a seed is loaded first (as `seed -s` loads it, without the project's
        // hooks; a load that fails is exit 2, its error told as seed's) and all its rows are shown, whatever --limit says.
        if (node.resourceType === 'seed') {
          const reporter = ctx.reporter(flags.logFormat);
          const load = await execute({ ...inv, selection: { include: byId(node.uniqueId) }, noProjectHooks: true, onEvent: (e) => void ((e.type !== 'run_end' || e.results.some((r) => r.status !== 'success')) && reporter.onEvent?.(e)) }, 'seed');
          loaded = load.results.find((r) => r.uniqueId === node.uniqueId);
          if (load.status !== 'success' || !loaded) {
            ctx.exitCode = load.interrupted ? EXIT.interrupted : EXIT.usage;
            return;
          }
          rowLimit = -1;
        }
        // A model's, analysis's or snapshot's compiled query is run (none need be built); a seed
        // (once loaded) or source is read. As dbt's show compiles it: with the warehouse, so an
        // incremental model whose table exists runs its incremental query and a template that asks
        // the warehouse is rendered with it (compileLive; without a warehouse, read from the
        // relation). A Python model is read from its relation.
        const queried = node.resourceType === 'model' || node.resourceType === 'analysis' || node.resourceType === 'snapshot';
        const live = queried && node.pythonCode === undefined ? await compileLive({ ...c, selected: [node.uniqueId] }, inv, true) : undefined;
        if (live?.diagnostics.length) ctx.reporter(flags.logFormat).onDiagnostics?.([...live.diagnostics]);
        const liveSql = live?.sql.get(node.uniqueId);
        const runsQuery = queried && node.pythonCode === undefined && (liveSql !== undefined || (node.compiledCode !== undefined && !node.needsWarehouse));
        if (runsQuery) sql = liveSql ?? node.compiledCode!;
        else {
          const relation = (node as { relation?: Relation }).relation;
          sql = `select * from ${relation ? c.adapter.dialect.relationName(relation) : name}`;
        }
      }
      const session = await c.adapter.connect(c.project.target, { projectDir: c.project.dir });
      // Ctrl-C or SIGTERM stops the query itself, not only what comes after it.
      const onAbort = () => void session.cancelAll().catch(() => undefined);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const executeStartedAt = new Date().toISOString();
        const conn = await session.acquire();
        let shown: ReturnType<typeof shownRows>;
        let types: readonly string[] = [];
        try {
          // The warehouse's own text for each value (2026-11-23 10:00:00, 1.50, 03:00:00) beside the driver's values.
          const probe = await conn.execute(`select * from (\n${sql}\n) sm_show limit 0`);
          types = probe.types ?? [];
          shown = shownRows(probe.columns, (await conn.execute(showSql(c.adapter.dialect, probe.columns, sql, rowLimit))).rows);
        } finally {
          session.release(conn);
        }
        const tests = testsRun ? await runSelectedTests(c, session, limit) : [];
        // run_results.json as dbt's show writes it: its args (the node as --select names it) and the query's one result.
        const args = { limit, output: flags.output, ...(flags.inline ? { inline: flags.inline } : { select: [name] }) };
        writeShowResults(c, inv, { uniqueId: shownId, sql, limit, compileStartedAt, executeStartedAt, completedAt: new Date().toISOString(), args, startedAt, loaded, tests });
        // As dbt's ShowNode: the table (or JSON), headed unless --quiet; under --log-format json also the rows themselves.
        const inline = !!flags.inline;
        const rows = flags.output === 'json' || flags.logFormat === 'json' ? dbtJsonRows(shown, { dialect: c.adapter.dialect, types }) : [];
        const table = flags.output === 'text' ? renderTable(shown) : '';
        const text = flags.output === 'json'
          ? pythonJson(inline ? { show: rows } : { node: shownAs.node_name, show: rows }, 2)
          : ctx.quiet ? table : inline ? `Previewing inline node:\n${table}` : `Previewing node '${shownAs.node_name}':\n${table}`;
        const data = { is_inline: inline, node_name: shownAs.node_name, output_format: flags.output, preview: flags.output === 'json' ? pythonJson(rows, undefined, false) : table, quiet: ctx.quiet, unique_id: shownAs.unique_id };
        ctx.reporter(flags.logFormat).onOutput?.(text, { name: 'ShowNode', data, fields: { rows } });
      } catch (e) {
        if (!ctx.signal.aborted) ctx.reporter(flags.logFormat).onError?.(`Query failed: ${(e as Error).message}`);
        // As dbt's show: a query that fails is a runtime error (exit 2), and no run_results.json is written.
        ctx.exitCode = ctx.signal.aborted ? EXIT.failed : EXIT.usage;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
        await session.close();
      }
    });
}

/**
 * As dbt 1.11's show: the data tests selected with the node (eager indirect selection, not unit
 * tests) run too, each under the limit, and are recorded in run_results.json; a test that fails
 * to run (its model not built) fails the command before anything is shown. Recorded from dbt-core
 * 1.11.16 + dbt-duckdb 1.11.1 (`packages/cli/test/show-results.test.ts`).
 */
export async function runSelectedTests(c: Pick<Compilation, 'selected' | 'compiled'>, session: AdapterSession, limit: number): Promise<ShownTest[]> {
  const tests = c.selected.map((id) => c.compiled.nodes.get(id)!).filter((n): n is TestNode => n.resourceType === 'test' && n.compiledCode !== undefined);
  const out: ShownTest[] = [];
  const conn = await session.acquire();
  try {
    for (const t of tests.sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : 1))) {
      const startedAt = new Date().toISOString();
      try {
        await conn.execute(showCompiledCode(t.compiledCode!, limit));
      } catch (e) {
        throw new Error(`Runtime Error in test ${t.name} (${t.originalFilePath})\n  ${(e as Error).message}`);
      }
      out.push({ uniqueId: t.uniqueId, sql: t.compiledCode!, startedAt, completedAt: new Date().toISOString() });
    }
  } finally {
    // A test that fails ends the command, but its connection goes back to the session all the same.
    session.release(conn);
  }
  return out;
}
