import type { ProjectConfig } from '../types.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The vars that nodes of one project see, flattened by dbt's precedence, highest first:
 * `--vars`; the root project's vars scoped to that project (`vars: {dbt_utils: {x: 1}}`); the
 * root project's global vars; then, for a package, its own vars scoped to itself and its own
 * global vars. A scope's key stays a var too, as in dbt (`var('dbt_utils')` is the mapping).
 * String values are kept as written: dbt renders a var's Jinja when `var()` reads it.
 */
export function varsFor(projectName: string, root: ProjectConfig, own: ProjectConfig | undefined, cli: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const layer = (vars: Record<string, unknown>) => {
    Object.assign(out, vars);
    const scoped = vars[projectName];
    if (isObj(scoped)) Object.assign(out, scoped);
  };
  if (own && own.name !== root.name) layer(own.vars);
  layer(root.vars);
  Object.assign(out, cli ?? {});
  return out;
}
