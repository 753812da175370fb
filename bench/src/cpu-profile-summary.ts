import { readFileSync } from 'node:fs';

/**
 * Where a `node --cpu-prof` profile spends its time, without a browser:
 * `node bench/src/cpu-profile-summary.ts FILE.cpuprofile [N]` prints the top N functions by
 * self time and the top N source files by self time.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function summarize(profile: Profile, top = 25): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = (profile.endTime - profile.startTime) / 1000;
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  const area = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const where = f.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/.*\/work\/main\//, '') || '(native/gc)';
    const key = `${f.functionName || '(anonymous)'}  ${where}:${f.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us / 1000);
    file.set(where, (file.get(where) ?? 0) + us / 1000);
    const a = areaOf(where, f.functionName);
    area.set(a, (area.get(a) ?? 0) + us / 1000);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${k}`);
  return [`total ${total.toFixed(0)} ms`, '', 'by area (self time):', ...rows(area), '', 'by function (self time):', ...rows(fn), '', 'by file (self time):', ...rows(file)];
}

/** A dependency by package name, our code by folder, the runtime by what it does. */
function areaOf(where: string, fn: string): string {
  if (where === '(native/gc)') return fn === '(garbage collector)' ? 'gc' : fn.startsWith('(') ? fn : `native: ${fn}`;
  if (where.startsWith('node:')) return 'node internals';
  const pkg = /^(@[^/]+\/[^/]+|[^/]+)\/(dist|src|lib)\//.exec(where);
  if (pkg && !where.startsWith('packages/')) return pkg[1];
  const ours = /^(packages\/[^/]+\/src\/(?:[^/]+\/)?)/.exec(where);
  return ours ? ours[1] : where;
}

if (import.meta.main) {
  const [path, n] = process.argv.slice(2);
  if (!path) {
    console.error('usage: node bench/src/cpu-profile-summary.ts FILE.cpuprofile [N]');
    process.exitCode = 2;
  } else {
    for (const line of summarize(JSON.parse(readFileSync(path, 'utf8')) as Profile, Number(n ?? 25))) console.log(line);
  }
}
