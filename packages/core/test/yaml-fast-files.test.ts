import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planProject, renderProject } from '../../../bench/src/gen-project.ts';
import { parseYamlText } from '../src/project/yaml-file.ts';
import { compareWithYaml, difference, fileDifference } from './yaml-fast-compare.ts';
import { mutate, randomDocument } from './yaml-fast-gen.ts';

/**
 * The fast YAML reader against `yaml` on real and made-up files: every YAML file in the
 * repository, the 10,000-model benchmark project's (which it must read itself, or the load
 * loses its speed), random documents and random edits of real files.
 */

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === '.git') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

const repoFiles = yamlFiles(ROOT);
const texts = repoFiles.map((f) => readFileSync(f, 'utf8'));

describe('fast YAML reader on real files', () => {
  it('the repository has YAML files to read', () => {
    expect(repoFiles.some((f) => relative(ROOT, f).startsWith('project/models/'))).toBe(true);
  });

  it('reads every YAML file in the repository as yaml does', () => {
    const problems = repoFiles.map((f, i) => [relative(ROOT, f), compareWithYaml(texts[i]!, f).problem]).filter(([, p]) => p);
    expect(problems).toEqual([]);
  });

  it("takes every file of the 10,000-model benchmark project itself and reads them as yaml does", () => {
    const files = renderProject(planProject({ models: 10_000 }));
    const yml = [...files].filter(([p]) => p.endsWith('.yml'));
    expect(yml.length).toBeGreaterThan(20);
    const results = yml.map(([p, text]) => ({ p, ...compareWithYaml(text, p) }));
    expect(results.filter((r) => r.problem).map((r) => `${r.p}: ${r.problem}`)).toEqual([]);
    expect(results.filter((r) => !r.accepted).map((r) => r.p)).toEqual([]);
  });
});

describe('fast YAML reader on made-up files', () => {
  it('reads random documents as yaml does, and takes at least a third of them', () => {
    let accepted = 0;
    const problems: string[] = [];
    for (let seed = 0; seed < 1500; seed++) {
      const src = randomDocument(seed);
      const r = compareWithYaml(src);
      if (r.accepted) accepted++;
      if (r.problem) problems.push(`seed ${seed} ${JSON.stringify(src)}: ${r.problem}`);
    }
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(500);
  });

  it('reads random edits of real and random files as yaml does, or leaves them to it', () => {
    let accepted = 0;
    const problems: string[] = [];
    for (let seed = 0; seed < 1500; seed++) {
      const base = seed % 2 ? texts[seed % texts.length]! : randomDocument(seed);
      const src = mutate(base, seed);
      const r = compareWithYaml(src);
      if (r.accepted) accepted++;
      if (r.problem) problems.push(`seed ${seed} ${JSON.stringify(src)}: ${r.problem}`);
    }
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(150);
  });
});

describe('the differential check itself', () => {
  it('tells apart values yaml-equal-looking tests would confuse', () => {
    expect(difference({ a: 1, b: 2 }, { b: 2, a: 1 })).toMatch(/keys/);
    expect(difference({ a: '1' }, { a: 1 })).toMatch(/\$\.a/);
    expect(difference([-0], [0])).toMatch(/-0/);
    expect(difference([NaN, null], [NaN, null])).toBeUndefined();
  });

  it('notices a wrong location', () => {
    const ref = parseYamlText('a:\n  b: 1\n', 'f.yml', [])!;
    const wrong = { ...ref, locate: (p: readonly (string | number)[]) => (p.length > 1 ? { file: 'f.yml', line: 2, column: 4 } : ref.locate(p)) };
    expect(fileDifference(wrong, ref)).toMatch(/locate\(\["a","b"\]\)/);
  });
});
