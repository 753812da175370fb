import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { byId, COMMAND_TYPES, HookRenderError, type InvocationOptions, type RunOutcome, compile, targetPathOf, execute, formatDiagnostic, parseSelectionArgs, parseWarnErrorOptions, readArtifact, runResultsProblem, saidBy, templateSaid, sourceFreshness, WarnErrorOptionsError, writeCompileResults, writeLiveSql, compileLive, type Compilation, type RunResultsShape, type TemplateMessage, type WarnErrorSetting, union } from '@smsql/core';
import type { CliContext } from '../cli-context.ts';
import type { Reporter } from '../reporters/reporter.ts';
import { commonOptions } from '../common-options.ts';
import { EXIT } from '../exit-codes.ts';
import { selectionOptions } from '../selection-options.ts';
import { LS_DEFAULT_TYPES, resourceTypeOptions, resourceTypesOf, type ResourceTypeFlags } from '../resource-type-options.ts';
import { configError } from '../config-error.ts';
import { renderInline } from '../inline-sql.ts';
import { pythonJson } from '../python-json.ts';
import { lsJson, lsLines } from './ls-output.ts';
import { registerShowCommand } from './show-command.ts';
import { invocation, type CommonFlags } from './invocation.ts';
import { usage } from '../usage-error.ts';

export { invocation, type CommonFlags } from './invocation.ts';

/**
 * What `ls` lists: as dbt 1.11's ListTask, `-m/--models` lists models only and cannot be given
 * with --select or --resource-type (exit 2); otherwise --resource-type and --exclude-resource-type.
 */
function lsResourceTypes(flags: CommonFlags & ResourceTypeFlags): ReturnType<typeof resourceTypesOf> {
  if (!flags.models?.length && !flags.model?.length) return resourceTypesOf(flags, undefined, LS_DEFAULT_TYPES);
  if (flags.select?.length) throw usage('"models" and "select" are mutually exclusive arguments: `ls -m` lists the models selected; give -s or -m, not both');
  if (flags.resourceType?.length || flags.resourceTypes?.length) throw usage('"models" and "resource_type" are mutually exclusive arguments: `ls -m` lists models only; use -s with --resource-type');
  return ['model'];
}

function runCommand(program: Command, ctx: CliContext, name: 'run' | 'seed' | 'test' | 'build' | 'snapshot', description: string): void {
  const cmd = selectionOptions(commonOptions(program.command(name).description(description)))
    .option('--threads <n>', 'how many nodes at once (default: the target\'s threads)')
    .option('-x, --fail-fast', 'stop at the first failure')
    .addOption(new Option('--no-fail-fast').hideHelp());
  // As dbt's: test and snapshot have no --full-refresh (given, it is a usage error, exit 2).
  if (name !== 'test' && name !== 'snapshot') cmd.option('-f, --full-refresh', 'rebuild incremental models (and reload seeds) from scratch');
  if (name === 'test' || name === 'build') resourceTypeOptions(cmd.option('--store-failures', 'store the failing rows of every test in a table').addOption(indirectSelectionOption()));
  // dbt takes it on every command; it picks tests, which run, seed and snapshot do not run.
  else cmd.addOption(indirectSelectionOption().hideHelp());
  // dbt's --show prints a sample of each seed: accepted, nothing printed.
  if (name === 'seed' || name === 'build') cmd.addOption(new Option('--show').hideHelp());
  if (name === 'run' || name === 'build' || name === 'snapshot') emptyOptions(cmd);
  if (name === 'run' || name === 'build') {
    cmd.option('--sample <window>', "read only recent rows of parents with an event_time: '3 days' (hours, days, months, years back from now) or '{start: 2026-03-01, end: 2026-03-02}'");
    cmd.option('--event-time-start <time>', 'microbatch models build the batches from this time (UTC; with --event-time-end)');
    cmd.option('--event-time-end <time>', 'microbatch models build the batches up to this time (UTC; with --event-time-start)');
    cmd.option('--watch', 'after the run, rebuild what a saved file changes and its descendants, until Ctrl-C');
    strictOptions(cmd);
    cmd.option('--audit', 'write-audit-publish: build each table and incremental model beside, run its tests there, and swap it in only if they pass');
  }
  cmd.action(async (flags: CommonFlags & ResourceTypeFlags & { watch?: boolean }) => {
    const reporter = ctx.reporter(flags.logFormat);
    const inv = { ...invocation(flags, ctx), resourceTypes: resourceTypesOf(flags, COMMAND_TYPES[name]) };
    if (flags.watch && (name === 'run' || name === 'build')) {
      // chokidar only for --watch.
      const { watchProject } = await import('../watch/watch-project.ts');
      // Each rerun is an invocation of its own, with an id of its own (its run_start event names it).
      await watchProject({ inv: { ...inv, invocationId: undefined, onEvent: (e) => reporter.onEvent?.(e) }, command: name, reporter, signal: ctx.signal });
      return;
    }
    // Compile warnings come as an event before the run starts.
    const outcome = await executeShown(inv, name, reporter, ctx);
    // Under --warn-error a test that warns has failed already (its status is fail, as in dbt's run_results.json).
    if (outcome) ctx.exitCode = outcome.interrupted ? EXIT.interrupted : outcome.status === 'success' ? EXIT.ok : EXIT.failed;
  });
}

