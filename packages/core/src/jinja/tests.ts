import { JMacro } from './macro.ts';
import { compare, contains } from './py-ops.ts';
import { PyDecimal } from './py-decimal.ts';
import { isDict, isFloat, PyFloat, truthy } from './py-values.ts';
import { STR_METHODS } from './py-methods.ts';

/** A Jinja test (`x is defined`, `n is divisibleby 3`): the value, positional and keyword arguments. */
export type JinjaTest = (v: unknown, args: unknown[], kw: Record<string, unknown> | null) => boolean;

const cmp = (op: string): JinjaTest => (v, [other]) => compare(op, v, other);

/** Jinja's built-in tests, with Python's idea of each type (True is a number, a dict is a sequence). */
export function builtinTests(has: { filter: (n: string) => boolean; test: (n: string) => boolean }): Record<string, JinjaTest> {
  const t: Record<string, JinjaTest> = {
    defined: (v) => v !== undefined,
    undefined: (v) => v === undefined,
    none: (v) => v === null,
    boolean: (v) => typeof v === 'boolean',
    true: (v) => v === true,
    false: (v) => v === false,
    number: (v) => typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat || v instanceof PyDecimal,
    integer: (v) => typeof v === 'number' && Number.isInteger(v),
    float: (v) => isFloat(v),
    string: (v) => typeof v === 'string',
    mapping: (v) => isDict(v) || v instanceof Map || (typeof v === 'object' && v !== null && (v as { __mapping__?: unknown }).__mapping__ === true),
    sequence: (v) => typeof v === 'string' || Array.isArray(v) || isDict(v),
    iterable: (v) => typeof v === 'string' || Array.isArray(v) || isDict(v) || (typeof v === 'object' && v !== null && Symbol.iterator in v),
    callable: (v) => typeof v === 'function' || v instanceof JMacro || (typeof v === 'object' && v !== null && typeof (v as { __call__?: unknown }).__call__ === 'function'),
    sameas: (v, [o]) => v === o,
    escaped: () => false,
    even: (v) => Number(v) % 2 === 0,
    odd: (v) => Math.abs(Number(v) % 2) === 1,
    divisibleby: (v, [n]) => Number(v) % Number(n) === 0,
    lower: (v) => typeof v === 'string' && (STR_METHODS.islower!(v, [], null) as boolean),
    upper: (v) => typeof v === 'string' && (STR_METHODS.isupper!(v, [], null) as boolean),
    in: (v, [seq]) => contains(seq, v),
    eq: cmp('=='),
    ne: cmp('!='),
    lt: cmp('<'),
    le: cmp('<='),
    gt: cmp('>'),
    ge: cmp('>='),
    filter: (v) => typeof v === 'string' && has.filter(v),
    test: (v) => typeof v === 'string' && has.test(v),
  };
  Object.assign(t, { '==': t.eq, equalto: t.eq, '!=': t.ne, '<': t.lt, lessthan: t.lt, '<=': t.le, '>': t.gt, greaterthan: t.gt, '>=': t.ge });
  return t;
}

/** Apply a test by name to a value (select, reject, selectattr use this). */
export function applyTest(tests: Record<string, JinjaTest>, name: unknown, v: unknown, args: unknown[]): boolean {
  if (name === undefined) return truthy(v);
  const fn = tests[String(name)];
  if (!fn) throw new Error(`No test named '${String(name)}'.`);
  return fn(v, args, null);
}
