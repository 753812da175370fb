import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProject, planProject, renderProject } from './gen-project.ts';

const REF = /\{\{\s*ref\('([^']+)'\)\s*\}\}/g;

describe('planProject / renderProject', () => {
  it('is byte-identical for the same seed and differs for another seed', () => {
    const a = renderProject(planProject({ models: 500, seed: 7 }));
    const b = renderProject(planProject({ models: 500, seed: 7 }));
    const c = renderProject(planProject({ models: 500, seed: 8 }));
    expect([...a.entries()]).toEqual([...b.entries()]);
    expect([...a.entries()]).not.toEqual([...c.entries()]);
  });

  it('renders exactly N model files with unique names', () => {
    for (const n of [3, 1000]) {
      const files = renderProject(planProject({ models: n }));
      const models = [...files.keys()].filter((f) => f.startsWith('models/') && f.endsWith('.sql'));
      expect(models).toHaveLength(n);
      expect(new Set(models.map((f) => f.split('/').pop())).size).toBe(n);
    }
  });

  it('refs only earlier models, 1–4 per non-staging model, so the graph has no cycle', () => {
    const plan = planProject({ models: 2000, seed: 3 });
    const position = new Map(plan.models.map((m, i) => [m.name, i]));
    const files = renderProject(plan);
    for (const [i, m] of plan.models.entries()) {
      const sql = files.get(`models/${m.folder.join('/')}/${m.name}.sql`)!;
      const refs = [...sql.matchAll(REF)].map((x) => x[1]);
      expect(refs).toEqual(m.refs);
      if (m.layer === 'staging') {
        expect(refs).toHaveLength(0);
        expect(sql).toContain(`source('${m.source!.source}', '${m.source!.table}')`);
      } else {
        expect(refs.length).toBeGreaterThanOrEqual(1);
        expect(refs.length).toBeLessThanOrEqual(4);
        expect(new Set(refs).size).toBe(refs.length);
        for (const r of refs) {
          const at = position.get(r);
          expect(at, `${m.name} refs unknown model ${r}`).toBeDefined();
          expect(at!, `${m.name} refs later model ${r}`).toBeLessThan(i);
          expect(plan.models[at!].layer).not.toBe('marts');
        }
      }
    }
  });

  it('carries the realistic features: layers, configs, macros, vars and tests', () => {
    const plan = planProject({ models: 1000 });
    const layers = new Set(plan.models.map((m) => m.layer));
    expect(layers).toEqual(new Set(['staging', 'intermediate', 'marts']));
    const files = renderProject(plan);
    const all = [...files.values()].join('\n');
    expect(all).toContain("{{ config(materialized='incremental'");
    expect(all).toContain('{{ clean_text(');
    expect(all).toContain("var('categories')");
    expect(all).toContain('data_tests: [unique, not_null]');
    expect(files.get('dbt_project.yml')).toContain('+materialized: table');
    expect(files.get('profiles.yml')).toContain('type: duckdb');
    const tested = plan.models.filter((m) => m.tested).length;
    expect(tested).toBeGreaterThan(100);
    expect(tested).toBeLessThan(900);
  });

  it('rejects a size too small to have three layers', () => {
    expect(() => planProject({ models: 2 })).toThrow(/--models must be an integer >= 3/);
  });
});

describe('generateProject', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sm-bench-gen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the rendered files to disk', () => {
    const plan = generateProject(join(dir, 'p'), { models: 50, seed: 2 });
    const marts = readdirSync(join(dir, 'p', 'models', 'marts'), { recursive: true }).filter((f) => String(f).endsWith('.sql'));
    expect(marts).toHaveLength(plan.models.filter((m) => m.layer === 'marts').length);
    expect(readFileSync(join(dir, 'p', 'dbt_project.yml'), 'utf8')).toContain('name: bench_50');
  });
});
