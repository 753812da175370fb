/**
 * The selection fuzzer's grammar: what a project has to select (read from dbt's manifest.json),
 * and random `ls` invocations over dbt's node selection syntax built from it: methods, wildcards,
 * graph operators, unions, intersections, --exclude, resource types, --selector, indirect
 * selection and output formats, plus hostile ones (unknown methods, malformed criteria).
 */
import type { Rng } from './rng.ts';

/** What the project has, by selection method. */
export interface Inventory {
  names: string[];
  fqns: string[][];
  packages: string[];
  tags: string[];
  paths: string[];
  dirs: string[];
  materialized: string[];
  meta: [string, string][];
  sources: [string, string][];
  testNames: string[];
  groups: string[];
  exposures: string[];
  metrics: string[];
  semanticModels: string[];
  savedQueries: string[];
  unitTests: string[];
  uniqueIds: string[];
  rootPackage: string;
}

type Json = Record<string, any>;

export function inventoryOf(manifest: Json): Inventory {
  const set = () => new Set<string>();
  const names = set(), packages = set(), tags = set(), paths = set(), dirs = set(), mat = set(), testNames = set(), groups = set();
  const fqns: string[][] = [];
  const meta = new Map<string, string>();
  const sources = new Map<string, [string, string]>();
  const uniqueIds: string[] = [];
  const all = [...Object.values(manifest.nodes ?? {}), ...Object.values(manifest.sources ?? {}), ...Object.values(manifest.exposures ?? {}), ...Object.values(manifest.metrics ?? {}), ...Object.values(manifest.semantic_models ?? {}), ...Object.values(manifest.saved_queries ?? {}), ...Object.values(manifest.unit_tests ?? {})] as Json[];
  for (const n of all) {
    uniqueIds.push(n.unique_id);
    packages.add(n.package_name);
    for (const t of n.tags ?? []) tags.add(t);
    if (n.original_file_path) {
      paths.add(n.original_file_path);
      const parts = n.original_file_path.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    if (n.resource_type === 'source') sources.set(n.unique_id, [n.source_name, n.name]);
    else if (['model', 'seed', 'snapshot', 'test', 'analysis'].includes(n.resource_type)) {
      names.add(n.name);
      fqns.push(n.fqn);
    }
    if (n.config?.materialized) mat.add(n.config.materialized);
    for (const [k, v] of Object.entries(n.config?.meta ?? {})) if (typeof v !== 'object') meta.set(k, String(v));
    if (n.test_metadata?.name) testNames.add(n.test_metadata.name);
    if (n.config?.group) groups.add(n.config.group);
  }
  for (const g of Object.values(manifest.groups ?? {}) as Json[]) groups.add(g.name);
  const namesOf = (k: string) => Object.values(manifest[k] ?? {}).map((n) => (n as Json).name as string);
  return {
    names: [...names], fqns, packages: [...packages], tags: [...tags], paths: [...paths], dirs: [...dirs], materialized: [...mat],
    meta: [...meta], sources: [...sources.values()], testNames: [...testNames], groups: [...groups],
    exposures: namesOf('exposures'), metrics: namesOf('metrics'), semanticModels: namesOf('semantic_models'), savedQueries: namesOf('saved_queries'), unitTests: namesOf('unit_tests'),
    uniqueIds, rootPackage: manifest.metadata?.project_name ?? [...packages][0] ?? 'x',
  };
}

/** A name made fuzzier: a `*` suffix or prefix, a `?` for one letter, a `[..]` class, or as it is. */
function wild(r: Rng, s: string): string {
  if (!s || r.chance(0.6)) return s;
  const i = r.int(0, Math.max(0, s.length - 1));
  switch (r.int(0, 4)) {
    case 0: return s.slice(0, Math.max(1, i)) + '*';
    case 1: return '*' + s.slice(i);
    case 2: return s.slice(0, i) + '?' + s.slice(i + 1);
    case 3: return s.slice(0, i) + `[${s[i]}${r.pick(['x', 'a', '_'])}]` + s.slice(i + 1);
    default: return s.toUpperCase() === s ? s.toLowerCase() : s.slice(0, i) + s.slice(i).toUpperCase();
  }
}

const pickOr = (r: Rng, xs: readonly string[], fallback: string) => (xs.length ? r.pick(xs) : fallback);

export const STATE_VALUES = ['new', 'old', 'modified', 'modified.body', 'modified.configs', 'modified.relation', 'modified.persisted_descriptions', 'modified.macros', 'modified.contract', 'unmodified'];
export const RESULT_VALUES = ['error', 'fail', 'pass', 'success', 'skipped', 'warn'];
export const RESOURCE_TYPES = ['model', 'seed', 'snapshot', 'test', 'unit_test', 'source', 'exposure', 'metric', 'semantic_model', 'saved_query', 'analysis', 'function', 'all', 'default'];

/** One method:value criterion (no graph operators). `state` says whether --state will be given. */
export function methodCriterion(r: Rng, inv: Inventory, selectors: string[]): { text: string; needsState: boolean } {
  const plain = (text: string) => ({ text, needsState: false });
  const fqn = () => {
    const f = pickOr(r, inv.fqns.map((x) => x.join('.')), 'x').split('.');
    const cut = r.int(1, f.length);
    return f.slice(0, cut).map((p) => wild(r, p)).join('.');
  };
  switch (r.int(0, 30)) {
    case 0: case 1: case 2: return plain(wild(r, pickOr(r, inv.names, 'x')));
    case 3: return plain(fqn());
    case 4: return plain(`fqn:${fqn()}`);
    case 5: case 6: {
      const p = r.chance(0.5) ? pickOr(r, inv.dirs, 'models') : pickOr(r, inv.paths, 'models/x.sql');
      const v = r.chance(0.3) ? `${p}/` : r.chance(0.15) ? wild(r, p) : p;
      return plain(r.chance(0.3) && v.includes('/') ? v : `path:${v}`);
    }
    case 7: {
      const base = pickOr(r, inv.paths, 'x.sql').split('/').pop()!;
      return plain(`file:${r.chance(0.3) ? base.replace(/\.\w+$/, '') : wild(r, base)}`);
    }
    case 8: case 9: return plain(`tag:${wild(r, pickOr(r, inv.tags, 'nightly'))}`);
    case 10: return plain(`config.materialized:${wild(r, pickOr(r, inv.materialized, 'view'))}`);
    case 11: return plain(`config.tags:${wild(r, pickOr(r, inv.tags, 'x'))}`);
    case 12: {
      const [k, v] = inv.meta.length ? r.pick(inv.meta) : ['owner', 'x'];
      return plain(`config.meta.${k}:${wild(r, v)}`);
    }
    case 13: return plain(`resource_type:${r.pick(RESOURCE_TYPES.filter((t) => t !== 'all' && t !== 'default'))}`);
    case 14: case 15: {
      const [s, t] = inv.sources.length ? r.pick(inv.sources) : ['raw', 'x'];
      const form = r.int(0, 3);
      return plain(`source:${form === 0 ? wild(r, s) : form === 1 ? `${wild(r, s)}.${wild(r, t)}` : form === 2 ? `${inv.rootPackage}.${s}.${t}` : `${s}.*`}`);
    }
    case 16: return plain(`test_type:${r.pick(['generic', 'singular', 'unit', 'data'])}`);
    case 17: return plain(`test_name:${wild(r, pickOr(r, inv.testNames, 'not_null'))}`);
    case 18: return plain(`package:${wild(r, pickOr(r, inv.packages, 'x'))}`);
    case 19: {
      const [m, xs] = r.pick([['exposure', inv.exposures], ['metric', inv.metrics], ['semantic_model', inv.semanticModels], ['saved_query', inv.savedQueries], ['unit_test', inv.unitTests]] as const);
      const name = wild(r, pickOr(r, xs, 'x'));
      return plain(`${m}:${r.chance(0.2) ? `${inv.rootPackage}.${name}` : r.chance(0.1) ? '*' : name}`);
    }
    case 20: return plain(`version:${r.pick(['latest', 'prerelease', 'old', 'none'])}`);
    case 21: return plain(`access:${r.pick(['public', 'protected', 'private'])}`);
    case 22: return plain(`group:${wild(r, pickOr(r, inv.groups, 'g'))}`);
    case 23: case 24: return { text: `state:${r.pick(STATE_VALUES)}`, needsState: true };
    case 25: return { text: `result:${r.pick(RESULT_VALUES)}`, needsState: true };
    // sm's own unique_id method is left out: dbt has none (a documented extension).
    case 26: return plain(`package:this`);
    case 27: return plain(`${r.int(1, 2)}+${pickOr(r, inv.names, 'x')}`);
    case 28: return plain(`package:${inv.rootPackage}`);
    case 29: return plain(wild(r, pickOr(r, inv.packages, 'x')));
    default: return plain(`config.${r.pick(['enabled', 'schema', 'full_refresh', 'severity', 'on_schema_change', 'unique_key'])}:${r.pick(['true', 'false', 'main', 'warn', 'ERROR', 'id', 'ignore'])}`);
  }
}

/** Graph operators around a criterion. */
function withOperators(r: Rng, body: string): string {
  if (r.chance(0.55)) return body;
  switch (r.int(0, 6)) {
    case 0: return `+${body}`;
    case 1: return `${body}+`;
    case 2: return `${r.int(1, 3)}+${body}`;
    case 3: return `${body}+${r.int(0, 2)}`;
    case 4: return `+${body}+`;
    case 5: return `@${body}`;
    default: return `${r.int(1, 2)}+${body}+${r.int(1, 2)}`;
  }
}

/** A union item: one criterion or an intersection of two or three. */
function item(r: Rng, inv: Inventory, selectors: string[], needs: { state: boolean }): string {
  const one = () => {
    const c = methodCriterion(r, inv, selectors);
    if (c.needsState) needs.state = true;
    return withOperators(r, c.text);
  };
  return r.chance(0.2) ? Array.from({ length: r.int(2, 3) }, one).join(',') : one();
}

const HOSTILE = ['+', '1+', '+1', '@', 'tag:', 'a,,b', ',', 'bogus:x', '@x+', 'selector:nope', 'config.:x', ':x', 'x:', '++x', 'x++', 'state:bogus', 'result:', 'version:bogus', 'access:bogus', 'resource_type:bogus', 'test_type:bogus', 'unit_test:a.b.c', 'source:', 'path:', 'fqn:', 'file:', 'tag:*', '*', '**', '1+2+x', 'x+1+', '@+x', 'config:x', 'config.meta:x', 'exposure:', 'group:', 'package:', 'state:modified+'];

/** One `ls` invocation's arguments (without project/profiles dirs); `state` when it must have --state. */
export function invocation(r: Rng, inv: Inventory, selectors: string[]): { args: string[]; needsState: boolean } {
  const needs = { state: false };
  const args: string[] = ['ls'];
  // Items by one space, now and then two (dbt splits on each single space: an empty item between).
  const union = () => Array.from({ length: r.int(1, 3) }, () => item(r, inv, selectors, needs)).join(r.chance(0.05) ? '  ' : ' ');
  if (r.chance(0.06)) args.push('-s', r.pick(HOSTILE));
  else if (r.chance(0.03)) args.push('-s', '');
  else if (r.chance(0.1) && selectors.length) args.push('--selector', r.chance(0.1) ? 'nope' : r.pick(selectors));
  else if (r.chance(0.9)) {
    args.push(r.pick(['-s', '--select', '-m']), union());
    if (r.chance(0.1)) args.push('-s', union());
  }
  if (r.chance(0.25)) args.push('--exclude', r.chance(0.05) ? r.pick(HOSTILE) : union());
  if (r.chance(0.15)) for (let i = r.int(1, 2); i > 0; i--) args.push(r.pick(['--resource-type', '--resource-types']), r.chance(0.03) ? 'bogus' : r.pick(RESOURCE_TYPES));
  if (r.chance(0.1)) for (let i = r.int(1, 2); i > 0; i--) args.push(r.pick(['--exclude-resource-type', '--exclude-resource-types']), r.pick(RESOURCE_TYPES.filter((t) => t !== 'all' && t !== 'default')));
  if (r.chance(0.25)) args.push('--indirect-selection', r.pick(['eager', 'cautious', 'buildable', 'empty']));
  if (r.chance(0.3)) {
    const o = r.pick(['name', 'path', 'json', 'selector']);
    args.push('--output', o);
    const keys = ['unique_id', 'name', 'resource_type', 'unique_id,name', 'config.materialized', 'original_file_path', 'package_name', 'tags', 'depends_on', 'alias', 'config.meta', 'fqn', 'source_name'];
    if (o === 'json' && r.chance(0.6)) args.push('--output-keys', ...Array.from({ length: r.int(1, 3) }, () => r.pick(keys)));
  }
  return { args, needsState: needs.state || r.chance(0.08) };
}

/** A selectors.yml definition, as YAML text at the given indentation. */
function definition(r: Rng, inv: Inventory, others: string[], depth: number, pad: string): string {
  const leaf = (): string => {
    if (r.chance(0.3)) return `${pad}${JSON.stringify(withOperators(r, methodCriterion(r, inv, others).text))}\n`;
    // `method: selector` names a selector defined above it (dbt reads the file top down).
    if (others.length && r.chance(0.1)) return `${pad}method: selector\n${pad}value: ${r.pick(others)}\n`;
    if (r.chance(0.1)) {
      const c = methodCriterion(r, inv, others).text;
      const colon = c.indexOf(':');
      return `${pad}${colon > 0 ? c.slice(0, colon) : 'fqn'}: ${JSON.stringify(colon > 0 ? c.slice(colon + 1) : c)}\n`;
    }
    const c = methodCriterion(r, inv, others).text;
    const colon = c.indexOf(':');
    const [method, value] = colon > 0 ? [c.slice(0, colon), c.slice(colon + 1)] : ['fqn', c];
    let s = `${pad}method: ${method}\n${pad}value: ${JSON.stringify(value)}\n`;
    if (r.chance(0.25)) s += `${pad}children: true\n`;
    if (r.chance(0.25)) s += `${pad}parents: true\n`;
    if (r.chance(0.1)) s += `${pad}children_depth: ${r.int(0, 2)}\n`;
    if (r.chance(0.1)) s += `${pad}parents_depth: ${r.int(0, 2)}\n`;
    if (r.chance(0.08)) s += `${pad}childrens_parents: true\n`;
    if (r.chance(0.15)) s += `${pad}indirect_selection: ${r.pick(['eager', 'cautious', 'buildable', 'empty'])}\n`;
    return s;
  };
  if (depth > 1 || r.chance(0.4)) return leaf();
  const op = r.pick(['union', 'intersection', 'union']);
  let s = `${pad}${op}:\n`;
  for (let i = r.int(1, 3); i > 0; i--) s += `${pad}  - ${dictItem(definition(r, inv, others, depth + 1, `${pad}    `).trimStart())}`;
  if (op === 'union' && r.chance(0.3)) s += `${pad}  - exclude:\n${pad}      - ${dictItem(definition(r, inv, others, depth + 2, `${pad}        `).trimStart())}`;
  return s;
}

/** A list item from a definition: a string stays, a mapping's first line follows the dash. */
const dictItem = (def: string) => (def.endsWith('\n') ? def : `${def}\n`);

/** selectors.yml with `count` random selectors (sel_0 ...), one of them `default: true` when asked. */
export function selectorsYml(r: Rng, inv: Inventory, count: number, withDefault: boolean): { text: string; names: string[] } {
  const names: string[] = [];
  let text = 'selectors:\n';
  for (let i = 0; i < count; i++) {
    const name = `sel_${i}`;
    text += `  - name: ${name}\n    description: fuzz ${i}\n`;
    if (withDefault && i === count - 1) text += '    default: true\n';
    if (r.chance(0.25)) text += `    definition: ${JSON.stringify(withOperators(r, methodCriterion(r, inv, names).text))}\n`;
    else text += `    definition:\n${definition(r, inv, [...names], 0, '      ')}`;
    names.push(name);
  }
  return { text, names };
}

export { HOSTILE };

/** selectors.yml files dbt refuses, each with an invocation that reads it. */
export const BROKEN_SELECTORS: string[] = [
  'selectors:\n  - name: a\n',
  'selectors:\n  - definition: tag:x\n',
  'selectors:\n  - name: a\n    definition:\n      method: bogus\n      value: x\n',
  'selectors:\n  - name: a\n    definition:\n      union: tag:x\n',
  'selectors:\n  - name: a\n    definition: tag:x\n  - name: a\n    definition: tag:y\n',
  'selectors:\n  - name: a\n    definition: tag:x\n    default: true\n  - name: b\n    definition: tag:y\n    default: true\n',
  'selectors:\n  - name: a\n    definition:\n      method: tag\n',
  'selectors:\n  - name: a\n    definition:\n      union:\n        - method: tag\n          value: x\n        - exclude:\n            - tag:y\n        - exclude:\n            - tag:z\n',
  'selectors: [',
  'selectors: 3\n',
  'selectors:\n  - name: a\n    definition:\n      method: selector\n      value: a\n',
  'selectors:\n  - name: a\n    definition:\n      method: tag\n      value: x\n      indirect_selection: bogus\n',
  'selectors:\n  - name: a\n    definition:\n      method: tag\n      value: x\n      children: yes please\n',
  'other: 1\n',
  'selectors:\n  - name: a\n    definition:\n      intersection: []\n',
];
