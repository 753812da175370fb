import type { Expr, Ident } from '../sql/ast.ts';
import { T } from '../types/sql-type.ts';
import type { InferCtx } from './infer-ctx.ts';
import { identKey } from './infer-env.ts';
import { inferExpr } from './infer-expr.ts';
import type { Value } from './scope.ts';
import { NO_LINEAGE, transformed, type Col, type Shape } from './shape.ts';
import { commonOf, compatible, describe } from './type-checks.ts';

/** `values (...), (...)`: DuckDB names the columns col0, col1...; Snowflake COLUMN1, COLUMN2... */
export function valuesShape(rows: readonly (readonly Expr[])[], pos: number, x: InferCtx): Shape {
  const width = rows[0]?.length ?? 0;
  const cols: Col[] = [];
  for (let i = 0; i < width; i++) {
    let acc: Value | undefined;
    for (const row of rows) {
      const e = row[i];
      if (!e) continue;
      const val = inferExpr(e, x);
      if (!acc) acc = val;
      else if (!compatible(acc, val)) {
        x.env.report({ code: 'SM_CHECK_UNION_TYPE', message: `VALUES: column ${i + 1} mixes ${describe(acc, undefined, x.env)} and ${describe(val, undefined, x.env)}`, pos: e.pos });
        acc = { type: T.unknown, lineage: NO_LINEAGE };
      } else acc = { type: commonOf(acc, val), lineage: transformed(acc.lineage, val.lineage), str: acc.str !== undefined && val.str !== undefined ? acc.str : undefined };
    }
    const name = x.env.dialect === 'snowflake' ? `COLUMN${i + 1}` : `col${i}`;
    cols.push({ name, key: x.env.key(name, false), type: acc ? (acc.str !== undefined ? T.varchar : acc.type) : T.unknown, lineage: acc?.lineage ?? NO_LINEAGE });
  }
  return { cols, open: false };
}

/** `name(a, b)` after a CTE or alias renames the first columns. */
export function renameCols(shape: Shape, names: readonly Ident[] | undefined, x: InferCtx): Shape {
  if (!names?.length) return shape;
  const cols = shape.cols.map((c, i) => (names[i] ? { ...c, name: names[i]!.name, key: identKey(x.env, names[i]!) } : c));
  for (let i = shape.cols.length; i < names.length && shape.open; i++) cols.push({ name: names[i]!.name, key: identKey(x.env, names[i]!), type: T.unknown, lineage: NO_LINEAGE });
  return { ...shape, cols };
}
