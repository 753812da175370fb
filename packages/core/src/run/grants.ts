import type { Relation } from '../adapter.ts';
import { printedRelationName } from '../render/relation.ts';
import type { NodeContext } from './node-context.ts';

/** Privilege -> grantees, as `grants:` config gives them and as the warehouse lists them. */
export type Grants = Record<string, string[]>;

/** The runs that have already said the warehouse takes no grants (dbt-duckdb warns once per invocation). */
const warned = new WeakSet<object>();

/** `grants:` config as privilege -> grantees; a lone grantee written as a string is a list of one, as dbt reads it. */
export function grantConfig(v: unknown): Grants {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Grants = {};
  for (const [privilege, who] of Object.entries(v as Record<string, unknown>)) {
    const list = Array.isArray(who) ? who.map(String) : who == null ? [] : [String(who)];
    out[privilege] = list;
  }
  return out;
}

/** dbt's diff_of_two_dicts: what `a` grants that `b` lacks, compared case-insensitively. */
export function grantsMissing(a: Grants, b: Grants): Grants {
  const lowered = new Map(Object.entries(b).map(([k, v]) => [k.toLowerCase(), new Set(v.map((x) => x.toLowerCase()))]));
  const out: Grants = {};
  for (const [k, v] of Object.entries(a)) {
    const have = lowered.get(k.toLowerCase());
    const missing = have ? v.filter((x) => !have.has(x.toLowerCase())) : v;
    if (missing.length) out[k] = missing;
  }
  return out;
}

/**
 * dbt's apply_grants after a model, seed or snapshot is built: with `revoke` (the relation kept
 * its grants: it was updated in place, or replaced with copy_grants), what the warehouse lists
 * (`show grants on`) is compared with the config, and what is missing granted, what is extra
 * revoked; without, every configured grant is granted. A warehouse whose dbt adapter applies no
 * grants (DuckDB) gives its warning once per run.
 */
export async function applyGrants(config: Readonly<Record<string, unknown>>, rel: Relation, x: NodeContext, revoke: boolean): Promise<void> {
  const want = grantConfig(config.grants);
  if (!Object.keys(want).length) return;
  const d = x.run.adapter.dialect;
  if (d.grantsUnsupported) {
    if (!warned.has(x.run)) {
      warned.add(x.run);
      x.adapterWarning(d.grantsUnsupported);
    }
    return;
  }
  const name = printedRelationName(rel, d, x.run.project.target);
  const have: Grants = revoke ? d.standardizeGrants((await x.exec(d.showGrants(name))).rows) : {};
  const toGrant = grantsMissing(want, have);
  const toRevoke = revoke ? grantsMissing(have, want) : {};
  if (!Object.keys(toGrant).length && !Object.keys(toRevoke).length) {
    x.run.onEvent({ type: 'log', level: 'debug', message: `On ${name}: All grants are in place, no revocation or granting needed.` });
    return;
  }
  const statements = [
    ...Object.entries(toRevoke).flatMap(([p, who]) => d.grantStatements(name, p, who, 'revoke')),
    ...Object.entries(toGrant).flatMap(([p, who]) => d.grantStatements(name, p, who, 'grant')),
  ];
  for (const s of statements) await x.exec(s);
}