/**
 * execute() with its events shown by `reporter`; an on-run-end hook that failed to render (the
 * nodes ran, their summary shown) is told by the same reporter after it, and exits 2 as dbt's.
 */
async function executeShown(inv: InvocationOptions, command: Parameters<typeof execute>[1], reporter: Reporter, ctx: CliContext): Promise<RunOutcome | undefined> {
  try {
    return await execute({ ...inv, onEvent: (e) => reporter.onEvent?.(e) }, command);
  } catch (e) {
    if (!(e instanceof HookRenderError) || !e.results.length) throw e;
    reporter.onDiagnostics?.(e.diagnostics);
    ctx.exitCode = EXIT.usage;
    return undefined;
  }
}

export function registerProjectCommands(program: Command, ctx: CliContext): void {
  runCommand(program, ctx, 'run', 'build the selected models in dependency order');
  runCommand(program, ctx, 'seed', 'load the CSV seeds');
  runCommand(program, ctx, 'test', 'run data tests and unit tests');
  runCommand(program, ctx, 'snapshot', 'record type-2 history of the selected snapshots');
  runCommand(program, ctx, 'build', 'seeds, models and tests in DAG order; a failing test skips what depends on its node');

  selectionOptions(commonOptions(program.command('compile').description('render every selected node to target/compiled (asking the warehouse only where a template or an incremental model needs it)')))
    .option('--inline <sql>', 'compile this SQL in the project\'s context and print it')
    .addOption(new Option('--output <format>', 'how the SQL of the selected node (or --inline) is printed: text, or json ({"node": ..., "compiled": ...}, as dbt writes it)').choices(['text', 'json']).default('text'))
    .option('--no-introspect', 'do not ask the warehouse: a node whose template queries it is an error (exit 2), as in dbt; incremental models still compile to their incremental SQL when their table exists')
    .option('--strict', 'check columns and types first (as sm check) and stop on an error')
    .option('--no-strict', 'do not check first, even when the project file sets flags: {strict: true}')
    .option('--empty', 'render every ref() and source() as an empty subquery (select * from x where false limit 0)')
    .option('-f, --full-refresh', 'render as a full refresh would (is_incremental() false, flags.FULL_REFRESH true)')
    .addOption(new Option('--threads <n>', 'accepted for dbt (compile renders on sm\'s own threads)').hideHelp())
    .addOption(new Option('-x, --fail-fast').hideHelp())
    .addOption(new Option('--no-fail-fast').hideHelp())
    .addOption(indirectSelectionOption().hideHelp())
    .addOption(new Option('--no-empty').hideHelp())
    .action(async (flags: CommonFlags & { inline?: string; output: 'text' | 'json'; introspect?: boolean }) => {
      const reporter = ctx.reporter(flags.logFormat);
      // As dbt prints a compiled node (its CompiledNode event): headed unless --quiet, or as JSON with --output json.
      const printCompiled = (sql: string, node: { name: string; uniqueId: string } | undefined) => {
        const text = flags.output === 'json'
          ? pythonJson(node ? { node: node.name, compiled: sql } : { compiled: sql }, 2)
          : ctx.quiet ? sql : node ? `Compiled node '${node.name}' is:\n${sql}` : `Compiled inline node is:\n${sql}`;
        const data = { compiled: sql, is_inline: !node, node_name: node?.name ?? 'inline_query', output_format: flags.output, quiet: ctx.quiet, unique_id: node?.uniqueId ?? `sql_operation.${c.project.config.name}.inline_query` };
        reporter.onOutput?.(text, { name: 'CompiledNode', data });
      };
      const startedAt = performance.now();
      const inv = invocation(flags, ctx);
      const c = await compile(inv, 'compile');
      // run_results.json's args as dbt's compile records them.
      const args = { empty: !!inv.empty, output: flags.output, ...(flags.inline ? { inline: flags.inline } : {}) };
      for (const secret of c.project.secrets) ctx.secrets.add(secret);
      const warnings = c.diagnostics.filter((d) => d.severity === 'warning');
      if (warnings.length) reporter.onDiagnostics?.(warnings);
      const say = (m: TemplateMessage) => reporter.onEvent?.(templateSaid(m));
      if (flags.inline) {
        const sql = renderInline(c, inv, flags.inline, say);
        writeCompileResults(c, inv, { which: 'compile', startedAt, args, inline: sql });
        printCompiled(sql, undefined);
        return;
      }
      // As dbt's compile: an incremental model whose table exists, and a template that queries the warehouse, render with a connection.
      const live = await compileLive(c, inv, flags.introspect !== false);
      if (live.diagnostics.length) reporter.onDiagnostics?.([...live.diagnostics]);
      writeLiveSql(c, live.sql);
      writeCompileResults(c, inv, { which: 'compile', startedAt, args, live: live.sql });
      // What the selected nodes' templates showed (log(msg, info=True), print), as dbt shows it when it compiles them.
      for (const id of c.selected) for (const m of saidBy(c.compiled, id)) say(m);
      // Ids start with their resource type (dbt's model.<project>.<name>): no node needs reading to count.
      const models = c.selected.filter((id) => id.startsWith('model.')).length;
      if (!c.selected.length) return ctx.quiet ? undefined : reporter.onOutput?.('Nothing to do. Try checking your model configs and model specification args');
      // As dbt: a selection's own nodes are printed with their SQL; -q prints the SQL alone (and nothing when no node is shown).
      const shown = compiledToShow(c, (flags.select ?? flags.models ?? flags.model)?.[0], live.sql);
      if (!ctx.quiet) reporter.onOutput?.(`Compiled ${c.selected.length} nodes (${models} models) into ${join(c.project.config.targetPath, 'compiled')}/ and wrote ${c.project.config.targetPath}/manifest.json`);
      for (const n of shown) printCompiled(n.sql, n);
    });

  resourceTypeOptions(selectionOptions(commonOptions(program.command('ls').alias('list').description('list the selected nodes'))))
    .addOption(new Option('--output <format>', 'name, path, json or selector').choices(['name', 'path', 'json', 'selector']).default('selector'))
    .addOption(indirectSelectionOption())
    .option('--columns', 'list the columns of the selected nodes with their types and upstream columns (as sm check infers them)')
    .option('--lineage <column...>', 'a column (model.column, source.<source>.<table>.<column>) with +column its upstream and column+ its downstream columns')
    .option('--output-keys <key...>', 'with --output json: only these keys of each node, as the manifest writes them (separated by spaces, not commas, or each after its own flag)')
    .action(async (flags: CommonFlags & ResourceTypeFlags & { output: string; outputKeys?: string[]; columns?: boolean; lineage?: string[] }) => {
      const inv = invocation(flags, ctx);
      const withColumns = !!flags.columns || !!flags.lineage?.length;
      const c = await compile({ ...inv, resourceTypes: lsResourceTypes(flags), check: withColumns }, 'ls');
      if (withColumns) {
        // The checker's modules are loaded only for these flags.
        const { lsColumns } = await import('./ls-columns.ts');
        const lines = lsColumns(c, { columns: flags.columns, lineage: flags.lineage, output: flags.output });
        if (lines.length) ctx.output.out(lines.join('\n'));
        return;
      }
      // Warnings and "nothing selected" go to stderr: stdout is the list, for pipes. -q prints the list alone, as dbt.
      const warnings = ctx.quiet ? [] : c.diagnostics.filter((d) => d.severity === 'warning');
      if (flags.logFormat === 'json') ctx.reporter('json').onDiagnostics?.(warnings);
      else for (const d of warnings) ctx.output.err(formatDiagnostic(d));
      // As dbt lists them: sorted by unique id (not in build order).
      const ids = [...c.selected].sort();
      const lines = flags.output === 'json' ? lsJson(c, ids, flags.outputKeys) : lsLines(c, ids, flags.output);
      // dbt logs each line as a PrintEvent: one JSON object per line in a JSON log.
      if (flags.logFormat === 'json') {
        const json = ctx.reporter('json');
        for (const line of lines) json.onOutput?.(line, { name: 'PrintEvent', data: { msg: line } });
      } else if (lines.length) ctx.output.out(lines.join('\n'));
      else if (!ctx.quiet) ctx.output.err('No nodes selected!');
    });

  registerShowCommand(program, ctx);

  const source = program.command('source').description('commands about sources');
  selectionOptions(commonOptions(source.command('freshness').description('check how long ago each selected source was loaded against its freshness: warn_after / error_after; writes target/sources.json')))
    .option('--threads <n>', 'how many sources at once (default: the target\'s threads)')
    .option('-o, --output <path>', 'where to write sources.json (default: <target-path>/sources.json)')
    .action(async (flags: CommonFlags & { output?: string }) => {
      const reporter = ctx.reporter(flags.logFormat);
      const inv = invocation(flags, ctx);
      const outcome = await sourceFreshness({ ...inv, output: flags.output ? resolve(flags.output) : undefined, onEvent: (e) => reporter.onEvent?.(e) });
      const warnings = outcome.compilation.diagnostics.filter((d) => d.severity === 'warning');
      if (warnings.length) reporter.onDiagnostics?.(warnings);
      reporter.onOutput?.(`Wrote ${outcome.artifactPath}`);
      // As dbt: a source past error_after, or whose query failed, exits 1; warnings exit 0.
      ctx.exitCode = outcome.interrupted ? EXIT.interrupted : outcome.status === 'success' ? EXIT.ok : EXIT.failed;
    });

  selectionOptions(commonOptions(program.command('clone').description("make the selected models, seeds and snapshots from the state's relations (--state), without running them")))
    .option('--threads <n>', 'how many nodes at once')
    .option('-f, --full-refresh', 'replace relations the target already has')
    .action(async (flags: CommonFlags) => {
      if (!flags.state) throw usage('sm clone needs --state DIR: the target/ directory (its manifest.json) of the run whose relations to clone');
      const reporter = ctx.reporter(flags.logFormat);
      const outcome = await execute({ ...invocation(flags, ctx), onEvent: (e) => reporter.onEvent?.(e) }, 'clone');
      ctx.exitCode = outcome.interrupted ? EXIT.interrupted : outcome.status === 'success' ? EXIT.ok : EXIT.failed;
    });

  selectionOptions(commonOptions(program.command('retry').description('run again what failed or was skipped in the last run/build/test/seed')))
    .option('--threads <n>', 'how many nodes at once')
    .action(async (flags: CommonFlags) => {
      const dir = resolve(flags.projectDir);
      const path = findRunResults(dir, flags.targetPath);
      if (!path) throw usage(`No run_results.json under ${join(dir, targetPathOf(dir, flags.targetPath))}: run a command first, then sm retry`);
      const rr = readArtifact<RunResultsShape>(path, 'run_results.json', runResultsProblem);
      const which = (rr.args?.which ?? 'build') as 'run' | 'seed' | 'test' | 'build';
      const retried = rr.results.filter((r) => ['error', 'fail', 'skipped', 'runtime error', 'partial success'].includes(r.status));
      const again = retried.map((r) => byId(r.unique_id));
      // As dbt's retry: a microbatch model that failed some batches builds only those again.
      const retryBatches = new Map(retried.flatMap((r) => (r.batch_results?.failed?.length ? [[r.unique_id, { successful: r.batch_results.successful ?? [], failed: r.batch_results.failed }] as const] : [])));
      const reporter = ctx.reporter(flags.logFormat);
      // Nothing to retry: dbt 1.11 still runs the last command on no nodes, so run_results.json is rewritten with none.
      if (!again.length) reporter.onOutput?.('Nothing to retry: the last run had no errors, failures or skipped nodes.');
      // What failed, by id; --exclude still applies.
      // dbt 1.11.16's retry takes no --warn-error-options of its own command line (see below).
      const inv = { ...invocation({ ...flags, select: undefined, warnErrorOptions: undefined, fullRefresh: rr.args?.full_refresh }, ctx), selection: { include: union(again), exclude: parseSelectionArgs(flags.exclude) }, retryBatches };
      // As dbt 1.11's retry (recorded with dbt-core 1.11.16): the last run's arguments again, of which
      // only --vars and --threads given to retry win. Its --target, --profile, --empty,
      // --store-failures and --fail-fast stand: `retry --target t1` after `run --target t2` runs on t2 (sm says so).
      const last = rr.args ?? {};
      // run_results.json's args name the last run's --select and --exclude, as dbt's retry writes them (what runs is `selection`).
      const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);
      Object.assign(inv, { select: strings(last.select), exclude: flags.exclude ?? strings(last.exclude) });
      if (flags.vars === undefined && last.vars && typeof last.vars === 'object' && !Array.isArray(last.vars) && Object.keys(last.vars).length) inv.vars = last.vars as Record<string, unknown>;
      if (flags.threads === undefined && typeof last.threads === 'number' && Number.isInteger(last.threads) && last.threads > 0) inv.threads = last.threads;
      const kept: string[] = [];
      for (const [key, flag] of [['target', '--target'], ['profile', '--profile']] as const) {
        const was = last[key];
        if (typeof was !== 'string') continue;
        if (flags[key] !== undefined && flags[key] !== was) kept.push(`${flag} ${was}`);
        inv[key] = was;
      }
      if (kept.length) reporter.onOutput?.(`Retrying with the last run's ${kept.join(' and ')}, as dbt's retry does: only --vars and --threads given to retry apply.`);
      if (last.empty === true) inv.empty = true;
      if (last.store_failures === true) inv.storeFailures = true;
      if (last.fail_fast === true) inv.failFast = true;
      // As dbt 1.11's retry: the last run's warn_error_options again, but not its --warn-error (dbt
      // leaves that flag to the retry's own command line). Recorded with dbt-core 1.11.16 (a test that
      // warns, skipped in the last build, retried): `retry --warn-error-options '{"error": "all"}'`
      // after a build without them warns (exit 0): the option is ignored; DBT_WARN_ERROR_OPTIONS
      // '{"error": "all"}' makes it an error (exit 1); after `build --warn-error-options '{"error":
      // "all"}'`, a retry with DBT_WARN_ERROR_OPTIONS='{"error": []}' or --warn-error-options
      // '{"error": []}' still errs (exit 1). Options that list nothing (dbt writes them so by
      // default) leave the variable and --warn-error in force.
      if (!flags.warnError && rr.args?.warn_error_options !== undefined && !listsNothing(rr.args.warn_error_options)) inv.warnError = retriedWarnErrorOptions(rr.args.warn_error_options, path);
      const outcome = await executeShown(inv, which, reporter, ctx);
      if (outcome) ctx.exitCode = outcome.interrupted ? EXIT.interrupted : outcome.status === 'success' ? EXIT.ok : EXIT.failed;
    });

  commonOptions(program.command('debug').description('check the project, the profile and the connection'))
    .action(async (flags: CommonFlags) => {
      // dbt's debug reports; no warning of its is an error.
      const c = await compile({ ...invocation(flags, ctx), warnError: false }, 'compile');
      const t = c.project.target;
      ctx.output.out(`project: ${c.project.config.name} (${c.project.dir}/${c.project.config.file})`);
      ctx.output.out(`profile: ${c.project.config.profile} from ${c.project.targetSource}; target ${t.name} (type ${t.type}, schema ${t.schema}${t.database ? `, database ${t.database}` : ''}, threads ${t.threads})`);
      ctx.output.out(`nodes: ${c.compiled.nodes.size}`);
      try {
        const session = await c.adapter.connect(t, { projectDir: c.project.dir });
        const conn = await session.acquire();
        const r = await conn.execute('select 1 as ok');
        session.release(conn);
        await session.close();
        ctx.output.out(`connection: OK (${JSON.stringify(r.rows[0], (_k, v) => (typeof v === 'bigint' ? Number(v) : v))})`);
      } catch (e) {
        // A profile that cannot work (missing field, unreadable database file) is a usage error: exit 2.
        const config = configError(e, { file: join(c.project.dir, c.project.targetSource), profile: c.project.config.profile, target: t.name });
        if (config) throw config;
        ctx.output.out(`connection: FAILED: ${(e as Error).message}`);
        ctx.exitCode = EXIT.failed;
      }
    });
}

