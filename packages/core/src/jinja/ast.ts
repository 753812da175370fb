/**
 * The typed tree the parser builds. Every node has `pos`, the source offset where it starts,
 * for errors. Expressions and statements mirror Jinja's own node kinds.
 */

export type Expr =
  | { kind: 'const'; pos: number; value: string | number | boolean | null; float?: boolean }
  | { kind: 'name'; pos: number; name: string }
  | { kind: 'tuple'; pos: number; items: Expr[] }
  | { kind: 'list'; pos: number; items: Expr[] }
  | { kind: 'dict'; pos: number; pairs: [Expr, Expr][] }
  | { kind: 'getattr'; pos: number; obj: Expr; name: string }
  | { kind: 'getitem'; pos: number; obj: Expr; key: Expr }
  | { kind: 'slice'; pos: number; start: Expr | undefined; stop: Expr | undefined; step: Expr | undefined }
  | CallExpr
  | { kind: 'filter'; pos: number; expr: Expr | undefined; name: string; args: CallArgs }
  | { kind: 'test'; pos: number; expr: Expr; name: string; args: CallArgs }
  | { kind: 'cond'; pos: number; test: Expr; then: Expr; else_: Expr | undefined }
  | { kind: 'binop'; pos: number; op: BinOp; left: Expr; right: Expr }
  | { kind: 'and' | 'or'; pos: number; left: Expr; right: Expr }
  | { kind: 'not' | 'neg' | 'pos'; pos: number; expr: Expr }
  | { kind: 'compare'; pos: number; first: Expr; ops: [CompareOp, Expr][] }
  | { kind: 'concat'; pos: number; items: Expr[] }
  /** `ns.attr` as an assignment target of `{% set %}`. */
  | { kind: 'nsref'; pos: number; name: string; attr: string };

export type BinOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'notin';

export interface CallArgs {
  args: Expr[];
  kwargs: [string, Expr][];
  /** `*args` at the call site. */
  star: Expr | undefined;
  /** `**kwargs` at the call site. */
  starstar: Expr | undefined;
}

export interface CallExpr extends CallArgs {
  kind: 'call';
  pos: number;
  fn: Expr;
}

export interface Param {
  name: string;
  default_: Expr | undefined;
}

/** What kind of definition a macro-like block is; dbt names them `<kind>_<name>` except plain macros. */
export type MacroKind = 'macro' | 'test' | 'materialization' | 'docs';

export interface MacroNode {
  kind: 'macro';
  pos: number;
  /** End of the `{% endmacro %}` tag: the macro's source is `source.slice(pos, end)`. */
  end: number;
  /** The name it is called by: `test_<name>` for tests, `materialization_<name>_<adapter>`, `docs_<name>`. */
  name: string;
  /** The name as written after the tag. */
  declaredName: string;
  blockKind: MacroKind;
  params: Param[];
  body: Stmt[];
  /** Whether the body reads `varargs`, `kwargs`, `caller`: decides what the macro accepts, as in Jinja. */
  usesVarargs: boolean;
  usesKwargs: boolean;
  usesCaller: boolean;
  /** `{% materialization x, adapter='y' %}`: the adapter named. */
  adapter?: string | undefined;
}

export type Stmt =
  | { kind: 'data'; pos: number; text: string }
  | { kind: 'output'; pos: number; expr: Expr }
  | { kind: 'if'; pos: number; test: Expr; body: Stmt[]; else_: Stmt[] }
  | { kind: 'for'; pos: number; target: Expr; iter: Expr; cond: Expr | undefined; body: Stmt[]; else_: Stmt[]; usesLoop: boolean; recursive?: boolean }
  | { kind: 'set'; pos: number; target: Expr; expr: Expr }
  | { kind: 'setblock'; pos: number; target: Expr; filter: Expr | undefined; body: Stmt[] }
  | MacroNode
  | { kind: 'callblock'; pos: number; params: Param[]; call: CallExpr; body: Stmt[]; usesVarargs: boolean; usesKwargs: boolean }
  | { kind: 'filterblock'; pos: number; filter: Expr; body: Stmt[] }
  | { kind: 'do'; pos: number; expr: Expr }
  | { kind: 'break' | 'continue'; pos: number }
  | { kind: 'with'; pos: number; targets: Expr[]; values: Expr[]; body: Stmt[] }
  /** dbt's `{% snapshot name %}...{% endsnapshot %}`: the body is the snapshot's select. */
  | { kind: 'snapshot'; pos: number; end: number; name: string; body: Stmt[]; bodyStart: number; bodyEnd: number };

export interface TemplateAst {
  body: Stmt[];
}
