import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { commonOptions } from '../common-options.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommonFlags } from './project-commands.ts';


/**
 * `sm parse`: load and validate the whole project and write target/manifest.json, as `dbt parse`
 * does; no compiled SQL is written and no warehouse is opened. Every problem is reported at once.
 */
export function registerParseCommand(program: Command, ctx: CliContext): void {
  commonOptions(program.command('parse').description('load and validate the project and write target/manifest.json (no warehouse, no compiled SQL)'))
    // dbt 1.11.16's parse takes --threads INTEGER (recorded: `dbt parse --threads 100000`, exit 0); sm said "unknown option", exit 2.
    .addOption(new Option('--threads <n>', 'accepted for dbt (parse opens no warehouse)').hideHelp())
    .action(
    async (flags: CommonFlags) => {
      const { compile } = await import('@smsql/core');
      const { invocation } = await import('./project-commands.ts');
      const reporter = ctx.reporter(flags.logFormat);
      // `ls` is compile's mode that renders for the graph and writes the manifest but no compiled files.
      // The flags every project command reads (--target-path, --profile, --warn-error, --no-partial-parse) as they read them.
      const c = await compile(invocation(flags, ctx), 'ls');
      for (const secret of c.project.secrets) ctx.secrets.add(secret);
      const warnings = c.diagnostics.filter((d) => d.severity === 'warning');
      if (warnings.length) reporter.onDiagnostics?.(warnings);
      const counts = new Map<string, number>();
      for (const n of c.compiled.nodes.values()) counts.set(n.resourceType, (counts.get(n.resourceType) ?? 0) + 1);
      const summary = [...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([t, k]) => `${k} ${k === 1 ? t : t === 'saved_query' ? 'saved_queries' : t === 'analysis' ? 'analyses' : `${t}s`}`).join(', ');
      // dbt -q parse prints nothing.
      if (!ctx.quiet) reporter.onOutput?.(`Parsed ${c.project.config.name}: ${summary || 'no nodes'}; wrote ${join(c.project.config.targetPath, 'manifest.json')}`);
      ctx.exitCode = EXIT.ok;
    },
  );
}
