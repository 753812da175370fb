import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.ts';
import { readYamlFile } from '../project/yaml-file.ts';

export interface NamedSelector {
  select: string[];
  exclude: string[];
}

/**
 * selectors.yml: `selectors: [{name, definition}]` where a definition is a selection string,
 * `{method, value, parents, children}`, or `{union: [...]}` / `{intersection: [...]}` with
 * an optional `exclude`.
 */
export function readSelectors(projectDir: string, diagnostics: Diagnostic[]): Map<string, NamedSelector> {
  const out = new Map<string, NamedSelector>();
  const abs = join(projectDir, 'selectors.yml');
  if (!existsSync(abs)) return out;
  const y = readYamlFile(abs, 'selectors.yml', diagnostics);
  const list = (y?.data as { selectors?: unknown })?.selectors;
  if (!Array.isArray(list)) return out;
  list.forEach((s, i) => {
    const e = s as { name?: string; definition?: unknown };
    if (!e?.name || e.definition === undefined) {
      diagnostics.push(diag('SM_SELECTOR_INVALID', 'Each selector needs `name:` and `definition:`', y!.locate(['selectors', i])));
      return;
    }
    const sel: NamedSelector = { select: [], exclude: [] };
    toExprs(e.definition, sel);
    out.set(e.name, sel);
  });
  return out;
}

function atom(d: Record<string, unknown>): string {
  const method = String(d.method ?? 'fqn');
  const value = String(d.value ?? '');
  const base = method === 'fqn' ? value : `${method}:${value}`;
  const up = d.parents ? '+' : d.parents_depth ? `${d.parents_depth}+` : '';
  const down = d.children ? '+' : d.children_depth ? `+${d.children_depth}` : '';
  return `${d.childrens_parents ? '@' : ''}${up}${base}${down}`;
}

function toExprs(def: unknown, sel: NamedSelector): void {
  if (typeof def === 'string') {
    sel.select.push(def);
    return;
  }
  const d = def as Record<string, unknown>;
  if (Array.isArray(d.union)) {
    for (const u of d.union) {
      if (u && typeof u === 'object' && 'exclude' in (u as object)) {
        for (const x of (u as { exclude: unknown[] }).exclude) sel.exclude.push(typeof x === 'string' ? x : atom(x as Record<string, unknown>));
      } else toExprs(u, sel);
    }
  } else if (Array.isArray(d.intersection)) {
    const parts: string[] = [];
    for (const u of d.intersection) parts.push(typeof u === 'string' ? u : atom(u as Record<string, unknown>));
    sel.select.push(parts.join(','));
  } else if (d.method) sel.select.push(atom(d));
  if (Array.isArray(d.exclude)) for (const x of d.exclude) sel.exclude.push(typeof x === 'string' ? x : atom(x as Record<string, unknown>));
}
