import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.ts';
import { readYamlFile, type YamlFile } from '../project/yaml-file.ts';
import type { SelectorSpec } from './select.ts';

/**
 * selectors.yml: `selectors: [{name, definition}]`. A definition is a selection string,
 * `{method, value, parents, children, parents_depth, children_depth, childrens_parents}`,
 * or `{union: [...]}` / `{intersection: [...]}` whose items may include one `{exclude: [...]}`
 * (subtracted from the rest); a method mapping may carry `exclude:` too. Nesting is free.
 */
export function readSelectors(projectDir: string, diagnostics: Diagnostic[]): Map<string, SelectorSpec> {
  const out = new Map<string, SelectorSpec>();
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
    try {
      out.set(e.name, toSpec(e.definition));
    } catch (err) {
      diagnostics.push(diag('SM_SELECTOR_INVALID', `Selector "${e.name}": ${(err as Error).message}`, locate(y!, ['selectors', i, 'definition']), { hint: 'See the definition forms at the top of this message: a string, {method, value}, {union: [...]}, {intersection: [...]}, with {exclude: [...]} items.' }));
    }
  });
  return out;
}

function locate(y: YamlFile, path: (string | number)[]) {
  return y.locate(path);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toSpec(def: unknown): SelectorSpec {
  if (typeof def === 'string') return { kind: 'expr', expr: def };
  if (!isObj(def)) throw new Error('a definition is a string or a mapping');
  for (const kind of ['union', 'intersection'] as const) {
    if (!(kind in def)) continue;
    const items = def[kind];
    if (!Array.isArray(items)) throw new Error(`\`${kind}:\` must be a list`);
    const include: SelectorSpec[] = [];
    const exclude: SelectorSpec[] = [];
    for (const item of items) {
      if (isObj(item) && 'exclude' in item && Object.keys(item).length === 1) exclude.push(...excludeList(item.exclude));
      else include.push(toSpec(item));
    }
    const base: SelectorSpec = { kind, items: include };
    return exclude.length ? { kind: 'difference', include: base, exclude: { kind: 'union', items: exclude } } : base;
  }
  if ('method' in def || 'value' in def) {
    const atom: SelectorSpec = { kind: 'atom', atom: atomOf(def) };
    return 'exclude' in def ? { kind: 'difference', include: atom, exclude: { kind: 'union', items: excludeList(def.exclude) } } : atom;
  }
  throw new Error(`unknown definition keys ${Object.keys(def).join(', ')}`);
}

function excludeList(v: unknown): SelectorSpec[] {
  if (!Array.isArray(v)) throw new Error('`exclude:` must be a list of definitions');
  return v.map(toSpec);
}

function atomOf(d: Record<string, unknown>): string {
  const method = String(d.method ?? 'fqn');
  const value = String(d.value ?? '');
  const base = method === 'fqn' ? value : `${method}:${value}`;
  const up = d.parents_depth !== undefined ? `${Number(d.parents_depth)}+` : d.parents === true ? '+' : '';
  const down = d.children_depth !== undefined ? `+${Number(d.children_depth)}` : d.children === true ? '+' : '';
  if (d.childrens_parents === true) return `@${base}`;
  return `${up}${base}${down}`;
}
