import type { Expr } from '../jinja/ast.ts';

/** What a condition can be decided from before rendering: the target's type and name. */
export interface KnownTarget {
  readonly type: string;
  readonly name: string;
}

const UNKNOWN: unique symbol = Symbol('unknown');
type Known = string | number | boolean | null | Known[];

/**
 * Whether a condition holds at dbt's parse, when the text alone decides it: `execute` (false at
 * parse), `target.type`/`target.name` against literals (`==`, `!=`, `in`, `not in`), and `not`,
 * `and`, `or` of those; undefined for anything else (both branches may run).
 */
export function decideAtParse(e: Expr, target: KnownTarget | undefined): boolean | undefined {
  const v = known(e, target);
  return v === UNKNOWN ? undefined : truthy(v);
}

function known(e: Expr, target: KnownTarget | undefined): Known | typeof UNKNOWN {
  switch (e.kind) {
    case 'const':
      return e.value;
    case 'name':
      return e.name === 'execute' ? false : UNKNOWN;
    case 'getattr':
      return target && e.obj.kind === 'name' && e.obj.name === 'target' && (e.name === 'type' || e.name === 'name') ? target[e.name] : UNKNOWN;
    case 'list':
    case 'tuple': {
      const items = e.items.map((x) => known(x, target));
      return items.includes(UNKNOWN) ? UNKNOWN : (items as Known[]);
    }
    case 'not': {
      const v = known(e.expr, target);
      return v === UNKNOWN ? UNKNOWN : !truthy(v);
    }
    case 'and':
    case 'or': {
      const l = known(e.left, target);
      const r = known(e.right, target);
      const stop = e.kind === 'or';
      // Python's short circuit where one side is known to decide it.
      if (l !== UNKNOWN && truthy(l) === stop) return l;
      if (r !== UNKNOWN && truthy(r) === stop && l === UNKNOWN) return stop;
      return l === UNKNOWN || r === UNKNOWN ? UNKNOWN : r;
    }
    case 'compare': {
      if (e.ops.length !== 1) return UNKNOWN;
      const [op, right] = e.ops[0]!;
      const a = known(e.first, target);
      const b = known(right, target);
      if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
      if (op === '==') return same(a, b);
      if (op === '!=') return !same(a, b);
      if ((op === 'in' || op === 'notin') && Array.isArray(b)) return b.some((x) => same(a, x)) === (op === 'in');
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function same(a: Known, b: Known): boolean {
  return Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) === JSON.stringify(b) : a === b;
}

function truthy(v: Known): boolean {
  return Array.isArray(v) ? v.length > 0 : !!v;
}