/** `--strict` / `--no-strict`: check columns and types before running (default: the project file's `flags: {strict: ...}`). */
function strictOptions(cmd: Command): void {
  cmd.option('--strict', 'check columns and types first (as sm check) and stop on an error before anything runs');
  cmd.option('--no-strict', 'do not check first, even when the project file sets flags: {strict: true}');
}

/** The warn_error_options a run_results.json recorded; a file that holds something else is not a usable one. */
/** dbt's default warn_error_options: `{error: [], warn: [], silence: []}` (or any of them left out). */
function listsNothing(v: unknown): boolean {
  return !!v && typeof v === 'object' && Object.values(v).every((x) => Array.isArray(x) && x.length === 0);
}

function retriedWarnErrorOptions(v: unknown, path: string): WarnErrorSetting {
  try {
    return parseWarnErrorOptions(v).options;
  } catch (e) {
    if (e instanceof WarnErrorOptionsError) throw usage(`${path}: args.warn_error_options ${e.message}; run the command again instead of retrying it`);
    throw e;
  }
}

/** dbt's `--empty`: build the selection's schemas with no rows (refs and sources read as empty subqueries; seeds load in full). */
function emptyOptions(cmd: Command): void {
  cmd.option('--empty', 'build with no rows: every ref() and source() reads as an empty subquery (select * from x where false limit 0); seeds still load');
  cmd.addOption(new Option('--no-empty').hideHelp());
}

