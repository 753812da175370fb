import type { BinOp, CallArgs, CallExpr, CompareOp, Expr } from './ast.ts';
import { TemplateSyntaxError, type TemplateSource } from './errors.ts';
import type { Token } from './lexer.ts';

const COMPARE: Record<string, CompareOp> = { '==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/**
 * Jinja's expression grammar over a token list, with its precedence: conditional, or, and, not,
 * comparisons (`in`, `not in`), `+ -`, `~`, `* / // %`, `**`, unary, then postfix (attribute,
 * subscript, slice, call with `*args`/`**kwargs` and trailing commas), filters and `is` tests.
 */
export class ExpressionParser {
  protected readonly tokens: Token[];
  protected i = 0;
  protected readonly template: TemplateSource;

  constructor(tokens: Token[], template: TemplateSource) {
    this.tokens = tokens;
    this.template = template;
  }

  protected get cur(): Token {
    return this.tokens[this.i]!;
  }

  protected look(): Token {
    return this.tokens[Math.min(this.i + 1, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const t = this.tokens[this.i]!;
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  protected fail(msg: string, pos = this.cur.pos): never {
    throw new TemplateSyntaxError(msg, this.template, pos);
  }

  protected isOp(v: string, t = this.cur): boolean {
    return t.type === 'op' && t.value === v;
  }

  protected isName(v: string, t = this.cur): boolean {
    return t.type === 'name' && t.value === v;
  }

  protected skipOp(v: string): boolean {
    if (!this.isOp(v)) return false;
    this.next();
    return true;
  }

  protected skipName(v: string): boolean {
    if (!this.isName(v)) return false;
    this.next();
    return true;
  }

  protected expectOp(v: string): Token {
    if (!this.isOp(v)) this.fail(`expected '${v}', got ${describe(this.cur)}`);
    return this.next();
  }

  protected expectName(v?: string): Token {
    if (this.cur.type !== 'name' || (v !== undefined && this.cur.value !== v)) this.fail(`expected ${v ? `'${v}'` : 'a name'}, got ${describe(this.cur)}`);
    return this.next();
  }

  parseExpression(withCond = true): Expr {
    return withCond ? this.parseCond() : this.parseOr();
  }

  protected parseCond(): Expr {
    let e = this.parseOr();
    while (this.isName('if')) {
      const pos = this.next().pos;
      const test = this.parseOr();
      const else_ = this.skipName('else') ? this.parseCond() : undefined;
      e = { kind: 'cond', pos, test, then: e, else_ };
    }
    return e;
  }

  protected parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isName('or')) {
      const pos = this.next().pos;
      left = { kind: 'or', pos, left, right: this.parseAnd() };
    }
    return left;
  }

  protected parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isName('and')) {
      const pos = this.next().pos;
      left = { kind: 'and', pos, left, right: this.parseNot() };
    }
    return left;
  }

  protected parseNot(): Expr {
    if (this.isName('not')) {
      const pos = this.next().pos;
      return { kind: 'not', pos, expr: this.parseNot() };
    }
    return this.parseCompare();
  }

  protected parseCompare(): Expr {
    const first = this.parseMath1();
    const ops: [CompareOp, Expr][] = [];
    for (;;) {
      const t = this.cur;
      if (t.type === 'op' && COMPARE[t.value as string]) {
        this.next();
        ops.push([COMPARE[t.value as string]!, this.parseMath1()]);
      } else if (this.isName('in')) {
        this.next();
        ops.push(['in', this.parseMath1()]);
      } else if (this.isName('not') && this.isName('in', this.look())) {
        this.next();
        this.next();
        ops.push(['notin', this.parseMath1()]);
      } else break;
    }
    return ops.length ? { kind: 'compare', pos: first.pos, first, ops } : first;
  }

  protected parseMath1(): Expr {
    let left = this.parseConcat();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next();
      left = { kind: 'binop', pos: t.pos, op: t.value as BinOp, left, right: this.parseConcat() };
    }
    return left;
  }

  protected parseConcat(): Expr {
    const first = this.parseMath2();
    if (!this.isOp('~')) return first;
    const items = [first];
    while (this.skipOp('~')) items.push(this.parseMath2());
    return { kind: 'concat', pos: first.pos, items };
  }

  protected parseMath2(): Expr {
    let left = this.parsePow();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const t = this.next();
      left = { kind: 'binop', pos: t.pos, op: t.value as BinOp, left, right: this.parsePow() };
    }
    return left;
  }

  protected parsePow(): Expr {
    let left = this.parseUnary();
    while (this.isOp('**')) {
      const t = this.next();
      left = { kind: 'binop', pos: t.pos, op: '**', left, right: this.parseUnary() };
    }
    return left;
  }

  protected parseUnary(withFilter = true): Expr {
    let e: Expr;
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next();
      e = { kind: t.value === '-' ? 'neg' : 'pos', pos: t.pos, expr: this.parseUnary(false) };
    } else e = this.parsePrimary();
    e = this.parsePostfix(e);
    return withFilter ? this.parseFilterExpr(e) : e;
  }

  protected parsePrimary(withNamespace = false): Expr {
    const t = this.cur;
    if (t.type === 'name') {
      this.next();
      const v = t.value as string;
      if (v === 'true' || v === 'True') return { kind: 'const', pos: t.pos, value: true };
      if (v === 'false' || v === 'False') return { kind: 'const', pos: t.pos, value: false };
      if (v === 'none' || v === 'None') return { kind: 'const', pos: t.pos, value: null };
      if (withNamespace && this.isOp('.')) {
        this.next();
        return { kind: 'nsref', pos: t.pos, name: v, attr: this.expectName().value as string };
      }
      return { kind: 'name', pos: t.pos, name: v };
    }
    if (t.type === 'string') {
      let s = '';
      while (this.cur.type === 'string') s += this.next().value as string;
      return { kind: 'const', pos: t.pos, value: s };
    }
    if (t.type === 'int' || t.type === 'float') {
      this.next();
      return { kind: 'const', pos: t.pos, value: t.value as number, float: t.type === 'float' };
    }
    if (this.isOp('(')) {
      this.next();
      const e = this.parseTuple({ explicitParens: true });
      this.expectOp(')');
      return e;
    }
    if (this.isOp('[')) return this.parseList();
    if (this.isOp('{')) return this.parseDict();
    return this.fail(`unexpected ${describe(t)}`);
  }

  /** Expressions separated by commas become a tuple (`{% set a, b = 1, 2 %}`, `(1, 2)`). */
  protected parseTuple(o: { simplified?: boolean; withCond?: boolean; endNames?: string[]; explicitParens?: boolean; withNamespace?: boolean } = {}): Expr {
    const pos = this.cur.pos;
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.expectOp(',');
      if (this.isTupleEnd(o.endNames)) break;
      items.push(o.simplified ? this.parsePrimary(o.withNamespace) : this.parseExpression(o.withCond ?? true));
      if (this.isOp(',')) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0]!;
      if (!o.explicitParens) this.fail(`expected an expression, got ${describe(this.cur)}`);
    }
    return { kind: 'tuple', pos, items };
  }

  protected isTupleEnd(endNames?: string[]): boolean {
    const t = this.cur;
    if (t.type === 'var_end' || t.type === 'block_end' || this.isOp(')')) return true;
    return !!endNames && t.type === 'name' && endNames.includes(t.value as string);
  }

  protected parseList(): Expr {
    const pos = this.expectOp('[').pos;
    const items: Expr[] = [];
    while (!this.isOp(']')) {
      if (items.length) this.expectOp(',');
      if (this.isOp(']')) break;
      items.push(this.parseExpression());
    }
    this.expectOp(']');
    return { kind: 'list', pos, items };
  }

  protected parseDict(): Expr {
    const pos = this.expectOp('{').pos;
    const pairs: [Expr, Expr][] = [];
    while (!this.isOp('}')) {
      if (pairs.length) this.expectOp(',');
      if (this.isOp('}')) break;
      const k = this.parseExpression();
      this.expectOp(':');
      pairs.push([k, this.parseExpression()]);
    }
    this.expectOp('}');
    return { kind: 'dict', pos, pairs };
  }

  protected parsePostfix(e: Expr): Expr {
    for (;;) {
      if (this.isOp('.') || this.isOp('[')) e = this.parseSubscript(e);
      else if (this.isOp('(')) e = this.parseCall(e);
      else return e;
    }
  }

  protected parseFilterExpr(e: Expr): Expr {
    for (;;) {
      if (this.isOp('|')) e = this.parseFilter(e);
      else if (this.isName('is')) e = this.parseTest(e);
      else if (this.isOp('(')) e = this.parseCall(e);
      else return e;
    }
  }

  protected parseSubscript(obj: Expr): Expr {
    const t = this.next();
    if (t.value === '.') {
      const a = this.next();
      if (a.type === 'name') return { kind: 'getattr', pos: t.pos, obj, name: a.value as string };
      if (a.type !== 'int') this.fail('expected a name or a number after "."', a.pos);
      return { kind: 'getitem', pos: t.pos, obj, key: { kind: 'const', pos: a.pos, value: a.value as number } };
    }
    const keys: Expr[] = [];
    while (!this.isOp(']')) {
      if (keys.length) this.expectOp(',');
      keys.push(this.parseSubscribed());
    }
    this.expectOp(']');
    const key: Expr = keys.length === 1 ? keys[0]! : { kind: 'tuple', pos: t.pos, items: keys };
    return { kind: 'getitem', pos: t.pos, obj, key };
  }

  protected parseSubscribed(): Expr {
    const pos = this.cur.pos;
    let start: Expr | undefined;
    if (!this.isOp(':')) {
      start = this.parseExpression();
      if (!this.isOp(':')) return start;
    }
    this.next();
    const endOfPart = () => this.isOp(':') || this.isOp(']') || this.isOp(',');
    const stop = endOfPart() ? undefined : this.parseExpression();
    let step: Expr | undefined;
    if (this.skipOp(':') && !this.isOp(']') && !this.isOp(',')) step = this.parseExpression();
    return { kind: 'slice', pos, start, stop, step };
  }

  protected parseCallArgs(): CallArgs {
    const open = this.expectOp('(');
    const out: CallArgs = { args: [], kwargs: [], star: undefined, starstar: undefined };
    const ensure = (ok: boolean) => {
      if (!ok) this.fail('invalid syntax for function call expression', open.pos);
    };
    let needComma = false;
    while (!this.isOp(')')) {
      if (needComma) {
        this.expectOp(',');
        if (this.isOp(')')) break;
      }
      if (this.isOp('*')) {
        ensure(!out.star && !out.starstar);
        this.next();
        out.star = this.parseExpression();
      } else if (this.isOp('**')) {
        ensure(!out.starstar);
        this.next();
        out.starstar = this.parseExpression();
      } else if (this.cur.type === 'name' && this.isOp('=', this.look())) {
        ensure(!out.starstar);
        const key = this.next().value as string;
        this.next();
        out.kwargs.push([key, this.parseExpression()]);
      } else {
        ensure(!out.star && !out.starstar && !out.kwargs.length);
        out.args.push(this.parseExpression());
      }
      needComma = true;
    }
    this.expectOp(')');
    return out;
  }

  protected parseCall(fn: Expr): CallExpr {
    const pos = this.cur.pos;
    return { kind: 'call', pos, fn, ...this.parseCallArgs() };
  }

  /** `| name(args)`, repeated; with `expr` undefined for `{% filter %}` blocks. */
  protected parseFilter(e: Expr | undefined, startInline = false): Expr {
    while (this.isOp('|') || startInline) {
      if (!startInline) this.next();
      startInline = false;
      const t = this.expectName();
      let name = t.value as string;
      while (this.skipOp('.')) name += '.' + (this.expectName().value as string);
      const args = this.isOp('(') ? this.parseCallArgs() : { args: [], kwargs: [], star: undefined, starstar: undefined };
      e = { kind: 'filter', pos: t.pos, expr: e, name, args };
    }
    return e!;
  }

  protected parseTest(e: Expr): Expr {
    const pos = this.next().pos;
    const negated = this.skipName('not');
    let name = this.expectName().value as string;
    while (this.skipOp('.')) name += '.' + (this.expectName().value as string);
    let args: CallArgs = { args: [], kwargs: [], star: undefined, starstar: undefined };
    const t = this.cur;
    if (this.isOp('(')) args = this.parseCallArgs();
    else if (
      (t.type === 'name' || t.type === 'string' || t.type === 'int' || t.type === 'float' || this.isOp('[') || this.isOp('{')) &&
      !(t.type === 'name' && ['else', 'or', 'and'].includes(t.value as string))
    ) {
      if (this.isName('is')) this.fail('You cannot chain multiple tests with is');
      args = { ...args, args: [this.parsePostfix(this.parsePrimary())] };
    }
    const test: Expr = { kind: 'test', pos, expr: e, name, args };
    return negated ? { kind: 'not', pos, expr: test } : test;
  }
}

export function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'end of template';
    case 'block_end':
      return "end of statement block '%}'";
    case 'var_end':
      return "end of print statement '}}'";
    case 'block_begin':
      return "begin of statement block '{%'";
    case 'var_begin':
      return "begin of print statement '{{'";
    case 'string':
      return `string ${JSON.stringify(t.value)}`;
    case 'data':
      return 'template data';
    default:
      return `'${t.value}'`;
  }
}
