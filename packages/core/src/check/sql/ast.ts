/**
 * The syntax tree of a query. Plain data; every node keeps `pos`, the 0-based offset in the
 * SQL text where it starts, so that diagnostics can point at it. Only what type inference and
 * lineage need is kept: e.g. a LIMIT is parsed and checked, but its value is not interpreted.
 */

/** An identifier as written: quoted ones keep their case on every warehouse. */
export interface Ident {
  readonly name: string;
  readonly quoted: boolean;
  readonly pos: number;
}

/** A type as written in a cast or a typed literal: `decimal(12, 6)`, `varchar[]`, `struct(a int)`. */
export interface TypeName {
  /** Lower-cased base name, words joined by a space (`double precision`, `timestamp with time zone`). */
  readonly name: string;
  readonly params: readonly number[];
  /** `struct(...)`/`map(...)`/`union(...)` members; `list(...)`/`array(...)` element. */
  readonly fields?: readonly { readonly name: string; readonly type: TypeName }[];
  /** Number of `[]` suffixes. */
  readonly arrayDims: number;
  readonly pos: number;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly desc: boolean;
}

export interface WindowSpec {
  /** A named window this one extends (`over (w order by x)`). */
  readonly base?: string | undefined;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  /** Frame bounds that are expressions (`n preceding`). */
  readonly frameExprs: readonly Expr[];
}

export type Expr =
  | { readonly t: 'col'; readonly parts: readonly Ident[]; readonly pos: number; readonly end: number }
  | { readonly t: 'star'; readonly star: Star; readonly pos: number }
  | { readonly t: 'lit'; readonly kind: 'int' | 'dec' | 'float' | 'string' | 'bool' | 'null'; readonly value: string; readonly pos: number }
  | { readonly t: 'typed'; readonly type: TypeName; readonly value: string; readonly pos: number }
  | { readonly t: 'interval'; readonly value: Expr; readonly unit: string | undefined; readonly pos: number }
  | { readonly t: 'unary'; readonly op: string; readonly arg: Expr; readonly pos: number }
  | { readonly t: 'bin'; readonly op: string; readonly l: Expr; readonly r: Expr; readonly pos: number }
  | { readonly t: 'like'; readonly op: string; readonly not: boolean; readonly l: Expr; readonly r: Expr; readonly escape?: Expr | undefined; readonly pos: number }
  | { readonly t: 'between'; readonly not: boolean; readonly arg: Expr; readonly lo: Expr; readonly hi: Expr; readonly pos: number }
  | { readonly t: 'in'; readonly not: boolean; readonly arg: Expr; readonly list?: readonly Expr[] | undefined; readonly query?: Query | undefined; readonly pos: number }
  | { readonly t: 'is'; readonly not: boolean; readonly arg: Expr; readonly what: 'null' | 'true' | 'false' | 'unknown' | 'distinct'; readonly other?: Expr | undefined; readonly pos: number }
  | { readonly t: 'case'; readonly operand?: Expr | undefined; readonly whens: readonly (readonly [Expr, Expr])[]; readonly else?: Expr | undefined; readonly pos: number }
  | { readonly t: 'cast'; readonly arg: Expr; readonly type: TypeName; readonly mode: 'cast' | 'try' | 'op'; readonly pos: number }
  | FnCall
  | { readonly t: 'subquery'; readonly query: Query; readonly pos: number }
  | { readonly t: 'exists'; readonly query: Query; readonly pos: number }
  | { readonly t: 'array'; readonly items: readonly Expr[]; readonly pos: number }
  | { readonly t: 'arrayQuery'; readonly query: Query; readonly pos: number }
  | { readonly t: 'struct'; readonly fields: readonly { readonly name: string; readonly value: Expr }[]; readonly pos: number }
  | { readonly t: 'row'; readonly items: readonly Expr[]; readonly pos: number }
  | { readonly t: 'index'; readonly arg: Expr; readonly index: Expr; readonly pos: number }
  | { readonly t: 'slice'; readonly arg: Expr; readonly from?: Expr | undefined; readonly to?: Expr | undefined; readonly pos: number }
  | { readonly t: 'field'; readonly arg: Expr; readonly name: Ident; readonly pos: number }
  | { readonly t: 'lambda'; readonly params: readonly Ident[]; readonly body: Expr; readonly pos: number }
  | { readonly t: 'columns'; readonly arg: Expr; readonly pos: number }
  | { readonly t: 'extract'; readonly field: string; readonly arg: Expr; readonly pos: number }
  | { readonly t: 'param'; readonly name: string; readonly pos: number }
  | { readonly t: 'path'; readonly arg: Expr; readonly path: string; readonly pos: number }
  | { readonly t: 'named'; readonly name: string; readonly value: Expr; readonly pos: number }
  | { readonly t: 'collate'; readonly arg: Expr; readonly collation: string; readonly pos: number }
  | { readonly t: 'tz'; readonly arg: Expr; readonly zone: Expr; readonly pos: number };

