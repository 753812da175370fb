import type { InferEnv } from './infer-env.ts';
import type { Ctes, Scope } from './scope.ts';

/** Where an expression or query is being inferred. */
export interface InferCtx {
  readonly env: InferEnv;
  readonly scope: Scope;
  readonly ctes: Ctes;
  /** Inside a join's ON: `a.x = b.y` there compares join keys. */
  readonly joinOn?: boolean | undefined;
}
