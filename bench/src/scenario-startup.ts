import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from './bench-config.ts';
import { generateProject } from './gen-project.ts';
import { timeOk, type CommandSpec } from './measure.ts';
import { projectCopyFilter } from './project-copy-filter.ts';
import { newScenario, runsOf, type ScenarioResult } from './results.ts';
import { REPO_ROOT, type Tool } from './tools.ts';

/**
 * Startup of the built CLI (what an installed `sm` runs, and what every Airflow task pays), in
 * rounds that interleave each command with Node's own start (`node -e 0`), so a busy machine
 * slows both alike: `sm --version`, `sm ls` on Streamify and a warm `sm compile` of the
 * 200-model generated project.
 */
export async function startupScenario(cfg: BenchConfig, sm: Tool, log: (s: string) => void): Promise<ScenarioResult> {
  const s = newScenario('startup', 'Startup: the built sm CLI beside node -e 0');
  if (!sm.available) {
    s.notRun.push({ what: 'startup', reason: sm.reason });
    return s;
  }
  const base = join(cfg.workDir, 'startup');
  rmSync(base, { recursive: true, force: true });
  const streamify = join(base, 'streamify');
  const projectSrc = join(REPO_ROOT, 'project');
  cpSync(projectSrc, streamify, { recursive: true, filter: projectCopyFilter(projectSrc) });
  const p200 = join(base, 'p200');
  generateProject(p200, { models: 200, seed: 1 });

  const commands: [id: string, what: string, spec: CommandSpec][] = [
    ['node', 'node -e 0', { cmd: process.execPath, args: ['-e', '0'], cwd: base }],
    ['version', 'sm --version', sm.command(['--version'], base)],
    ['ls', 'sm ls on Streamify', sm.command(['ls', '--project-dir', streamify], streamify)],
    ['compile200', 'sm compile, 200 models, warm', sm.command(['compile', '--project-dir', p200, '--profiles-dir', p200], p200)],
  ];
  // Warm: the render cache of both projects and Node's compile cache.
  for (const [, , spec] of commands) await timeOk(spec);
  const rounds = cfg.quick ? 10 : 30;
  const runs = new Map(commands.map(([id]) => [id, runsOf()]));
  for (let r = 0; r < rounds; r++) for (const [id, , spec] of commands) runs.get(id)!.add(await timeOk(spec));
  const m = new Map(commands.map(([id, what]) => [id, runs.get(id)!.done(`startup-${id}`, id === 'node' ? 'node' : 'sm', what)]));
  for (const x of m.values()) {
    s.measurements.push(x);
    log(`  ${x.what}: median ${x.medianMs.toFixed(0)} ms`);
  }
  const node = m.get('node')!.medianMs;
  const above = (id: string) => m.get(id)!.medianMs - node;
  s.ratios.push({ id: 'startup-version-above-node', label: 'sm --version above node -e 0', value: above('version'), unit: 'ms', meaning: 'median wall time of sm --version minus that of node -e 0, same rounds', target: '≤ 100 ms', met: above('version') <= 100 });
  s.ratios.push({ id: 'startup-ls', label: 'sm ls on Streamify', value: m.get('ls')!.medianMs, unit: 'ms', meaning: `median wall time (node -e 0: ${node.toFixed(0)} ms)`, target: '≤ 300 ms', met: m.get('ls')!.medianMs <= 300 });
  s.ratios.push({ id: 'startup-compile200', label: 'sm compile, 200 models, warm', value: m.get('compile200')!.medianMs, unit: 'ms', meaning: `median wall time (node -e 0: ${node.toFixed(0)} ms)`, target: '≤ 300 ms', met: m.get('compile200')!.medianMs <= 300 });
  s.notes.push(`${rounds} interleaved rounds after one warm-up run of each; the built CLI (packages/cli/dist/bin.js).`);
  return s;
}
