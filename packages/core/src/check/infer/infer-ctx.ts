import type { FromItem, Query } from '../sql/ast.ts';
import type { InferEnv } from './infer-env.ts';
import type { Ctes, Scope } from './scope.ts';
import type { Shape } from './shape.ts';

/**
 * Inference's mutually recursive entry points (an expression holds a subquery, a FROM holds a
 * query), bound late by check-sql.ts so that no inference module imports another in a circle.
 */
export interface Inferrer {
  query(q: Query, x: InferCtx): Shape;
  fromItem(f: FromItem, x: InferCtx, outer: Scope | undefined): void;
}

/** Where an expression or query is being inferred. */
export interface InferCtx {
  readonly env: InferEnv;
  readonly scope: Scope;
  readonly ctes: Ctes;
  readonly run: Inferrer;
  /** Inside a join's ON: `a.x = b.y` there compares join keys. */
  readonly joinOn?: boolean | undefined;
}
