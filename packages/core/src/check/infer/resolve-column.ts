import { closestNames } from '../../diagnostics.ts';
import type { Expr, Ident } from '../sql/ast.ts';
import { formatType, T, type SqlType } from '../types/sql-type.ts';
import { identKey, type InferEnv } from './infer-env.ts';
import type { Rel, Scope, Value } from './scope.ts';
import { findCol, originKey, NO_LINEAGE, transformed, type Col } from './shape.ts';

type ColExpr = Extract<Expr, { t: 'col' }>;

const UNKNOWN: Value = { type: T.unknown, lineage: NO_LINEAGE };

/**
 * Resolve `x`, `t.x`, `schema.t.x` or `x.field` the way DuckDB and Snowflake do: lambda
 * parameters, then this SELECT's relations (then its select-list aliases), then enclosing
 * queries' (correlated subqueries). A name no relation has is an error only when every relation
 * in reach lists all its columns; otherwise its type is unknown.
 */
export function resolveColumn(e: ColExpr, scope: Scope, env: InferEnv): Value {
  const parts = e.parts;
  const label = parts.map((p) => p.name).join('.');
  const k0 = identKey(env, parts[0]!);
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const lt = s.lambdas?.get(k0);
    if (lt) return fields(lt, parts.slice(1), env, e.pos, label);
  }
  if (parts.length > 1) {
    // A qualified name: the longest qualifier that names a relation wins.
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      for (let q = Math.min(parts.length - 1, 3); q >= 1; q--) {
        const rel = findRel(s, parts.slice(0, q), env);
        if (!rel) continue;
        const col = parts[q]!;
        const v = columnOf(rel, col, env, e.pos, label);
        return fields(v, parts.slice(q + 1), env, e.pos, label);
      }
    }
  }
  // Unqualified (or a struct column with fields after it).
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const v = unqualified(s, parts[0]!, env, e.pos, label);
    if (v) return fields(v, parts.slice(1), env, e.pos, label);
    // An open relation here may hold the name: stop looking outward, the type is unknown.
    if (s.open) {
      const opens = s.rels.filter((r) => r.shape.open);
      const origin = opens.length === 1 ? opens[0]!.shape.openOrigin : undefined;
      const lineage = origin && parts.length === 1 ? new Map([[originKey(origin, parts[0]!.name), true]]) : NO_LINEAGE;
      return { type: T.unknown, lineage, pass: parts.length === 1 };
    }
  }
  const here = scope.rels;
  if (parts.length > 1) {
    env.report({
      code: 'SM_CHECK_UNKNOWN_COLUMN',
      message: `"${label}": no relation named "${parts.slice(0, -1).map((p) => p.name).join('.')}" in this query, and no column "${parts[0]!.name}"`,
      pos: e.pos,
      hint: here.length ? `Relations in scope: ${here.map((r) => r.alias).join(', ')}.` : undefined,
    });
    return UNKNOWN;
  }
  const all = here.flatMap((r) => r.shape.cols.map((c) => c.name));
  const close = closestNames(parts[0]!.name, new Set(all));
  env.report({
    code: 'SM_CHECK_UNKNOWN_COLUMN',
    message: `Column "${label}" is not in ${here.length ? here.map(describeRel).join(', ') : 'this query (it has no FROM)'}`,
    pos: e.pos,
    hint: close.length ? `Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : all.length ? `Available: ${preview(all)}.` : undefined,
  });
  return UNKNOWN;
}

/** A column of one relation, or an unknown-column report. */
function columnOf(rel: Rel, col: Ident, env: InferEnv, pos: number, label: string): Value {
  const key = identKey(env, col);
  const c = findCol(rel.shape, key);
  if (c) return valueOf(c);
  if (rel.shape.open) {
    const o = rel.shape.openOrigin;
    return { type: T.unknown, lineage: o ? new Map([[originKey(o, col.name), true]]) : NO_LINEAGE, pass: true };
  }
  const names = rel.shape.cols.map((x) => x.name);
  const close = closestNames(col.name, names);
  env.report({
    code: 'SM_CHECK_UNKNOWN_COLUMN',
    message: `Column "${label}": ${describeRel(rel)} has no column "${col.name}"`,
    pos,
    hint: close.length ? `Did you mean ${close.map((x) => `"${x}"`).join(' or ')}?` : `${rel.alias} has: ${preview(names)}.`,
  });
  return UNKNOWN;
}

function unqualified(s: Scope, id: Ident, env: InferEnv, pos: number, label: string): Value | undefined {
  const key = identKey(env, id);
  const alias = s.aliasFirst ? s.aliases?.get(key) : undefined;
  if (alias) return alias;
  const m = s.merged.get(key);
  if (m) return valueOf(m);
  let found: Col | undefined;
  let foundIn: Rel | undefined;
  for (const r of s.rels) {
    if (r.hidden.has(key)) continue;
    const c = findCol(r.shape, key);
    if (!c) continue;
    if (found) {
      env.report({
        code: 'SM_CHECK_AMBIGUOUS_COLUMN',
        message: `Column "${label}" is ambiguous: both ${foundIn!.alias} and ${r.alias} have it`,
        pos,
        hint: `Qualify it: ${foundIn!.alias}.${id.name} or ${r.alias}.${id.name}.`,
      });
      return valueOf(found);
    }
    found = c;
    foundIn = r;
  }
  if (found) return valueOf(found);
  const late = s.aliases?.get(key);
  if (late) return late;
  // A relation's alias alone is the whole row (DuckDB: a struct).
  const rel = s.rels.find((r) => r.aliasKey === key);
  if (rel) return { type: rel.shape.open ? T.unknown : { k: 'struct', fields: rel.shape.cols.map((c) => [c.name, c.type] as const) }, lineage: transformed(...rel.shape.cols.map((c) => c.lineage)) };
  return undefined;
}

function findRel(s: Scope, qualifier: readonly Ident[], env: InferEnv): Rel | undefined {
  const keys = qualifier.map((q) => identKey(env, q));
  if (keys.length === 1) return s.rels.find((r) => r.aliasKey === keys[0]);
  return s.rels.find((r) => r.nameKeys && r.nameKeys.length >= keys.length && keys.every((k, i) => r.nameKeys![r.nameKeys!.length - keys.length + i] === k));
}

/** `v.a.b`: fields of a struct (or keys of a map, or paths into a variant). */
function fields(v: Value, rest: readonly Ident[], env: InferEnv, pos: number, label: string): Value {
  let t: SqlType = v.type;
  for (const f of rest) {
    if (t.k === 'struct') {
      const key = identKey(env, f);
      const hit = t.fields.find(([n]) => env.key(n, true) === key || env.key(n, false) === key);
      if (!hit) {
        env.report({ code: 'SM_CHECK_UNKNOWN_COLUMN', message: `"${label}": the struct has no field "${f.name}"`, pos, hint: `Fields: ${preview(t.fields.map(([n]) => n))}.` });
        return UNKNOWN;
      }
      t = hit[1];
    } else if (t.k === 'map') t = t.value;
    else if (t.k === 'variant' || t.k === 'json') t = t;
    else if (t.k === 'unknown') t = T.unknown;
    else {
      env.report({ code: 'SM_CHECK_UNKNOWN_COLUMN', message: `"${label}": "${f.name}" is read as a field of a ${formatType(t, env.dialect)} value, which has none`, pos });
      return UNKNOWN;
    }
  }
  return rest.length ? { type: t, lineage: transformed(v.lineage) } : v;
}

function valueOf(c: Col): Value {
  return { type: c.type, lineage: c.lineage, pass: true };
}

/** `dim_artists`, `CTE keyed`, `a (dim_artists)`, `k (CTE keyed)`. */
function describeRel(r: Rel): string {
  if (r.label === r.alias || r.label === `CTE ${r.alias}`) return r.label;
  return `${r.alias} (${r.label})`;
}

function preview(names: readonly string[]): string {
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, ... (${names.length} in all)` : names.join(', ');
}
