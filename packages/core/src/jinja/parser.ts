import type { CallExpr, Expr, MacroKind, MacroNode, Param, Stmt, TemplateAst } from './ast.ts';
import { usesName } from './ast-walk.ts';
import type { TemplateSource } from './errors.ts';
import { tokenize, type LexOptions, type Token } from './lexer.ts';
import { describe, ExpressionParser } from './parse-expression.ts';

/** An open block: its tag, where it opened, and the tags that may end or continue it. */
interface Open {
  tag: string;
  pos: number;
  ends: string[];
}

const END_TAGS = new Set(['endif', 'endfor', 'endmacro', 'endcall', 'endfilter', 'endset', 'endwith', 'endtest', 'endmaterialization', 'enddocs', 'endsnapshot', 'elif', 'else', 'endraw']);
const UNSUPPORTED = new Set(['include', 'import', 'from', 'extends', 'block', 'autoescape']);

/** Parse a template's source into its tree. Throws TemplateSyntaxError with the position of the problem. */
export function parseTemplate(t: TemplateSource, opts: LexOptions = {}): TemplateAst {
  return new Parser(tokenize(t, opts), t).parseRoot();
}

class Parser extends ExpressionParser {
  readonly #open: Open[] = [];
  /** Where the `{%` of the statement being parsed starts (errors about unclosed blocks point there). */
  #tagStart = 0;

  parseRoot(): TemplateAst {
    const body = this.subparse(undefined);
    return { body };
  }

  /** Statements until one of `ends` (the block_begin of the end tag is consumed; the tag name is current). */
  subparse(ends: string[] | undefined): Stmt[] {
    const body: Stmt[] = [];
    for (;;) {
      const t = this.cur;
      if (t.type === 'data') {
        body.push({ kind: 'data', pos: t.pos, text: t.value as string });
        this.next();
      } else if (t.type === 'var_begin') {
        this.next();
        const expr = this.parseTuple();
        body.push({ kind: 'output', pos: expr.pos, expr });
        if (this.cur.type !== 'var_end') this.fail(`expected end of print statement '}}', got ${describe(this.cur)}`);
        this.next();
      } else if (t.type === 'block_begin') {
        this.next();
        if (ends && this.cur.type === 'name' && ends.includes(this.cur.value as string)) return body;
        body.push(this.parseStatement());
        this.expectBlockEnd();
      } else if (t.type === 'eof') {
        if (ends) this.failEof();
        return body;
      } else this.fail(`unexpected ${describe(t)}`);
    }
  }

  expectBlockEnd(): void {
    if (this.cur.type !== 'block_end') this.fail(`expected end of statement block '%}', got ${describe(this.cur)}`);
    this.next();
  }

  failEof(): never {
    const open = this.#open[this.#open.length - 1]!;
    const wants = open.ends.map((e) => `'${e}'`).join(' or ');
    return this.fail(`Unexpected end of template: the {% ${open.tag} %} opened here is never closed (Jinja was looking for ${wants})`, open.pos);
  }

  /** Body of a block statement up to one of `ends`; leaves the end tag's name current. */
  statements(tag: string, pos: number, ends: string[]): Stmt[] {
    this.skipOp(':');
    this.expectBlockEnd();
    this.#open.push({ tag, pos: this.#tagStart || pos, ends });
    try {
      return this.subparse(ends);
    } finally {
      this.#open.pop();
    }
  }

