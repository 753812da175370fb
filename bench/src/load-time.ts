/**
 * `node --conditions=smsql-source bench/src/load-time.ts DIR [--reps N]`
 *
 * Wall and CPU time of loading the project in DIR (loadProjectCollecting with noCache, so every
 * schema YAML file is parsed: what a cold compile's main thread does before rendering), once
 * per fresh process (the first load pays the JIT warm-up, as a cold compile does). For a
 * before/after, run it alternately from two checkouts. Not a ratio: a phase of the cold compile.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { loadProjectCollecting } from '@smsql/core';

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) throw new Error('usage: node --conditions=smsql-source bench/src/load-time.ts DIR [--reps N]');
const at = args.indexOf('--reps');
const reps = at >= 0 ? Number(args[at + 1]) : 1;

if (reps > 1) {
  for (let i = 0; i < reps; i++) spawnSync(process.execPath, [...process.execArgv, import.meta.filename, dir], { stdio: 'inherit' });
} else {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const p = loadProjectCollecting({ projectDir: resolve(dir), noCache: true });
  const c = process.cpuUsage(c0);
  console.log(`load ${dir}: ${(performance.now() - t0).toFixed(0)} ms wall, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU (${p.models.length} models, ${p.tests.length} tests)`);
}
