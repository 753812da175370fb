import type { CallArgs, Expr, Param, Stmt } from './ast.ts';

type Node = Stmt | Expr;

/** Visit every statement and expression under `nodes`, depth first; `visit` returning false skips a node's children. */
export function walk(nodes: readonly Node[], visit: (n: Node) => boolean | void): void {
  const stack: Node[] = [...nodes].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (visit(n) === false) continue;
    const kids = children(n);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

function argsOf(a: CallArgs): Expr[] {
  const out = [...a.args, ...a.kwargs.map(([, v]) => v)];
  if (a.star) out.push(a.star);
  if (a.starstar) out.push(a.starstar);
  return out;
}

function defaults(ps: Param[]): Expr[] {
  return ps.flatMap((p) => (p.default_ ? [p.default_] : []));
}

function defined<T>(xs: (T | undefined)[]): T[] {
  return xs.filter((x): x is T => x !== undefined);
}

/** The direct children of a node, in source order. */
export function children(n: Node): Node[] {
  switch (n.kind) {
    case 'const':
    case 'name':
    case 'nsref':
    case 'data':
    case 'break':
    case 'continue':
      return [];
    case 'tuple':
    case 'list':
    case 'concat':
      return n.items;
    case 'dict':
      return n.pairs.flat();
    case 'getattr':
      return [n.obj];
    case 'getitem':
      return [n.obj, n.key];
    case 'slice':
      return defined([n.start, n.stop, n.step]);
    case 'call':
      return [n.fn, ...argsOf(n)];
    case 'filter':
      return [...defined([n.expr]), ...argsOf(n.args)];
    case 'test':
      return [n.expr, ...argsOf(n.args)];
    case 'cond':
      return defined([n.test, n.then, n.else_]);
    case 'binop':
    case 'and':
    case 'or':
      return [n.left, n.right];
    case 'not':
    case 'neg':
    case 'pos':
      return [n.expr];
    case 'compare':
      return [n.first, ...n.ops.map(([, e]) => e)];
    case 'output':
    case 'do':
      return [n.expr];
    case 'if':
      return [n.test, ...n.body, ...n.else_];
    case 'for':
      return [n.target, n.iter, ...defined([n.cond]), ...n.body, ...n.else_];
    case 'set':
      return [n.target, n.expr];
    case 'setblock':
      return [n.target, ...defined([n.filter]), ...n.body];
    case 'macro':
      return [...defaults(n.params), ...n.body];
    case 'callblock':
      return [...defaults(n.params), n.call, ...n.body];
    case 'filterblock':
      return [n.filter, ...n.body];
    case 'with':
      return [...n.targets, ...n.values, ...n.body];
    case 'snapshot':
      return n.body;
  }
}

/** Whether any expression under `nodes` reads the name (Jinja decides `loop`, `caller`, `varargs`, `kwargs` this way). */
export function usesName(nodes: readonly Node[], name: string): boolean {
  let found = false;
  walk(nodes, (n) => {
    if (found) return false;
    if (n.kind === 'name' && n.name === name) found = true;
  });
  return found;
}

/** One or two literal strings (`ref('a')`, `ref('pkg', 'a')`, `source('s', 't')`) as [first or undefined, last]; undefined for anything else. */
export function literalPair(args: readonly Expr[]): [string | undefined, string] | undefined {
  const names = args.map((a) => (a.kind === 'const' && typeof a.value === 'string' ? a.value : undefined));
  if (!names.length || names.length > 2 || names.includes(undefined)) return undefined;
  return names.length === 2 ? [names[0], names[1]!] : [undefined, names[0]!];
}
