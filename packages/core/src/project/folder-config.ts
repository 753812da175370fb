/**
 * dbt's folder defaults: under `models:` the first level names the project, then folders;
 * `+key` (or a non-object value) is a config, an object is a subfolder. Deeper wins, except
 * `tags`, which accumulate, and `meta`, which merges.
 */
export function folderConfig(tree: Record<string, unknown> | undefined, projectName: string, folders: readonly string[]): Record<string, unknown> {
  if (!tree) return {};
  // Files of one folder share their defaults: work them out once per folder (10,000 models, a few
  // dozen folders). The last level may still name one file, so it is applied per call.
  let memo = MEMO.get(tree);
  if (!memo) MEMO.set(tree, (memo = new Map()));
  const parents = folders.slice(0, -1);
  const key = `${projectName}\0${parents.join('\0')}`;
  let at = memo.get(key);
  if (!at) memo.set(key, (at = walkLevels(tree, projectName, parents)));
  const out = copyConfig(at.config);
  const last = folders[folders.length - 1];
  const level = at.level && last !== undefined ? at.level[last] : undefined;
  if (isObj(level)) apply(out, level, false);
  return out;
}

const MEMO = new WeakMap<Record<string, unknown>, Map<string, { config: Record<string, unknown>; level: Record<string, unknown> | undefined }>>();

/** A copy the caller may change, one level deeper than its keys (tags, meta), as each call used to build afresh. */
function copyConfig(c: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) out[k] = Array.isArray(v) ? [...v] : isObj(v) ? { ...v } : v;
  return out;
}

