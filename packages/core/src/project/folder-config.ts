/**
 * dbt's folder defaults: under `models:` the first level names the project, then folders;
 * `+key` (or a non-object value) is a config, an object is a subfolder. Deeper wins, except
 * `tags`, which accumulate, and `meta`, which merges.
 */
export function folderConfig(tree: Record<string, unknown> | undefined, projectName: string, folders: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!tree) return out;
  apply(out, tree, false);
  let level = tree[projectName];
  if (!isObj(level)) return out;
  apply(out, level, false);
  for (const f of folders) {
    level = (level as Record<string, unknown>)[f];
    if (!isObj(level)) break;
    apply(out, level, false);
  }
  return out;
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

/** Merge `add` over `base` the way dbt does: tags accumulate, meta and column_types merge, the rest replaces. */
export function mergeConfigInto(base: Record<string, unknown>, add: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(add)) {
    if (v === undefined) continue;
    if (k === 'tags') {
      const prev = Array.isArray(base.tags) ? (base.tags as string[]) : [];
      const next = Array.isArray(v) ? v.map(String) : [String(v)];
      base.tags = [...new Set([...prev, ...next])];
    } else if ((k === 'meta' || k === 'column_types' || k === 'persist_docs') && isObj(v) && isObj(base[k])) {
      base[k] = { ...(base[k] as object), ...v };
    } else {
      base[k] = v;
    }
  }
  return base;
}
