import type { CallExpr, Expr, MacroNode, Param, Stmt, TemplateAst } from './ast.ts';
import { ExpressionCompiler, type FnState, type Scope } from './compile-expression.ts';

/**
 * Statements to JavaScript. A template becomes one function `(c) => string`; a macro one
 * `(c, v, va, kw, caller) => unknown`. Jinja's scoping is JavaScript's: a for body, macro,
 * call/set/filter block or with block is a JavaScript block whose names start from the
 * enclosing scope's values (so `{% set %}` in a loop does not leak out, as in Jinja).
 * Loops are plain JavaScript loops and `{{ return(x) }}` in a macro a plain `return`.
 */

/** Names a statement list assigns in its own scope (not in nested loops, macros or blocks); a macro under its name with `prefix`. */
function stores(body: readonly Stmt[], prefix: string, out = new Set<string>()): Set<string> {
  const target = (e: Expr) => {
    if (e.kind === 'name') out.add(e.name);
    else if (e.kind === 'tuple') e.items.forEach(target);
  };
  for (const s of body) {
    if (s.kind === 'set' || s.kind === 'setblock') target(s.target);
    else if (s.kind === 'macro') out.add(prefix + s.name);
    else if (s.kind === 'if') {
      stores(s.body, prefix, out);
      stores(s.else_, prefix, out);
    } else if (s.kind === 'snapshot') stores(s.body, prefix, out);
  }
  return out;
}

const isReturnCall = (e: Expr): e is CallExpr => e.kind === 'call' && e.fn.kind === 'name' && e.fn.name === 'return' && e.args.length === 1 && !e.kwargs.length && !e.star && !e.starstar;

export class TemplateCompiler extends ExpressionCompiler {
  #out = 'o';

  /** The module source for a whole template: returns the render function. */
  templateModule(ast: TemplateAst): string {
    const body = this.#function('(c)', undefined, ast.body, false);
    return this.#module(`return ${body};`);
  }

  /** The module source of one expression's value (native rendering: `"{{ ref('x') }}"` is the relation itself). */
  valueModule(e: Expr, pos: number): string {
    this.scope = undefined;
    this.fn = { temps: 0, directReturn: false };
    const code = this.expr(e);
    const temps = Array.from({ length: this.fn.temps }, (_, i) => `$t${i + 1}`);
    return this.#module(`return function (c) {\nlet $p = ${pos}${temps.length ? ', ' + temps.join(', ') : ''};\ntry {\nreturn ${code};\n} catch (e) { throw rt.fail(e, T, $p, undefined); }\n};`);
  }

  /** The module source for one macro of a macro file, compiled on its own (it sees only the context). */
  macroModule(m: MacroNode): string {
    this.scope = undefined;
    return this.#module(`return ${this.#macroFunction(m.params, m.body, m.name, true, m.usesVarargs, m.usesKwargs, m.usesCaller)};`);
  }