export interface FnCall {
  readonly t: 'fn';
  /** Lower-cased unless quoted; the last part is the function, earlier parts its schema. */
  readonly name: string;
  readonly schema?: string | undefined;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  /** `count(*)`. */
  readonly star: boolean;
  readonly orderBy: readonly OrderItem[];
  readonly filter?: Expr | undefined;
  readonly over?: WindowSpec | string | undefined;
  readonly withinGroup: readonly OrderItem[];
  readonly pos: number;
}

/** `*`, `t.*`, with DuckDB's `exclude`, `replace`, `rename` and Snowflake's `ilike`. */
export interface Star {
  readonly qualifier?: readonly Ident[] | undefined;
  readonly exclude: readonly Ident[][];
  readonly replace: readonly { readonly expr: Expr; readonly alias: Ident }[];
  readonly rename: readonly { readonly from: Ident[]; readonly to: Ident }[];
  readonly like?: { readonly pattern: string; readonly ci: boolean } | undefined;
}

export interface SelectItem {
  readonly expr: Expr;
  readonly alias?: Ident | undefined;
  readonly pos: number;
}

export interface Alias {
  readonly name: Ident;
  readonly columns?: readonly Ident[] | undefined;
}

export type JoinKind = 'inner' | 'left' | 'right' | 'full' | 'cross' | 'semi' | 'anti' | 'positional' | 'asof' | 'asof left';

export type FromItem =
  | { readonly t: 'table'; readonly name: readonly Ident[]; readonly alias?: Alias | undefined; readonly pos: number; readonly end: number }
  | { readonly t: 'derived'; readonly query: Query; readonly lateral: boolean; readonly alias?: Alias | undefined; readonly pos: number }
  | { readonly t: 'tfn'; readonly fn: FnCall; readonly lateral: boolean; readonly alias?: Alias | undefined; readonly pos: number }
  | { readonly t: 'values'; readonly rows: readonly (readonly Expr[])[]; readonly alias?: Alias | undefined; readonly pos: number }
  | {
      readonly t: 'join';
      readonly kind: JoinKind;
      readonly natural: boolean;
      readonly left: FromItem;
      readonly right: FromItem;
      readonly on?: Expr | undefined;
      readonly using?: readonly Ident[] | undefined;
      readonly pos: number;
    }
  | {
      readonly t: 'pivot';
      readonly source: FromItem;
      /** Aggregates, each `sum(x) as name`. */
      readonly aggregates: readonly SelectItem[];
      /** `for col in (values)`; DuckDB also allows several and `in` lists of names. */
      readonly on: readonly { readonly expr: Expr; readonly values?: readonly SelectItem[] | undefined }[];
      readonly groupBy: readonly Expr[];
      readonly alias?: Alias | undefined;
      readonly pos: number;
    }
  | {
      readonly t: 'unpivot';
      readonly source: FromItem;
      /** Columns of the values (one unless unpivoting into several). */
      readonly valueNames: readonly Ident[];
      readonly nameColumn: Ident;
      readonly columns: readonly Expr[];
      readonly includeNulls: boolean;
      readonly alias?: Alias | undefined;
      readonly pos: number;
    };

export interface GroupBy {
  readonly all: boolean;
  /** Every expression mentioned, including inside rollup/cube/grouping sets. */
  readonly exprs: readonly Expr[];
}

export interface Select {
  readonly t: 'select';
  readonly distinct: boolean;
  readonly distinctOn: readonly Expr[];
  readonly items: readonly SelectItem[];
  readonly from: readonly FromItem[];
  readonly where?: Expr | undefined;
  readonly groupBy?: GroupBy | undefined;
  readonly having?: Expr | undefined;
  readonly windows: readonly { readonly name: string; readonly spec: WindowSpec }[];
  readonly qualify?: Expr | undefined;
  readonly pos: number;
}

export interface SetOp {
  readonly t: 'setop';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly byName: boolean;
  readonly left: SetExpr;
  readonly right: SetExpr;
  readonly pos: number;
}

export type SetExpr = Select | SetOp | { readonly t: 'values'; readonly rows: readonly (readonly Expr[])[]; readonly pos: number } | Query;

export interface Cte {
  readonly name: Ident;
  readonly columns?: readonly Ident[] | undefined;
  readonly query: Query;
}

export interface Query {
  readonly t: 'query';
  readonly with?: { readonly recursive: boolean; readonly ctes: readonly Cte[] } | undefined;
  readonly body: SetExpr;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: Expr | undefined;
  readonly offset?: Expr | undefined;
  readonly pos: number;
}
