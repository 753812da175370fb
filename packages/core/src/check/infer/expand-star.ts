import type { Ident, Star } from '../sql/ast.ts';
import type { InferCtx } from './infer-ctx.ts';
import { identKey } from './infer-env.ts';
import { inferExpr } from './infer-expr.ts';
import type { Rel } from './scope.ts';
import { transformed, type Col, type Shape } from './shape.ts';

/** `*` / `t.*` with `exclude`, `replace`, `rename` and `like`/`ilike`: the columns it stands for. */
export function expandStar(star: Star, pos: number, x: InferCtx): Shape {
  const scope = x.scope;
  let rels: Rel[];
  if (star.qualifier) {
    const keys = star.qualifier.map((q) => identKey(x.env, q));
    const rel =
      keys.length === 1
        ? scope.rels.find((r) => r.aliasKey === keys[0])
        : scope.rels.find((r) => r.nameKeys && keys.every((k, i) => r.nameKeys![r.nameKeys!.length - keys.length + i] === k));
    if (!rel && keys.length === 1) {
      // DuckDB: `s.*` of a struct column is its fields.
      const v = inferExpr({ t: 'col', parts: star.qualifier, pos, end: pos }, { ...x, env: silent(x.env) });
      if (v.type.k === 'struct') return { cols: v.type.fields.map(([name, type]) => ({ name, key: x.env.key(name, true), type, lineage: transformed(v.lineage) })), open: false };
      if (v.type.k === 'unknown' && (v.lineage.size || x.scope.anyOpen())) return { cols: [], open: true };
    }
    if (!rel) {
      x.env.report({
        code: 'SM_CHECK_UNKNOWN_COLUMN',
        message: `"${star.qualifier.map((q) => q.name).join('.')}.*": no relation of that name in this query`,
        pos,
        hint: scope.rels.length ? `Relations in scope: ${scope.rels.map((r) => r.alias).join(', ')}.` : undefined,
      });
      return { cols: [], open: true };
    }
    rels = [rel];
  } else rels = scope.rels;
  const cols: Col[] = [];
  for (const r of rels) {
    for (const c of r.shape.cols) {
      if (!star.qualifier && r.hidden.has(c.key)) continue;
      cols.push((!star.qualifier && scope.merged.get(c.key)) || c);
    }
  }
  const openRels = rels.filter((r) => r.shape.open);
  const open = openRels.length > 0;
  let out = cols;
  for (const ex of star.exclude) {
    const key = identKey(x.env, ex[ex.length - 1]!);
    const at = out.findIndex((c) => c.key === key);
    if (at < 0) {
      if (!open) x.env.report({ code: 'SM_CHECK_UNKNOWN_COLUMN', message: `EXCLUDE names "${names(ex)}", which the * does not select`, pos: ex[0]!.pos, hint: hintOf(out) });
      continue;
    }
    out = out.filter((c) => c.key !== key);
  }
  for (const rep of star.replace) {
    const key = identKey(x.env, rep.alias);
    const v = inferExpr(rep.expr, x);
    const at = out.findIndex((c) => c.key === key);
    if (at < 0) {
      if (!open) x.env.report({ code: 'SM_CHECK_UNKNOWN_COLUMN', message: `REPLACE names "${rep.alias.name}", which the * does not select`, pos: rep.alias.pos, hint: hintOf(out) });
      continue;
    }
    out = out.map((c, i) => (i === at ? { name: c.name, key: c.key, type: v.type, lineage: v.pass ? v.lineage : transformed(v.lineage), str: v.str } : c));
  }
  for (const ren of star.rename) {
    const key = identKey(x.env, ren.from[ren.from.length - 1]!);
    const at = out.findIndex((c) => c.key === key);
    if (at < 0) {
      if (!open) x.env.report({ code: 'SM_CHECK_UNKNOWN_COLUMN', message: `RENAME names "${names(ren.from)}", which the * does not select`, pos: ren.from[0]!.pos, hint: hintOf(out) });
      continue;
    }
    out = out.map((c, i) => (i === at ? { ...c, name: ren.to.name, key: identKey(x.env, ren.to) } : c));
  }
  if (star.like) {
    const re = likeRegExp(star.like.pattern, star.like.ci);
    out = out.filter((c) => re.test(c.name));
  }
  return { cols: out, open, openOrigin: openRels.length === 1 ? openRels[0]!.shape.openOrigin : undefined };
}

function names(ids: readonly Ident[]): string {
  return ids.map((i) => i.name).join('.');
}

function hintOf(cols: readonly Col[]): string {
  const n = cols.map((c) => c.name);
  return `The * selects: ${n.length > 12 ? `${n.slice(0, 12).join(', ')}, ...` : n.join(', ')}.`;
}

/** SQL LIKE as a regular expression: % any run, _ one character. */
export function likeRegExp(pattern: string, ci: boolean): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, ci ? 'is' : 's');
}

/** The same environment, reporting nothing (a lookup that only asks whether a name is a column). */
function silent(env: InferCtx['env']): InferCtx['env'] {
  return { ...env, key: env.key, table: env.table, report: () => undefined };
}