/** The config down `folders`, and the level reached (undefined when the tree stops before). */
function walkLevels(tree: Record<string, unknown>, projectName: string, folders: readonly string[]): { config: Record<string, unknown>; level: Record<string, unknown> | undefined } {
  const out: Record<string, unknown> = {};
  apply(out, tree, false);
  let level = tree[projectName];
  if (!isObj(level)) return { config: out, level: undefined };
  apply(out, level, false);
  for (const f of folders) {
    level = (level as Record<string, unknown>)[f];
    if (!isObj(level)) return { config: out, level: undefined };
    apply(out, level, false);
  }
  return { config: out, level: level as Record<string, unknown> };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function apply(out: Record<string, unknown>, level: Record<string, unknown>, _nested: boolean): void {
  for (const [k, v] of Object.entries(level)) {
    const isConfig = k.startsWith('+') || !isObj(v) || k === '+meta' || k === 'meta' || k === 'column_types' || k === 'persist_docs';
    if (!isConfig) continue;
    mergeConfigInto(out, { [k.replace(/^\+/, '')]: v });
  }
}

const HOOK = /^\+?(pre|post)[-_]hook$/;

/** A hook as dbt's manifest lists it. */
export interface HookConfig {
  sql: string;
  /** Inside the node's transaction (the default), or before it opens / after it commits. */
  transaction: boolean;
  index: null;
}

/** Whether a hook's text is a template (else it runs as written, needing no renderer). */
export function hasTemplate(sql: string): boolean {
  return /\{[{%#]/.test(sql);
}

/** Hooks as written (a string, `{sql, transaction}`, or a list of them) as dbt lists them. */
export function hookList(v: unknown): HookConfig[] {
  const one = (h: unknown): HookConfig[] => {
    if (typeof h === 'string') return [{ sql: h, transaction: true, index: null }];
    if (h && typeof h === 'object' && typeof (h as { sql?: unknown }).sql === 'string') {
      const t = (h as { transaction?: unknown }).transaction;
      return [{ sql: (h as { sql: string }).sql, transaction: t === undefined ? true : !!t, index: null }];
    }
    return [];
  };
  return Array.isArray(v) ? v.flatMap(one) : one(v);
}

/** A `tags:` value as a list: a list's items or a single tag as text, nothing otherwise. */
/** A node's meta, as dbt lists it: its config's (its YAML entry's `meta:` joined it). */
export function metaOf(cfg: Record<string, unknown>): Record<string, unknown> {
  const m = cfg.meta;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : {};
}

export function tagList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

/**
 * Take what merging the root project's config over a package node's appended (its tags, its
 * pre-hooks and post-hooks) off the end of `cfg`'s lists again, so that later config (a file's
 * `config()`, a test's own) goes before them when the root's config is merged again: dbt
 * applies the root's last, once. Keys that replace need nothing: the root's merge wins again.
 */
export function dropRootAppends(cfg: Record<string, unknown>, root: Record<string, unknown>): void {
  const dropTail = <T>(list: unknown, tail: readonly T[], same: (a: unknown, b: T) => boolean): unknown[] | undefined => {
    if (!tail.length || !Array.isArray(list) || list.length < tail.length) return undefined;
    const at = list.length - tail.length;
    return tail.every((t, i) => same(list[at + i], t)) ? list.slice(0, at) : undefined;
  };
  const tags = dropTail(cfg.tags, tagList(root.tags), (a, b) => String(a) === b);
  if (tags) cfg.tags = tags;
  for (const key of ['pre-hook', 'post-hook'] as const) {
    const hooks = dropTail(cfg[key], hookList(root[key]), (a, b) => hookList(a)[0]?.sql === b.sql && hookList(a)[0]?.transaction === b.transaction);
    if (hooks) cfg[key] = hooks;
  }
}

/** A node's tags as dbt lists them from its config's: each once, in the order first given. */
export function nodeTags(v: unknown): string[] {
  return [...new Set(tagList(v))];
}

/**
 * Merge `add` over `base` the way dbt does: tags accumulate (repeats kept), meta and column_types merge, hooks
 * (`pre-hook`/`pre_hook`, `post-hook`/`post_hook`) append, under dbt's key `pre-hook`/`post-hook`
 * as lists of `{sql, transaction, index}`; the rest replaces.
 */
export function mergeConfigInto(base: Record<string, unknown>, add: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(add)) {
    if (v === undefined) continue;
    const hook = HOOK.exec(k);
    if (hook) {
      const key = `${hook[1]}-hook`;
      base[key] = [...hookList(base[key]), ...hookList(v)];
    } else if (k === 'tags') {
      const prev = Array.isArray(base.tags) ? (base.tags as string[]) : [];
      const next = Array.isArray(v) ? v.map(String) : [String(v)];
      // dbt keeps every level's tags in the config, repeats included; the node's tags are the set.
      base.tags = [...prev, ...next];
    } else if ((k === 'meta' || k === 'column_types' || k === 'persist_docs' || k === 'docs') && isObj(v) && isObj(base[k])) {
      base[k] = { ...(base[k] as object), ...v };
    } else {
      base[k] = v;
    }
  }
  return base;
}

/**
 * The project file's config for a node as dbt writes it in `unrendered_config`: each level down
 * the fqn (`+key` or a value that is not a folder), from the tree as written (Jinja kept), each
 * level's keys replacing the last's (a dict update: tags and meta are not merged).
 */
export function unrenderedFolderConfig(tree: Record<string, unknown> | undefined, projectName: string, folders: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!tree) return out;
  const take = (level: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(level)) if (k.startsWith('+') || !isObj(v) || k === 'meta' || k === 'column_types' || k === 'persist_docs') out[k.replace(/^\+/, '')] = v;
  };
  take(tree);
  let level = tree[projectName];
  for (const f of [undefined, ...folders]) {
    if (f !== undefined) level = (level as Record<string, unknown>)[f];
    if (!isObj(level)) break;
    take(level);
  }
  return out;
}

/** Config keys a `config()` call adds to (dbt's append behaviour): a call's values follow an earlier call's. */
const CALL_APPENDS = new Set(['pre-hook', 'pre_hook', 'post-hook', 'post_hook', 'tags']);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Config keys a `config()` call's mapping updates. */
const CALL_UPDATES = new Set(['quoting', 'column_types', 'meta', 'docs', 'contract']);

/**
 * dbt's dict of a node's `config()` calls (dbt_common's merge_config_dicts): the first call's values
 * as given (`tags="t"` stays a string), a later call's over them (hooks and tags appended as lists,
 * meta updated).
 */
export function addConfigCall(into: Record<string, unknown>, call: Record<string, unknown>): void {
  const first = Object.keys(into).length === 0;
  for (const [k, v] of Object.entries(call)) {
    if (first) into[k] = v;
    else if (CALL_APPENDS.has(k)) into[k] = [...listOf(into[k]), ...listOf(v)];
    else if (CALL_UPDATES.has(k) && isObj(v) && isObj(into[k])) into[k] = { ...(into[k] as object), ...v };
    else into[k] = v;
  }
}

/**
 * A source's `unrendered_config` as loaded: the project file's levels as written, then its YAML
 * config (the source's, the table's over it) with `tags` first: its config's tags and the
 * source's and table's `tags:`, sorted, each once (the project file's tags are not among them).
 * The manifest adds freshness, loaded_at_field, loaded_at_query and meta over these, as dbt 1.11 does.
 */
export function sourceUnrenderedConfig(project: Record<string, unknown>, yaml: Record<string, unknown>, yamlTags: readonly string[]): Record<string, unknown> {
  const { tags, ...rest } = yaml;
  const own = Array.isArray(tags) ? tags.map(String) : typeof tags === 'string' ? [tags] : [];
  return { ...project, tags: [...new Set([...own, ...yamlTags])].sort(), ...rest };
}
