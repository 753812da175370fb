import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diag, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { readYamlFile, type YamlFile } from '../project/yaml-file.ts';
import { checkMethod, parseSelectionArgs } from './parse-selection.ts';
import { criterion, type IndirectSelection, type SelectionExpr } from './selection-expr.ts';

/**
 * selectors.yml: `selectors: [{name, definition}]`. A definition is a selection string,
 * `{method, value, parents, children, parents_depth, children_depth, childrens_parents}`,
 * or `{union: [...]}` / `{intersection: [...]}` whose items may include one `{exclude: [...]}`
 * (subtracted from the rest); a method mapping may carry `exclude:` too. Nesting is free.
 */
export function readSelectors(projectDir: string, diagnostics: Diagnostic[]): Map<string, SelectionExpr> {
  const out = new Map<string, SelectionExpr>();
  const abs = join(projectDir, 'selectors.yml');
  if (!existsSync(abs)) return out;
  const y = readYamlFile(abs, 'selectors.yml', diagnostics);
  if (!y) return out;
  const list = isObj(y.data) ? y.data.selectors : undefined;
  if (!Array.isArray(list)) {
    // An empty file selects nothing; anything else that is not a list of selectors is a mistake.
    if (y.data !== null && y.data !== undefined) {
      const at = y.locate(isObj(y.data) && 'selectors' in y.data ? ['selectors'] : []);
      diagnostics.push(diag('SM_SELECTOR_INVALID', 'selectors.yml must hold `selectors:`, a list of entries with `name:` and `definition:`', at));
    }
    return out;
  }
  list.forEach((s, i) => {
    const e = s as { name?: string; definition?: unknown };
    if (!isObj(e) || typeof e.name !== 'string' || !e.name || e.definition === undefined || Array.isArray(e.definition)) {
      diagnostics.push(diag('SM_SELECTOR_INVALID', 'Each selector needs `name:` and `definition:` (a string or a mapping, not a list)', y.locate(['selectors', i])));
      return;
    }
    try {
      // As dbt 1.11: a name given twice is the later definition; `method: selector` names one defined above.
      out.set(e.name, toSpec(e.definition, out, true));
    } catch (err) {
      diagnostics.push(diag('SM_SELECTOR_INVALID', `Selector "${e.name}": ${(err as Error).message}`, locate(y, ['selectors', i, 'definition']), { hint: 'See the definition forms at the top of this message: a string, {method, value}, {union: [...]}, {intersection: [...]}, with {exclude: [...]} items.' }));
    }
  });
  return out;
}

/**
 * The selector marked `default: true` in selectors.yml, which dbt uses when a command is given
 * no --select, --exclude or --selector; undefined when there is none. Two defaults are an error, as in dbt.
 */
export function defaultSelectorName(projectDir: string): string | undefined {
  const abs = join(projectDir, 'selectors.yml');
  if (!existsSync(abs)) return undefined;
  const y = readYamlFile(abs, 'selectors.yml', []);
  const list = y && isObj(y.data) ? y.data.selectors : undefined;
  if (!Array.isArray(list)) return undefined;
  const defaults = list.filter((s): s is { name: string } => isObj(s) && typeof s.name === 'string' && (s.default === true || (typeof s.default === 'string' && /^\s*true\s*$/i.test(s.default))));
  if (defaults.length > 1) {
    throw new SmProjectError([diag('SM_SELECTOR_INVALID', `More than one selector in selectors.yml is marked default: true (${defaults.map((d) => d.name).join(', ')})`, { file: 'selectors.yml' }, { hint: 'Keep `default: true` on one selector only.' })]);
  }
  return defaults[0]?.name;
}

/** {@link readSelectors} for a selection that names a selector: a mistake in selectors.yml stops the command (exit 2). */
export function readSelectorsOrThrow(projectDir: string): Map<string, SelectionExpr> {
  const diagnostics: Diagnostic[] = [];
  const out = readSelectors(projectDir, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) throw new SmProjectError(diagnostics);
  return out;
}

