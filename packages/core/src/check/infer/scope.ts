import type { SqlType } from '../types/sql-type.ts';
import type { Col, Lineage, Shape } from './shape.ts';

/** The result of inferring an expression. */
export interface Value {
  readonly type: SqlType;
  readonly lineage: Lineage;
  /** A bare column reference: its value is its origin's, unchanged. */
  readonly pass?: boolean | undefined;
  /** The text of a string literal (it takes the type of what it meets). */
  readonly str?: string | undefined;
  /** The text of a number literal. */
  readonly num?: string | undefined;
}

/** A relation visible in a FROM clause, under its alias. */
export interface Rel {
  readonly alias: string;
  readonly aliasKey: string;
  /** Normalised name parts of a table referenced without an alias, so `schema.table.col` finds it. */
  readonly nameKeys?: readonly string[] | undefined;
  readonly shape: Shape;
  readonly label: string;
  /** Columns a USING or NATURAL join merged: found unqualified through {@link Scope.merged} only. */
  readonly hidden: Set<string>;
}

/** Column visibility in one SELECT, with the enclosing query's scope as parent (for correlated subqueries). */
export class Scope {
  readonly rels: Rel[] = [];
  readonly parent: Scope | undefined;
  /** Merged USING/NATURAL join columns, for unqualified references. */
  readonly merged = new Map<string, Col>();
  /** Select-list aliases, tried after FROM columns (WHERE, GROUP BY, HAVING, QUALIFY, later select items) or first (ORDER BY). */
  aliases: Map<string, Value> | undefined;
  aliasFirst = false;
  /** Lambda parameters in scope (and the column a COLUMNS(...) expression stands for while it is expanded). */
  lambdas: Map<string, Value> | undefined;

  constructor(parent?: Scope) {
    this.parent = parent;
  }

  /** Whether some relation here may have columns it does not list. */
  get open(): boolean {
    return this.rels.some((r) => r.shape.open);
  }

  anyOpen(): boolean {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.open) return true;
    return false;
  }
}

/** Common table expressions visible at a point, innermost first. */
export class Ctes {
  readonly map = new Map<string, Shape>();
  /** The names as written, by key, for messages. */
  readonly names = new Map<string, string>();
  readonly parent: Ctes | undefined;

  constructor(parent?: Ctes) {
    this.parent = parent;
  }

  get(key: string): Shape | undefined {
    for (let c: Ctes | undefined = this; c; c = c.parent) {
      const s = c.map.get(key);
      if (s) return s;
    }
    return undefined;
  }
}
