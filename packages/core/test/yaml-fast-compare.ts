import type { Diagnostic } from '../src/diagnostics.ts';
import { parseFastYaml } from '../src/project/yaml-fast.ts';
import { parseYamlText, parseYamlTextWithYaml, type YamlFile } from '../src/project/yaml-file.ts';

/**
 * The differential check of the fast YAML reader against `yaml`: same data (deep, key order,
 * number vs string, -0, NaN), same locate() answers for every path into the data and for paths
 * that go astray from it, and, when the fast reader declines, the same final result from
 * parseYamlText (diagnostics included) as from `yaml` alone.
 */

/** Where two values differ, or undefined when they are the same: Object.is on leaves, own keys in order, same prototypes. */
export function difference(a: unknown, b: unknown, at = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${at}: ${show(a)} vs ${show(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: different kinds`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join('\u0000') !== kb.join('\u0000')) return `${at}: keys [${ka.join(', ')}] vs [${kb.join(', ')}]`;
  for (const k of ka) {
    const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return undefined;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Object.is(v, -0) ? '-0' : String(v));

/** Every path to a value in `data`, and from each a few that lead nowhere (absent keys, indexes past the end, the wrong kind of step). */
export function probePaths(data: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    out.push(path);
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i]));
      out.push([...path, v.length], [...path, '0'], [...path, -1], [...path, 0, 'absent']);
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...path, k]);
      out.push([...path, 'absent'], [...path, 0], [...path, 'absent', 'deeper']);
    } else out.push([...path, 'x'], [...path, 0]);
  };
  walk(data, []);
  return out;
}

/** The first way the two files differ: data, then locate over probePaths. */
export function fileDifference(fast: YamlFile, ref: YamlFile): string | undefined {
  const d = difference(fast.data, ref.data);
  if (d) return `data ${d}`;
  for (const p of probePaths(ref.data)) {
    const a = JSON.stringify(fast.locate(p));
    const b = JSON.stringify(ref.locate(p));
    if (a !== b) return `locate(${JSON.stringify(p)}): ${a} vs ${b}`;
  }
  return undefined;
}

export interface Comparison {
  /** Whether the fast reader took the text (else parseYamlText fell back to `yaml`). */
  accepted: boolean;
  /** How the results differ, if they do. */
  problem?: string;
}

/** Read `src` both ways and compare. */
export function compareWithYaml(src: string, file = 'in.yml'): Comparison {
  const refDiags: Diagnostic[] = [];
  const ref = parseYamlTextWithYaml(src, file, refDiags);
  const diags: Diagnostic[] = [];
  const got = parseYamlText(src, file, diags);
  const accepted = parseFastYaml(src) !== undefined;
  if (accepted && (!ref || refDiags.length)) return { accepted, problem: `yaml reports ${refDiags.map((d) => d.message).join('; ')}` };
  if (JSON.stringify(diags) !== JSON.stringify(refDiags)) return { accepted, problem: `diagnostics ${JSON.stringify(diags)} vs ${JSON.stringify(refDiags)}` };
  if (!ref || !got) return ref || got ? { accepted, problem: 'one side read nothing' } : { accepted };
  const problem = fileDifference(got, ref);
  return problem ? { accepted, problem } : { accepted };
}
