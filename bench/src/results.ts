import { median } from './measure.ts';

/** One figure: repeated runs of one tool doing one thing. */
export interface Measurement {
  readonly id: string;
  readonly tool: string;
  readonly what: string;
  /** Wall times of each repetition, milliseconds. */
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  /** Median user+system CPU time of the process tree, when GNU time measured it. */
  readonly cpuMs?: number;
  readonly peakRssMb?: number;
}

/** A ratio of two measurements of the same run; `value` > 1 means the subject is faster. */
export interface Ratio {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly unit: '×' | 'ms' | 'ms/model';
  readonly meaning: string;
  /** The issue 5 target, in words, and whether this run met it (undefined: the run cannot tell, e.g. noise larger than the effect). */
  readonly target?: string;
  readonly met?: boolean | undefined;
}

export interface NotRun {
  readonly what: string;
  readonly reason: string;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly measurements: Measurement[];
  readonly ratios: Ratio[];
  readonly notRun: NotRun[];
  readonly notes: string[];
}

export function newScenario(id: string, title: string): ScenarioResult {
  return { id, title, measurements: [], ratios: [], notRun: [], notes: [] };
}

export function measurement(id: string, tool: string, what: string, runsMs: number[], peaks: (number | undefined)[] = [], cpus: (number | undefined)[] = []): Measurement {
  const known = peaks.filter((p): p is number => p !== undefined);
  const cpu = cpus.filter((p): p is number => p !== undefined);
  return {
    id,
    tool,
    what,
    runsMs,
    medianMs: median(runsMs),
    minMs: Math.min(...runsMs),
    cpuMs: cpu.length ? median(cpu) : undefined,
    peakRssMb: known.length ? Math.max(...known) : undefined,
  };
}

/** Collects the runs of one measurement. */
export function runsOf(): { add(r: { wallMs: number; peakRssMb?: number; cpuMs?: number }): void; done(id: string, tool: string, what: string): Measurement } {
  const wall: number[] = [];
  const peaks: (number | undefined)[] = [];
  const cpus: (number | undefined)[] = [];
  return {
    add: (r) => (wall.push(r.wallMs), peaks.push(r.peakRssMb), cpus.push(r.cpuMs)),
    done: (id, tool, what) => measurement(id, tool, what, wall, peaks, cpus),
  };
}

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/** Print one scenario as aligned text tables. */
export function printScenario(s: ScenarioResult, log: (line: string) => void = console.log): void {
  log(`\n== ${s.title} ==`);
  if (s.measurements.length) {
    const rows = s.measurements.map((m) => [
      m.tool,
      m.what,
      fmtMs(m.medianMs),
      fmtMs(m.minMs),
      String(m.runsMs.length),
      m.cpuMs === undefined ? '' : fmtMs(m.cpuMs),
      m.peakRssMb === undefined ? '' : `${m.peakRssMb.toFixed(0)} MB`,
    ]);
    table(['tool', 'what', 'median', 'min', 'runs', 'cpu', 'peak RSS'], rows, log);
  }
  if (s.ratios.length) {
    log('');
    const rows = s.ratios.map((r) => [
      r.label,
      r.unit === '×' ? `${r.value.toFixed(r.value < 10 ? 2 : 1)}×` : `${r.value.toFixed(2)} ${r.unit}`,
      r.target ? `${r.target}: ${r.met === undefined ? 'inconclusive' : r.met ? 'met' : 'MISSED'}` : '',
    ]);
    table(['ratio', 'value', 'target'], rows, log);
  }
  for (const n of s.notRun) log(`not run: ${n.what}: ${n.reason}`);
  for (const n of s.notes) log(`note: ${n}`);
}

function table(head: string[], rows: string[][], log: (line: string) => void): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  log(line(head));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) log(line(r));
}

/** The same tables in Markdown, for bench/README.md (`node bench/src/results-markdown.ts`). */
export function scenarioMarkdown(s: ScenarioResult): string[] {
  const out = [`### ${s.title}`, ''];
  if (s.measurements.length) {
    out.push('| tool | what | median | min | runs | cpu | peak RSS |', '|---|---|---:|---:|---:|---:|---:|');
    for (const m of s.measurements) {
      out.push(`| ${m.tool} | ${m.what} | ${fmtMs(m.medianMs)} | ${fmtMs(m.minMs)} | ${m.runsMs.length} | ${m.cpuMs === undefined ? '' : fmtMs(m.cpuMs)} | ${m.peakRssMb === undefined ? '' : `${m.peakRssMb.toFixed(0)} MB`} |`);
    }
    out.push('');
  }
  if (s.ratios.length) {
    out.push('| ratio | value | target |', '|---|---:|---|');
    for (const r of s.ratios) {
      const v = r.unit === '×' ? `${r.value.toFixed(r.value < 10 ? 2 : 1)}×` : `${r.value.toFixed(2)} ${r.unit}`;
      out.push(`| ${r.label} | ${v} | ${r.target ? `${r.target}: ${r.met === undefined ? 'inconclusive' : r.met ? 'met' : '**missed**'}` : ''} |`);
    }
    out.push('');
  }
  for (const n of s.notRun) out.push(`- not run: ${n.what}: ${n.reason}`);
  for (const n of s.notes) out.push(`- ${n}`);
  return out;
}