/** dbt's --indirect-selection: which tests of the selected nodes join the selection. */
function indirectSelectionOption(): Option {
  return new Option('--indirect-selection <mode>', 'tests of selected nodes: eager (any parent selected), cautious (all), buildable (all selected or upstream), empty').choices(['eager', 'cautious', 'buildable', 'empty']);
}

/**
 * What `dbt compile -s X` prints after compiling: the SQL of each selected node whose name is
 * part of the first --select value, as dbt 1.11 matches them (`-s b+` prints b, `-s a b` only
 * a). Names are read from the ids first, so that a large selection reads only those nodes.
 */
function compiledToShow(c: Compilation, first: string | undefined, live: ReadonlyMap<string, string>): { name: string; uniqueId: string; sql: string }[] {
  if (first === undefined) return [];
  const out: { name: string; uniqueId: string; sql: string }[] = [];
  for (const id of c.selected) {
    if (!id.split('.').some((part) => part && first.includes(part))) continue;
    const n = c.compiled.nodes.get(id);
    if (!n || !first.includes(n.name) || !('compiledCode' in n) || n.compiledCode === undefined) continue;
    out.push({ name: n.name, uniqueId: n.uniqueId, sql: live.get(id) ?? n.compiledCode });
  }
  return out;
}

/** The last run's results, under --target-path or the project file's target-path. */
function findRunResults(dir: string, targetPath: string | undefined): string | undefined {
  const p = join(dir, targetPathOf(dir, targetPath), 'run_results.json');
  return existsSync(p) ? p : undefined;
}