  #module(ret: string): string {
    return `"use strict";\n${this.hoisted.join('\n')}\n${ret}`;
  }

  /**
   * A JavaScript function with its own `$p`, temporaries and try/catch that locates errors.
   * `params` are bound first (a default may read the parameters before it).
   */
  #function(sig: string, name: string | undefined, body: readonly Stmt[], directReturn: boolean, params: Param[] = [], special: [string, string][] = []): string {
    const savedFn = this.fn;
    const savedOut = this.#out;
    this.fn = { temps: 0, directReturn } satisfies FnState;
    this.#out = 'o';
    const scope: Scope = { vars: new Map(), parent: this.scope };
    this.scope = scope;
    const lines: string[] = [];
    params.forEach((p, i) => {
      const dflt = p.default_ ? this.expr(p.default_) : 'undefined';
      const id = this.newId(p.name);
      lines.push(`let ${id} = v[${i}] === rt.MISSING ? ${dflt} : v[${i}];`);
      scope.vars.set(p.name, id);
    });
    for (const [n, id] of special) if (!scope.vars.has(n)) scope.vars.set(n, id);
    this.#declareStores(body, lines, scope);
    lines.push(`let o = '';`);
    this.#stmts(body, lines);
    lines.push('return o;');
    this.scope = scope.parent;
    const temps = Array.from({ length: this.fn.temps }, (_, i) => `$t${i + 1}`);
    this.fn = savedFn;
    this.#out = savedOut;
    const pos = body[0]?.pos ?? 0;
    return `function ${sig} {\nlet $p = ${pos}${temps.length ? ', ' + temps.join(', ') : ''};\ntry {\n${lines.join('\n')}\n} catch (e) { throw rt.fail(e, T, $p, ${JSON.stringify(name)}); }\n}`;
  }

  /** `let` the names a scope assigns, each starting from what the enclosing scope sees. */
  #declareStores(body: readonly Stmt[], lines: string[], scope: Scope): void {
    for (const name of stores(body, this.registry.inlineMacroPrefix ?? '')) {
      if (scope.vars.has(name)) continue;
      const outer = this.nameRef(name);
      const id = this.newId(name);
      scope.vars.set(name, id);
      lines.push(`let ${id} = ${outer};`);
    }
  }

  #macroFunction(params: Param[], body: readonly Stmt[], name: string, directReturn: boolean, varargs: boolean, kwargs: boolean, caller: boolean): string {
    const special: [string, string][] = [];
    if (varargs) special.push(['varargs', 'va']);
    if (kwargs) special.push(['kwargs', 'kw']);
    if (caller) special.push(['caller', 'caller']);
    return this.#function('(c, v, va, kw, caller)', name, body, directReturn, params, special);
  }

  #stmts(body: readonly Stmt[], lines: string[]): void {
    for (const s of body) this.#stmt(s, lines);
  }

  #stmt(s: Stmt, lines: string[]): void {
    const out = this.#out;
    switch (s.kind) {
      case 'data':
        lines.push(`${out} += ${JSON.stringify(s.text)};`);
        return;
      case 'output':
        if (this.#directReturn(s.expr, lines)) return;
        lines.push(`$p = ${s.pos}; ${out} += rt.s(${this.expr(s.expr)});`);
        return;
      case 'do':
        if (this.#directReturn(s.expr, lines)) return;
        lines.push(`$p = ${s.pos}; ${this.expr(s.expr)};`);
        return;
      case 'if':
        lines.push(`$p = ${s.pos}; if (rt.t(${this.expr(s.test)})) {`);
        this.#stmts(s.body, lines);
        if (s.else_.length) {
          lines.push('} else {');
          this.#stmts(s.else_, lines);
        }
        lines.push('}');
        return;
      case 'for':
        this.#for(s, lines);
        return;
      case 'set':
        lines.push(`$p = ${s.pos}; ${this.#assign(s.target, this.expr(s.expr))}`);
        return;
      case 'setblock': {
        const buf = this.#block(s.body, lines);
        lines.push(this.#assign(s.target, s.filter ? this.#applyFilter(s.filter, buf) : buf));
        lines.push('}');
        return;
      }
      case 'filterblock': {
        const buf = this.#block(s.body, lines);
        lines.push(`${out} += rt.s(${this.#applyFilter(s.filter, buf)});`);
        lines.push('}');
        return;
      }
      case 'macro': {
        const id = this.local((this.registry.inlineMacroPrefix ?? '') + s.name)!;
        const fn = this.#macroFunction(s.params, s.body, s.name, true, s.usesVarargs, s.usesKwargs, s.usesCaller);
        lines.push(`${id} = new rt.JMacro(${JSON.stringify(s.name)}, ${JSON.stringify(s.params.map((p) => p.name))}, ${flags(s.usesVarargs, s.usesKwargs, s.usesCaller)}, ${fn});`);
        return;
      }
      case 'callblock': {
        const fn = this.#macroFunction(s.params, s.body, 'caller', false, s.usesVarargs, s.usesKwargs, false);
        const caller = `new rt.JMacro("caller", ${JSON.stringify(s.params.map((p) => p.name))}, ${flags(s.usesVarargs, s.usesKwargs, false)}, ${fn})`;
        lines.push(`$p = ${s.pos}; ${out} += rt.s(${this.call(s.call.fn, s.call, s.call.pos, [['caller', caller]])});`);
        return;
      }
      case 'break':
        lines.push('break;');
        return;
      case 'continue':
        lines.push('continue;');
        return;
      case 'with': {
        lines.push('{');
        const values = s.values.map((v) => this.expr(v));
        const scope: Scope = { vars: new Map(), parent: this.scope };
        this.scope = scope;
        s.targets.forEach((t, i) => {
          const names = t.kind === 'tuple' ? t.items.map((x) => (x as { name: string }).name) : [(t as { name: string }).name];
          for (const n of names) {
            const id = this.newId(n);
            scope.vars.set(n, id);
            lines.push(`let ${id};`);
          }
          lines.push(this.#assign(t, values[i]!));
        });
        this.#declareStores(s.body, lines, scope);
        this.#stmts(s.body, lines);
        this.scope = scope.parent;
        lines.push('}');
        return;
      }
      case 'snapshot':
        this.#stmts(s.body, lines);
        return;
    }
  }

  /** `{{ return(x) }}` / `{% do return(x) %}` directly in a macro's own function: a JavaScript return. */
  #directReturn(e: Expr, lines: string[]): boolean {
    if (!this.fn.directReturn || !isReturnCall(e) || this.local('return')) return false;
    lines.push(`$p = ${e.pos}; return ${this.expr(e.args[0]!)};`);
    return true;
  }

  /** Open a block with its own output buffer and scope; returns the buffer's name. The caller closes the brace. */
  #block(body: readonly Stmt[], lines: string[]): string {
    const buf = this.newId('buf');
    lines.push(`let ${buf} = '';`, '{');
    const saved = this.#out;
    this.#out = buf;
    const scope: Scope = { vars: new Map(), parent: this.scope };
    this.scope = scope;
    this.#declareStores(body, lines, scope);
    this.#stmts(body, lines);
    this.scope = scope.parent;
    this.#out = saved;
    return buf;
  }

  /** A filter chain parsed with no value (`{% filter upper %}`, `{% set x | trim %}`) applied to `value`. */
  #applyFilter(f: Expr, value: string): string {
    if (f.kind !== 'filter') return value;
    const inner = f.expr ? this.#applyFilter(f.expr, value) : value;
    return this.filter(f.name, inner, f.args, f.pos);
  }

  #assign(target: Expr, value: string): string {
    if (target.kind === 'name') return `${this.local(target.name)} = ${value};`;
    if (target.kind === 'nsref') return `rt.setNs(${this.nameRef(target.name)}, ${JSON.stringify(target.attr)}, ${value});`;
    if (target.kind === 'tuple') {
      const ids = target.items.map((x) => (x.kind === 'name' ? this.local(x.name)! : this.fail('only names can be unpacked into', x.pos)));
      return `[${ids.join(', ')}] = rt.unpack(${value}, ${ids.length});`;
    }
    return this.fail('cannot assign to this expression', target.pos);
  }

  #for(s: Extract<Stmt, { kind: 'for' }>, lines: string[]): void {
    if (s.recursive) return this.#recursiveFor(s, lines);
    this.#loop(s, this.expr(s.iter), lines);
  }

  /**
   * `{% for x in xs recursive %}`: the loop becomes a function of its items and depth, with its
   * own output; `loop(children)` inside calls it one level down and outputs what it returns.
   * A `return()` in the body throws (a direct `return` would leave only the function).
   */
  #recursiveFor(s: Extract<Stmt, { kind: 'for' }>, lines: string[]): void {
    const fn = this.newId('recur');
    const src = this.newId('src');
    const level = this.newId('level');
    const buf = this.newId('buf');
    const savedOut = this.#out;
    const savedDirect = this.fn.directReturn;
    this.fn.directReturn = false;
    lines.push(`$p = ${s.pos};`, `const ${fn} = (${src}, ${level}) => {`, `let ${buf} = '';`);
    this.#out = buf;
    this.#loop(s, src, lines, (loop) => [`${loop}.level = ${level};`, `${loop}.recurse = (x) => ${fn}(x, ${level} + 1);`]);
    this.#out = savedOut;
    this.fn.directReturn = savedDirect;
    lines.push(`return ${buf};`, '};', `${this.#out} += ${fn}(${this.expr(s.iter)}, 0);`);
  }

  #loop(s: Extract<Stmt, { kind: 'for' }>, iterCode: string, lines: string[], setupLoop?: (loop: string) => string[]): void {
    const it = this.newId('items');
    const i = this.newId('i');
    lines.push(`$p = ${s.pos};`, '{');
    const names = s.target.kind === 'tuple' ? s.target.items.map((x) => (x as { name: string }).name) : [(s.target as { name: string }).name];
    const bindTarget = (scope: Scope, value: string): string[] => {
      const ids = names.map((n) => {
        const id = this.newId(n);
        scope.vars.set(n, id);
        return id;
      });
      // let, not const: the body may assign the loop variable (`{% set col = col | lower %}`).
      return s.target.kind === 'tuple' ? [`let [${ids.join(', ')}] = rt.unpack(${value}, ${ids.length});`] : [`let ${ids[0]} = ${value};`];
    };
    if (s.cond) {
      // `{% for x in xs if cond %}` filters first, so loop.length and loop.last count kept items only.
      const src = this.newId('src');
      const x = this.newId('x');
      lines.push(`const ${src} = rt.iter(${iterCode}); const ${it} = [];`);
      const scope: Scope = { vars: new Map(), parent: this.scope };
      this.scope = scope;
      lines.push(`for (const ${x} of ${src}) {`, ...bindTarget(scope, x), `if (rt.t(${this.expr(s.cond)})) ${it}.push(${x});`, '}');
      this.scope = scope.parent;
    } else lines.push(`const ${it} = rt.iter(${iterCode});`);
    const scope: Scope = { vars: new Map(), parent: this.scope };
    let loop: string | undefined;
    if (s.usesLoop) {
      loop = this.newId('loop');
      lines.push(`const ${loop} = new rt.Loop(${it});`, ...(setupLoop?.(loop) ?? []));
    }
    lines.push(`for (let ${i} = 0; ${i} < ${it}.length; ${i}++) {`);
    this.scope = scope;
    lines.push(...bindTarget(scope, `${it}[${i}]`));
    if (loop) {
      scope.vars.set('loop', loop);
      lines.push(`${loop}.i = ${i};`);
    }
    this.#declareStores(s.body, lines, scope);
    this.#stmts(s.body, lines);
    this.scope = scope.parent;
    lines.push('}');
    if (s.else_.length) {
      lines.push(`if (${it}.length === 0) {`);
      const es: Scope = { vars: new Map(), parent: this.scope };
      this.scope = es;
      this.#declareStores(s.else_, lines, es);
      this.#stmts(s.else_, lines);
      this.scope = es.parent;
      lines.push('}');
    }
    lines.push('}');
  }
}

function flags(varargs: boolean, kwargs: boolean, caller: boolean): string {
  return `{ varargs: ${varargs}, kwargs: ${kwargs}, caller: ${caller} }`;
}