  /** Consume `elif`/`else`/an end tag that continues a block; errors in what follows point at its `{%`. */
  #continuation(): Token {
    this.#tagStart = this.tokens[this.i - 1]!.pos;
    return this.next();
  }

  /** Consume an end tag (`endfor` and so on), optionally followed by the block's name as dbt allows. */
  dropEnd(): void {
    this.next();
  }

  parseStatement(): Stmt {
    const t = this.cur;
    this.#tagStart = this.tokens[this.i - 1]!.pos;
    if (t.type !== 'name') this.fail('tag name expected');
    const tag = t.value as string;
    switch (tag) {
      case 'if':
        return this.parseIf();
      case 'for':
        return this.parseFor();
      case 'set':
        return this.parseSet();
      case 'macro':
      case 'test':
        return this.parseMacro(tag);
      case 'materialization':
        return this.parseMaterialization();
      case 'docs':
        return this.parseDocs();
      case 'call':
        return this.parseCallBlock();
      case 'filter': {
        const pos = this.next().pos;
        const filter = this.parseFilter(undefined, true);
        const body = this.statements('filter', pos, ['endfilter']);
        this.dropEnd();
        return { kind: 'filterblock', pos, filter, body };
      }
      case 'do': {
        const pos = this.next().pos;
        return { kind: 'do', pos, expr: this.parseTuple() };
      }
      case 'print': {
        const pos = this.next().pos;
        return { kind: 'output', pos, expr: this.parseTuple() };
      }
      case 'break':
      case 'continue':
        if (!this.#open.some((o) => o.tag === 'for')) this.fail(`'${tag}' outside of a loop`);
        return { kind: tag, pos: this.next().pos };
      case 'with':
        return this.parseWith();
      case 'snapshot':
        return this.parseSnapshot();
    }
    if (UNSUPPORTED.has(tag)) this.fail(`{% ${tag} %} is not supported: dbt templates have no template loader; use a macro instead`);
    const inside = this.#open[this.#open.length - 1];
    if (END_TAGS.has(tag)) {
      this.fail(inside ? `Encountered unknown tag '${tag}'. Jinja was looking for ${inside.ends.map((e) => `'${e}'`).join(' or ')} to close the {% ${inside.tag} %}` : `Encountered '${tag}' with no block open to close`);
    }
    return this.fail(`Encountered unknown tag '${tag}'${inside ? ` inside {% ${inside.tag} %}` : ''}`);
  }

  parseIf(): Stmt {
    const pos = this.next().pos;
    const test = this.parseTuple({ withCond: false });
    const body = this.statements('if', pos, ['elif', 'else', 'endif']);
    const end = this.#continuation();
    if (end.value === 'elif') return { kind: 'if', pos, test, body, else_: [this.parseIfAfterElif(end.pos)] };
    if (end.value === 'else') {
      const else_ = this.statements('if', pos, ['endif']);
      this.dropEnd();
      return { kind: 'if', pos, test, body, else_ };
    }
    return { kind: 'if', pos, test, body, else_: [] };
  }

  /** The tokens after `elif`: parsed like an if whose end tag is shared with the outer one. */
  parseIfAfterElif(pos: number): Stmt {
    const test = this.parseTuple({ withCond: false });
    const body = this.statements('if', pos, ['elif', 'else', 'endif']);
    const end = this.#continuation();
    if (end.value === 'elif') return { kind: 'if', pos, test, body, else_: [this.parseIfAfterElif(end.pos)] };
    if (end.value === 'else') {
      const else_ = this.statements('if', pos, ['endif']);
      this.dropEnd();
      return { kind: 'if', pos, test, body, else_ };
    }
    return { kind: 'if', pos, test, body, else_: [] };
  }

  parseFor(): Stmt {
    const pos = this.next().pos;
    const target = this.parseAssignTarget(['in']);
    this.expectName('in');
    const iter = this.parseTuple({ withCond: false, endNames: ['recursive'] });
    const cond = this.skipName('if') ? this.parseExpression() : undefined;
    const recursive = this.skipName('recursive');
    const body = this.statements('for', pos, ['endfor', 'else']);
    let else_: Stmt[] = [];
    if (this.#continuation().value === 'else') {
      else_ = this.statements('for', pos, ['endfor']);
      this.dropEnd();
    }
    const usesLoop = recursive || usesName(body, 'loop') || (!!cond && usesName([{ kind: 'do', pos, expr: cond }], 'loop'));
    return { kind: 'for', pos, target, iter, cond, body, else_, usesLoop, ...(recursive ? { recursive } : {}) };
  }

  parseAssignTarget(endNames?: string[], withNamespace = false): Expr {
    const target = this.parseTuple({ simplified: true, endNames, withNamespace });
    const ok = (e: Expr): boolean => e.kind === 'name' || e.kind === 'nsref' || (e.kind === 'tuple' && e.items.every(ok));
    if (!ok(target)) this.fail(`can't assign to ${target.kind === 'const' ? 'a literal' : `'${target.kind}'`}`, target.pos);
    return target;
  }

  parseSet(): Stmt {
    const pos = this.next().pos;
    const target = this.parseAssignTarget(undefined, true);
    if (this.skipOp('=')) return { kind: 'set', pos, target, expr: this.parseTuple() };
    const filter = this.isOp('|') ? this.parseFilter(undefined) : undefined;
    const body = this.statements('set', pos, ['endset']);
    this.dropEnd();
    return { kind: 'setblock', pos, target, filter, body };
  }

  parseSignature(): Param[] {
    const params: Param[] = [];
    this.expectOp('(');
    while (!this.isOp(')')) {
      if (params.length) this.expectOp(',');
      if (this.isOp(')')) break;
      const name = this.expectName().value as string;
      // dbt allows typed parameters: `{% macro m(a: str, b: Dict[str, int] = {}) %}`.
      if (this.skipOp(':')) this.skipTypeName();
      let default_: Expr | undefined;
      if (this.skipOp('=')) default_ = this.parseExpression();
      else if (params.some((p) => p.default_)) this.fail('non-default argument follows default argument');
      params.push({ name, default_ });
    }
    this.expectOp(')');
    return params;
  }

  skipTypeName(): void {
    this.expectName();
    if (this.skipOp('[')) {
      let first = true;
      while (!this.isOp(']')) {
        if (!first) this.expectOp(',');
        first = false;
        this.skipTypeName();
      }
      this.expectOp(']');
    }
  }

  macroNode(pos: number, declaredName: string, name: string, blockKind: MacroKind, params: Param[], endTag: string, adapter?: string): MacroNode {
    const body = this.statements(blockKind, pos, [endTag]);
    this.dropEnd();
    // The end tag's `%}` is the current token: the macro's source ends after it.
    const endTok = this.cur;
    const end = endTok.type === 'block_end' ? endTok.pos + (endTok.value ? 3 : 2) : endTok.pos;
    return {
      kind: 'macro',
      pos,
      end,
      name,
      declaredName,
      blockKind,
      params,
      body,
      usesVarargs: usesName(body, 'varargs'),
      usesKwargs: usesName(body, 'kwargs'),
      usesCaller: usesName(body, 'caller'),
      adapter,
    };
  }

  parseMacro(tag: 'macro' | 'test'): Stmt {
    const pos = this.blockStart();
    const declared = this.expectName().value as string;
    const params = this.parseSignature();
    return this.macroNode(pos, declared, tag === 'test' ? `test_${declared}` : declared, tag, params, `end${tag}`);
  }

  /** `{% materialization name, default %}` or `{% materialization name, adapter='duckdb', supported_languages=[...] %}`. */
  parseMaterialization(): Stmt {
    const pos = this.blockStart();
    const declared = this.expectName().value as string;
    let adapter = 'default';
    const params: Param[] = [];
    while (this.skipOp(',')) {
      const key = this.expectName();
      if (key.value === 'default') continue;
      if (key.value === 'adapter') {
        this.expectOp('=');
        const v = this.parseExpression();
        if (v.kind !== 'const' || typeof v.value !== 'string') this.fail('adapter= of a materialization must be a string', v.pos);
        adapter = v.value as string;
      } else if (key.value === 'supported_languages') {
        this.expectOp('=');
        params.push({ name: 'supported_languages', default_: this.parseExpression() });
      } else this.fail(`materialization '${declared}' got an unexpected argument '${key.value}'`, key.pos);
    }
    if (!params.length) params.push({ name: 'supported_languages', default_: { kind: 'list', pos, items: [{ kind: 'const', pos, value: 'sql' }] } });
    return this.macroNode(pos, declared, `materialization_${declared}_${adapter}`, 'materialization', params, 'endmaterialization', adapter);
  }

  parseDocs(): Stmt {
    const pos = this.blockStart();
    const declared = this.expectName().value as string;
    return this.macroNode(pos, declared, `docs_${declared}`, 'docs', [], 'enddocs');
  }

  parseSnapshot(): Stmt {
    const pos = this.blockStart();
    const name = this.expectName().value as string;
    const bodyStart = this.cur.type === 'block_end' ? this.cur.pos + (this.cur.value ? 3 : 2) : this.cur.pos;
    const body = this.statements('snapshot', pos, ['endsnapshot']);
    // The end tag's `{%` is the token before the current name.
    const bodyEnd = this.tokens[this.i - 1]!.pos;
    this.dropEnd();
    const endTok = this.cur;
    const end = endTok.type === 'block_end' ? endTok.pos + (endTok.value ? 3 : 2) : endTok.pos;
    return { kind: 'snapshot', pos, end, name, body, bodyStart, bodyEnd };
  }

  /** Consume the tag name; return where its `{%` started. */
  blockStart(): number {
    this.next();
    return this.tokens[this.i - 2]!.pos;
  }

  parseCallBlock(): Stmt {
    const pos = this.next().pos;
    const params = this.isOp('(') ? this.parseSignature() : [];
    const call = this.parseExpression();
    if (call.kind !== 'call') this.fail('expected a call after {% call %}', call.pos);
    const body = this.statements('call', pos, ['endcall']);
    this.dropEnd();
    return { kind: 'callblock', pos, params, call: call as CallExpr, body, usesVarargs: usesName(body, 'varargs'), usesKwargs: usesName(body, 'kwargs') };
  }

  parseWith(): Stmt {
    const pos = this.next().pos;
    const targets: Expr[] = [];
    const values: Expr[] = [];
    while (this.cur.type !== 'block_end') {
      if (targets.length) this.expectOp(',');
      targets.push(this.parseAssignTarget());
      this.expectOp('=');
      values.push(this.parseExpression());
    }
    const body = this.statements('with', pos, ['endwith']);
    this.dropEnd();
    return { kind: 'with', pos, targets, values, body };
  }
}
