import { formatDiagnostic, type Diagnostic, type NodeResult, type RunEvent } from '@smsql/core';
import type { Output, Reporter } from './reporter.ts';

const useColor = () => !!process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (s: string) => (useColor() ? `\u001b[${code}m${s}\u001b[0m` : s);
const green = paint(32);
const red = paint(31);
const yellow = paint(33);
const dim = paint(2);

const LABEL: Record<string, (s: string) => string> = {
  success: green,
  pass: green,
  warn: yellow,
  skipped: yellow,
  error: red,
  fail: red,
  cancelled: red,
  'no-op': yellow,
  'partial success': yellow,
};

function time(): string {
  return new Date().toISOString().slice(11, 19);
}

/** The terminal reporter: a line per node with its time, a summary, then every failure with what to do. */
export class PrettyReporter implements Reporter {
  readonly #o: Output;
  readonly #quiet: boolean;
  /** Some node ran: an error after it (an on-run-end hook that failed to render) did not stop everything. */
  #ran = false;
  constructor(o: Output, quiet = false) {
    this.#o = o;
    this.#quiet = quiet;
  }
  onEvent(e: RunEvent): void {
    if (e.type === 'diagnostics') {
      this.onDiagnostics(e.diagnostics);
    } else if (e.type === 'run_start') {
      if (!this.#quiet) this.#o.out(`${time()}  ${e.command}: ${e.total} node${e.total === 1 ? '' : 's'} on target ${e.target} (${e.adapter})`);
    } else if (e.type === 'node_finish') {
      const r = e.result;
      const width = String(e.total).length;
      const kind = r.resourceType === 'model' ? (r.materialized ?? 'model') : r.resourceType;
      const status = (LABEL[r.status] ?? ((s: string) => s))(r.status.toUpperCase().padEnd(7));
      // A model's versions apart, as dbt's selectors name them (`mv.v1`): each line would say `mv`.
      const tail = r.uniqueId.slice(r.uniqueId.indexOf('.', r.uniqueId.indexOf('.') + 1) + 1);
      const shown = r.resourceType === 'model' && tail.startsWith(`${r.name}.v`) ? tail : r.name;
      const name = `${kind} ${shown}`;
      const dots = dim('.'.repeat(Math.max(2, 56 - name.length)));
      // A source's line (sm source freshness) says how long ago it was loaded.
      const extra = r.resourceType === 'source' && !r.message.includes('\n') ? ` ${r.message}` : r.rowsAffected !== undefined && r.resourceType !== 'test' ? ` ${r.rowsAffected} rows` : r.failures ? ` ${r.failures} failing` : '';
      if (!this.#quiet) this.#o.out(`${time()}  ${String(e.index).padStart(width)}/${e.total} ${status} ${name} ${dots} ${r.executionTime.toFixed(2)}s${extra}`);
    } else if (e.type === 'run_end') {
      this.#ran = e.results.length > 0;
      this.#summary(e.results, e.elapsed, e.interrupted);
    } else if (e.type === 'log') {
      if (e.level === 'error') this.#o.err(e.message);
      else if (e.level !== 'debug' && !this.#quiet) this.#o.out(e.message);
    }
  }
  #summary(results: readonly NodeResult[], elapsed: number, interrupted: boolean): void {
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const parts = [
      ['success', count('success') + count('pass')],
      ['warn', count('warn')],
      ['error', count('error')],
      ['fail', count('fail')],
      ['skipped', count('skipped')],
      ['cancelled', count('cancelled')],
      ['no-op', count('no-op')],
      ['partial', count('partial success')],
    ].filter(([, n]) => n) as [string, number][];
    this.#o.out('');
    if (!results.length && !interrupted) {
      // dbt 1.11's words (NothingToDo) when the selection holds nothing this command runs.
      this.#o.out('Nothing to do. Try checking your model configs and model specification args');
      return;
    }
    this.#o.out(`${interrupted ? red('Interrupted.') : 'Done.'} ${parts.map(([k, n]) => `${k === 'success' ? 'OK' : k}=${n}`).join(' ') || 'nothing to do'} in ${elapsed.toFixed(2)}s`);
    for (const r of results.filter((x) => x.status === 'error' || x.status === 'fail' || x.status === 'warn' || x.status === 'partial success')) {
      const head = r.status === 'warn' ? yellow('Warning') : r.status === 'partial success' ? yellow('Partial success') : red(r.status === 'fail' ? 'Failure' : 'Error');
      this.#o.out(`\n${head} in ${r.resourceType} ${r.name} (${r.uniqueId})`);
      this.#o.out(`  ${r.message.split('\n').join('\n  ')}`);
      if (r.compiledPath) this.#o.out(`  compiled SQL: ${r.compiledPath}`);
      if (r.storedFailuresIn) this.#o.out(`  failing rows stored in ${r.storedFailuresIn}`);
    }
    const skipped = results.filter((x) => x.status === 'skipped');
    if (skipped.length) this.#o.out(`\n${skipped.length} skipped: ${skipped.map((s) => s.name).join(', ')}`);
  }
  onDiagnostics(ds: readonly Diagnostic[]): void {
    for (const d of ds) (d.severity === 'error' ? this.#o.err : this.#o.out)(formatDiagnostic(d));
    const n = ds.filter((d) => d.severity === 'error').length;
    if (n) this.#o.err(`\n${n} error${n === 1 ? '' : 's'}; ${this.#ran ? 'the command stopped there' : 'nothing was run'}.`);
  }
  onOutput(text: string): void {
    this.#o.out(text);
  }
  onError(message: string): void {
    this.#o.err(red(message));
  }
}
