import { diag, SmProjectError } from '../diagnostics.ts';
import { criterion, type Criterion, type SelectionExpr } from './selection-expr.ts';

/** Methods sm selects by; `config.<key>` besides. */
export const SELECTION_METHODS: readonly string[] = ['fqn', 'tag', 'group', 'access', 'version', 'path', 'file', 'source', 'unique_id', 'resource_type', 'package', 'test_type', 'test_name', 'state', 'result', 'source_status', 'selector', 'exposure', 'metric', 'semantic_model', 'saved_query', 'unit_test'];

/** dbt 1.11's resource types, for `resource_type:` and `--resource-type` (sm has no nodes of some: they select nothing). */
export const DBT_RESOURCE_TYPES: readonly string[] = ['metric', 'semantic_model', 'saved_query', 'source', 'analysis', 'function', 'model', 'test', 'unit_test', 'exposure', 'snapshot', 'seed'];

const TEST_TYPES = ['generic', 'singular', 'unit', 'data'];

/**
 * The command line's `--select a b,c` (or `--exclude`): each argument split on whitespace into
 * a union, each item on commas into an intersection. Undefined when nothing is given. Throws an
 * SM_SELECTOR_INVALID project error (exit 2) for an unknown method or an impossible value.
 */
export function parseSelectionArgs(args: readonly string[] | undefined): SelectionExpr | undefined {
  // An empty argument (`-s ''`, as from an unset shell variable) is a criterion that matches nothing, as in dbt 1.11: not "select everything".
  const items = (args ?? []).flatMap((s) => (s === '' ? [''] : s.split(/\s+/).filter(Boolean)));
  if (!items.length) return undefined;
  return { kind: 'union', items: items.map(parseIntersection), testsOfWhole: true };
}

/** `a,b,c`: one criterion, or the intersection of several. */
export function parseIntersection(item: string): SelectionExpr {
  // dbt 1.11 keeps an empty part (`a,` `,a`): it matches nothing, and so does the intersection.
  const parts = item.split(',');
  if (parts.length === 1) return parseCriterion(parts[0]!);
  return { kind: 'intersection', items: parts.map(parseCriterion), text: item, testsOfWhole: true };
}

const ATOM = /^(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/;

/** One criterion with its graph operators: `@x`, `+x`, `2+x`, `x+`, `x+3`, `method:value`. */
export function parseCriterion(text: string): Criterion {
  if (text === '') return criterion('fqn', '', { text });
  const m = ATOM.exec(text);
  if (!m) throw invalidSelector(text, 'not a selection expression');
  const [, at, upN, body, downN] = m;
  const hasUp = text.startsWith('+') || /^@?\d+\+/.test(text);
  const hasDown = /\+\d*$/.test(text) && !body!.endsWith('+');
  // dbt 1.11 (SelectionCriteria): 'Invalid node spec @a+ - "@" prefix and "+" suffix are incompatible', exit 2.
  if (at && hasDown) throw invalidSelector(text, '"@" prefix and "+" suffix are incompatible (@x already selects x\'s children, their parents and x\'s parents); write @x or x+');
  const colon = body!.indexOf(':');
  const method = colon > 0 ? body!.slice(0, colon) : body!.includes('/') || body!.endsWith('.sql') || body!.endsWith('.csv') ? 'path' : 'fqn';
  const value = colon > 0 ? body!.slice(colon + 1) : body!;
  checkMethod(text, method, value);
  return criterion(method, value, {
    childrensParents: at ? true : undefined,
    parents: !at && hasUp ? (upN ? Number(upN) : Infinity) : undefined,
    children: !at && hasDown ? (downN ? Number(downN) : Infinity) : undefined,
    text,
  });
}

/** Methods and values that can never select anything are usage errors, as in dbt. */
export function checkMethod(text: string, method: string, value: string): void {
  // `config:x` (no key): dbt 1.11 compares the whole config to x, which never matches; a warning, not an error (recorded, exit 0).
  if (!SELECTION_METHODS.includes(method) && method !== 'config' && !method.startsWith('config.')) throw invalidSelector(text, `unknown method "${method}"`);
  if (method === 'resource_type' && !DBT_RESOURCE_TYPES.includes(value)) {
    throw invalidSelector(text, `invalid resource_type selector "${value}"; use one of ${DBT_RESOURCE_TYPES.join(', ')}`);
  }
  if (method === 'test_type' && !TEST_TYPES.includes(value)) throw invalidSelector(text, `invalid test type selector ${value}: expected "generic", "singular", "unit", or "data"`);
}

export function invalidSelector(expr: string, why: string): SmProjectError {
  return new SmProjectError([
    diag('SM_SELECTOR_INVALID', `Invalid selector "${expr}": ${why}`, undefined, {
      hint: 'Examples: my_model, +my_model, my_model+2, @my_model, tag:nightly, path:models/staging, config.materialized:table, source:raw+, resource_type:seed.',
    }),
  ]);
}