function locate(y: YamlFile, path: (string | number)[]) {
  return y.locate(path);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Python's truth of a YAML value, as dbt reads `parents:`, `children:` and `childrens_parents:`. */
const truthy = (v: unknown): boolean => !(v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && !v.length) || (isObj(v) && !Object.keys(v).length));

/** A definition as dbt 1.11's parse_from_definition reads it; `named`: the selectors defined above it. */
function toSpec(def: unknown, named: ReadonlyMap<string, SelectionExpr>, root = false): SelectionExpr {
  if (typeof def === 'string') {
    // sm reads a definition string as a command line's selection (dbt: one criterion).
    const e = def.trim() ? parseSelectionArgs([def]) : undefined;
    if (!e) throw new Error('a definition string selects something; this one is empty');
    return e;
  }
  if (!isObj(def)) throw new Error(`a definition is a string or a mapping, not ${JSON.stringify(def)}`);
  for (const kind of ['union', 'intersection'] as const) {
    if (!(kind in def)) continue;
    if (root && Object.keys(def).length > 1) throw new Error(`only one \`union\` or \`intersection\` key is allowed at the top of a definition; found ${Object.keys(def).join(', ')}`);
    const items = def[kind];
    if (!Array.isArray(items)) throw new Error(`\`${kind}:\` must be a list`);
    const include: SelectionExpr[] = [];
    let exclude: SelectionExpr | undefined;
    for (const item of items) {
      if (isObj(item) && 'exclude' in item) {
        if (exclude) throw new Error(`\`${kind}:\` has more than one \`exclude:\` item; put every exclusion in one`);
        exclude = excludeOf(item.exclude, named);
      } else include.push(toSpec(item, named));
    }
    const base: SelectionExpr = { kind, items: include };
    return exclude ? { kind: 'difference', include: base, exclude } : base;
  }
  const keys = Object.keys(def);
  // `{tag: nightly}`: one key is a method and its value.
  if (keys.length === 1) return criterionOf({ method: keys[0], value: def[keys[0]!] }, def);
  if (def.method === 'selector') {
    const ref = named.get(String(def.value));
    if (!ref) throw new Error(`no selector named "${String(def.value)}" above this one (\`method: selector\` names a selector defined earlier in the file)`);
    return ref;
  }
  if (!('method' in def) || !('value' in def)) throw new Error(`a mapping has one key (\`tag: nightly\`) or \`method:\` and \`value:\`; found ${keys.join(', ')}`);
  const atom = criterionOf(def, def);
  return 'exclude' in def ? { kind: 'difference', include: atom, exclude: excludeOf(def.exclude, named) } : atom;
}

/** An `exclude:` list: one definition, or the union of several. */
function excludeOf(v: unknown, named: ReadonlyMap<string, SelectionExpr>): SelectionExpr {
  if (!Array.isArray(v)) throw new Error('`exclude:` must be a list of definitions');
  const items = v.map((x) => toSpec(x, named));
  return items.length === 1 ? items[0]! : { kind: 'union', items };
}

const MODES = ['eager', 'cautious', 'buildable', 'empty'];

/** dbt's SelectionCriteria.selection_criteria_from_dict: `parents_depth`/`children_depth` count only with `parents`/`children` (0 or none: no limit). */
function criterionOf(d: Record<string, unknown>, raw: Record<string, unknown>): SelectionExpr {
  const method = String(d.method);
  const value = d.value === null || d.value === undefined ? '' : String(d.value);
  try {
    checkMethod(method === 'fqn' ? value : `${method}:${value}`, method, value);
  } catch (e) {
    throw new Error((e as { diagnostics?: { message: string }[] }).diagnostics?.[0]?.message ?? String(e));
  }
  const depth = (k: 'parents_depth' | 'children_depth'): number => {
    const v = raw[k];
    if (!truthy(v)) return Infinity;
    const n = typeof v === 'number' ? v : /^\s*[+-]?\d+\s*$/.test(String(v)) ? Number(v) : NaN;
    if (!Number.isInteger(n)) throw new Error(`${k} must be a whole number, not ${JSON.stringify(v)}`);
    return n;
  };
  const mode = raw.indirect_selection;
  if (mode !== undefined && !MODES.includes(String(mode))) throw new Error(`indirect_selection must be one of ${MODES.join(', ')}, not ${JSON.stringify(mode)}`);
  if (truthy(raw.childrens_parents) && truthy(raw.children)) throw new Error('childrens_parents ("@") and children ("+" after) are incompatible, as in dbt; keep one');
  return criterion(method, value, {
    childrensParents: truthy(raw.childrens_parents) || undefined,
    parents: truthy(raw.parents) ? depth('parents_depth') : undefined,
    children: truthy(raw.children) ? depth('children_depth') : undefined,
    indirectSelection: mode === undefined ? undefined : (String(mode) as IndirectSelection),
  });
}

