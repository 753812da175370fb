import type { Expr, Ident, Star } from './ast.ts';
import type { Cursor } from './cursor.ts';
import { parseExpr } from './parse-expr.ts';

/** What may follow `*` or `t.*`: `exclude (a, b)`, `replace (expr as a)`, `rename (a as b)`, `ilike 'x%'` / `like`. */
export function parseStarModifiers(c: Cursor): Omit<Star, 'qualifier'> {
  const exclude: Ident[][] = [];
  const replace: { expr: Expr; alias: Ident }[] = [];
  const rename: { from: Ident[]; to: Ident }[] = [];
  let like: Star['like'];
  for (;;) {
    if (c.eatKw('exclude')) {
      list(c, () => exclude.push(c.tok.kind === 'string' ? [c.stringIdent()] : c.dotted()));
    } else if (c.isKw('replace') && !c.isOpAt(1, '.')) {
      c.next();
      list(c, () => {
        const expr = parseExpr(c);
        c.expectKw('as');
        replace.push({ expr, alias: c.ident() });
      });
    } else if (c.eatKw('rename')) {
      list(c, () => {
        const from = c.dotted();
        c.expectKw('as');
        rename.push({ from, to: c.ident() });
      });
    } else if (c.isKw('ilike', 'like') && c.peek().kind === 'string') {
      const ci = c.next().kw === 'ilike';
      like = { pattern: c.next().text, ci };
    } else break;
  }
  return { exclude, replace, rename, like };
}

/** `( item, item )` or a single item without parentheses. */
function list(c: Cursor, item: () => void): void {
  if (c.eatOp('(')) {
    do item();
    while (c.eatOp(','));
    c.expectOp(')');
  } else item();
}
