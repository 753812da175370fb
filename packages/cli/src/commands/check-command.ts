import type { Command } from 'commander';
import { compile, isSmProjectError, type Compilation } from '@smsql/core';
import { stateImpact, type StateImpact } from '@smsql/core/check';
import type { CliContext } from '../cli-context.ts';
import { commonOptions } from '../common-options.ts';
import { EXIT } from '../exit-codes.ts';
import { selectionOptions } from '../selection-options.ts';
import type { Reporter } from '../reporters/reporter.ts';
import { watchFiles } from '../watch/watch-files.ts';
import { invocation } from './project-commands.ts';
import type { CommonFlags } from './invocation.ts';

type CheckFlags = Pick<CommonFlags, 'projectDir' | 'profilesDir' | 'target' | 'vars' | 'logFormat' | 'select' | 'exclude' | 'selector' | 'state'> & { watch?: boolean };

/**
 * `sm check`: infer every selected node's columns and types without a warehouse and report
 * unknown columns, type clashes, broken contracts and tests on missing columns. Exit 1 when it
 * finds an error. With `--state`, also the downstream columns a change breaks; with `--watch`,
 * again on every save (each node is re-checked only when it or its parents' columns changed).
 */
export function registerCheckCommand(program: Command, ctx: CliContext): void {
  selectionOptions(commonOptions(program.command('check').description('check columns and types of the selected models and tests, without a warehouse; writes lineage into target/manifest.json')))
    .option('--watch', 'check again whenever a file of the project is saved, until Ctrl-C')
    .action(async (flags: CheckFlags) => {
      const reporter = ctx.reporter(flags.logFormat);
      const once = async (): Promise<number> => {
        const t0 = performance.now();
        const c = await compile({ ...invocation(flags, ctx), check: true }, 'check');
        const impact = flags.state ? stateImpact(flags.state, c.check!) : undefined;
        const selected = !!(flags.select?.length || flags.exclude?.length || flags.selector);
        return report(c, impact, (performance.now() - t0) / 1000, reporter, selected);
      };
      if (!flags.watch) {
        ctx.exitCode = await once();
        return;
      }
      const cycle = async () => {
        try {
          await once();
        } catch (e) {
          if (isSmProjectError(e)) reporter.onDiagnostics?.(e.diagnostics);
          else throw e;
        }
      };
      await cycle();
      await watchFiles(flags.projectDir, ctx.signal, async (changed) => {
        reporter.onOutput?.(`Changed ${changed.join(', ')}: checking again`);
        await cycle();
      }, () => reporter.onOutput?.('Watching for changes (Ctrl-C to stop)…'));
      ctx.exitCode = EXIT.ok;
    });
}

function report(c: Compilation, impact: StateImpact | undefined, seconds: number, reporter: Reporter, selected: boolean): number {
  const r = c.check!;
  // An installed package's warnings (YAML documenting columns its models no longer select) are the
  // package's, not the project's to fix: counted, and listed when a selection asks for them.
  const root = c.project.config.name;
  const packageOf = (d: (typeof r.diagnostics)[number]) => d.nodeId?.split('.')[1];
  const folded = selected ? [] : r.diagnostics.filter((d) => d.severity === 'warning' && (packageOf(d) ?? root) !== root);
  const shown = folded.length ? r.diagnostics.filter((d) => !folded.includes(d)) : r.diagnostics;
  if (shown.length) reporter.onDiagnostics?.(shown);
  const nodes = c.selected.map((id) => r.nodes.get(id)).filter((n) => n !== undefined);
  const checked = nodes.filter((n) => n.status !== 'not_checked').length;
  const lines: string[] = [];
  // One line per reason: a project whose tests ask the warehouse (expect_column_to_exist) has hundreds of them.
  const byReason = new Map<string, string[]>();
  for (const n of r.notChecked) byReason.set(n.reason ?? 'unknown reason', [...(byReason.get(n.reason ?? 'unknown reason') ?? []), n.id]);
  for (const [reason, ids] of byReason) {
    if (ids.length === 1) lines.push(`not checked: ${ids[0]}: ${reason}`);
    else lines.push(`not checked (${ids.length}), ${reason}: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`);
  }
  const unknownSources = nodes.filter((n) => n.id.startsWith('source.') && n.open);
  if (unknownSources.length) {
    lines.push(`columns unknown (no data_type on every YAML column, no catalog): ${unknownSources.map((n) => n.id.split('.').slice(2).join('.')).join(', ')}; models reading them are checked only for what is known.`);
  }
  if (impact) {
    for (const ch of impact.changes) lines.push(`changed: ${ch.unique_id}.${ch.column} ${ch.change === 'removed' ? `removed (was ${ch.was ?? 'of unknown type'})` : `${ch.was} -> ${ch.now}`}`);
    for (const d of impact.downstream) lines.push(`  ${d.status === 'broken' ? 'breaks' : 'affects'} ${d.unique_id}.${d.column} (from ${d.causes.join(', ')})`);
    if (!impact.changes.length) lines.push('No column changed type or disappeared since the state.');
  }
  if (folded.length) {
    const counts = new Map<string, number>();
    for (const d of folded) counts.set(packageOf(d)!, (counts.get(packageOf(d)!) ?? 0) + 1);
    const each = [...counts].map(([p, n]) => `${p}: ${n}`).join(', ');
    lines.push(`${folded.length} warning${folded.length === 1 ? '' : 's'} in installed packages (${each}), not listed; \`sm check -s package:<name>\` lists them.`);
  }
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  const cached = nodes.filter((n) => n.status !== 'not_checked' && r.cached.has(n.id)).length;
  lines.push(`Checked ${checked} node${checked === 1 ? '' : 's'} (${cached} unchanged since the last check${r.notChecked.length ? `, ${r.notChecked.length} not checked` : ''}) in ${seconds.toFixed(2)}s: ${errors ? `${errors} error${errors === 1 ? '' : 's'}` : 'no errors'}. Lineage is in ${c.project.config.targetPath}/manifest.json.`);
  reporter.onOutput?.(lines.join('\n'));
  const broken = impact?.downstream.some((d) => d.status === 'broken');
  return errors || broken ? EXIT.failed : EXIT.ok;
}