/**
 * selectors.yml as dbt's manifest.json lists it under `selectors`: each entry as written, its
 * definition in dbt's parsed form (a selection string becomes `{method, value}` with `parents`,
 * `children`, depths as dbt's spec pattern reads them; a `{method: selector}` entry becomes the
 * named selector's definition). Empty when there is no file or it cannot be read (the command
 * that names a selector reports that).
 */
export function manifestSelectors(projectDir: string): Record<string, unknown> {
  const abs = join(projectDir, 'selectors.yml');
  if (!existsSync(abs)) return {};
  const y = readYamlFile(abs, 'selectors.yml', []);
  const list = y && isObj(y.data) ? y.data.selectors : undefined;
  if (!Array.isArray(list)) return {};
  const out: Record<string, Record<string, unknown>> = {};
  try {
    for (const s of list) {
      if (!isObj(s) || typeof s.name !== 'string') continue;
      out[s.name] = { ...s, definition: dbtDefinition(s.definition, out) };
    }
  } catch {
    return {};
  }
  return out;
}

const SPEC = /^(?<childrens_parents>@)?(?<parents>(?<parents_depth>\d*)\+)?(?:(?<method>[\w.]+):)?(?<value>.*?)(?<children>\+(?<children_depth>\d*))?$/s;

/** dbt's SelectionCriteria.dict_from_single_spec: the parts of a selection string that are set. */
function specDict(raw: string): Record<string, unknown> {
  const g = SPEC.exec(raw)?.groups;
  if (!g) return { error: 'Invalid selector spec' };
  const value = g.value ?? '';
  const method = g.method ?? (value.includes('/') ? 'path' : /\.(sql|py|csv)$/i.test(value) ? 'file' : 'fqn');
  const parts: [string, unknown][] = [
    ['childrens_parents', g.childrens_parents],
    ['parents', g.parents],
    ['parents_depth', g.parents_depth],
    ['method', method],
    ['value', value],
    ['children', g.children],
    ['children_depth', g.children_depth],
  ];
  const out: Record<string, unknown> = {};
  for (const [k, v] of parts) if (v !== undefined && v !== '') out[k] = k === 'childrens_parents' || k === 'parents' || k === 'children' ? true : v;
  return out;
}

/** dbt's SelectorDict.parse_from_definition. */
function dbtDefinition(def: unknown, named: Record<string, Record<string, unknown>>): unknown {
  if (typeof def === 'string') return specDict(def);
  if (!isObj(def)) return def;
  for (const kind of ['union', 'intersection'] as const) {
    if (!(kind in def)) continue;
    const items = Array.isArray(def[kind]) ? (def[kind] as unknown[]) : [];
    return { [kind]: items.map((x) => (isObj(x) ? dbtDefinition(x, named) : typeof x === 'string' ? specDict(x) : x)) };
  }
  const [key] = Object.keys(def);
  if (key === undefined) return def;
  let value = def[key];
  if (Array.isArray(value)) value = value.map((x) => dbtDefinition(x, named));
  if (key === 'exclude') return { exclude: value };
  if (Object.keys(def).length === 1) return { method: key, value };
  if (key === 'method' && value === 'selector') {
    const ref = named[String(def.value)];
    if (!ref) throw new Error(`Existing selector definition for ${String(def.value)} not found.`);
    return structuredClone(ref.definition);
  }
  return def;
}
