import { closestNames, diag, type Diagnostic } from '../diagnostics.ts';
import type { YamlFile } from './yaml-file.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown): string => (Array.isArray(v) ? 'a list' : v === null ? 'empty' : isObj(v) ? 'a mapping' : `${typeof v === 'string' ? 'the text' : 'the value'} ${JSON.stringify(v)}`);

/** `freshness`: a mapping, or null to turn it off. */
/** `notEmpty`: a list that sm's reader already checks the kind of, so only an empty value (`columns:` with nothing under it) is told here. */
/** `tags`: a name or a list of names; `names`: a list of names. */
type Want = 'mapping' | 'list' | 'text' | 'freshness' | 'notEmpty' | 'tags' | 'names';
const names = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
const fits = (v: unknown, want: Want): boolean =>
  want === 'mapping' ? isObj(v)
  : want === 'list' ? Array.isArray(v)
  : want === 'freshness' ? v === null || isObj(v)
  : want === 'notEmpty' ? v !== null
  : want === 'tags' ? typeof v === 'string' || names(v)
  : want === 'names' ? names(v)
  : typeof v === 'string';
/** `required`: dbt refuses the entry without the key, so an empty one is not to be removed. */
type Rules = readonly (readonly [path: readonly string[], want: Want, required?: true])[];

/** What dbt 1.11's schema validation requires of a model, seed, snapshot or analysis entry (and of its columns), key by key. */
const ENTRY: Rules = [
  // dbt 1.11.16: "at path ['columns']: None is not of type 'array'" (a source table's likewise), exit 2.
  [['columns'], 'notEmpty'],
  [['config'], 'mapping'],
  [['meta'], 'mapping'],
  [['docs'], 'mapping'],
  [['constraints'], 'list'],
  [['config', 'meta'], 'mapping'],
  [['config', 'docs'], 'mapping'],
  [['config', 'materialized'], 'text'],
  // dbt 1.11.16, `config: {tags: [true]}`: "at path ['tags']: [True] is not valid under any of the given schemas", exit 2.
  [['config', 'tags'], 'tags'],
];
const COLUMN: Rules = [
  [['meta'], 'mapping'],
  [['config'], 'mapping'],
  [['constraints'], 'list'],
  // dbt 1.11.16: "at path ['columns'][0]['tags']: 5 is not of type 'array'" (a name or nothing too),
  // "at path ['columns'][0]['tags'][0]: True is not of type 'string'"; a model's own `tags: 5` or
  // `tags: [true]` it accepts (and drops), as sm does.
  [['tags'], 'names'],
];
/** A source and each of its tables: "at path ['tables'][0]['freshness']: 5 is not valid under any of the given schemas". */
const SOURCE: Rules = [
  [['tables'], 'notEmpty'],
  [['columns'], 'notEmpty'],
  [['freshness'], 'freshness'],
  [['config', 'freshness'], 'freshness'],
];
/** The keys of a source entry (dbt 1.11's UnparsedSourceDefinition, which allows no others). */
const SOURCE_KEYS = new Set(['name', 'description', 'meta', 'database', 'schema', 'loader', 'quoting', 'freshness', 'loaded_at_field', 'loaded_at_query', 'tables', 'tags', 'config', 'loaded_at_field_present', 'unrendered_database', 'unrendered_schema']);
/** "at path ['given']: 5 is not of type 'array'", "at path ['expect']: 5 is not of type 'object'". */
const UNIT_TEST: Rules = [
  [['given'], 'list', true],
  [['expect'], 'mapping', true],
];

const HINT: Record<Want, (key: string) => string> = {
  mapping: (k) => `Write the keys of \`${k}:\` indented under it, without "- " before them`,
  list: (k) => `Write \`${k}:\` as a list, each item on its own line after "- "`,
  text: (k) => `Write \`${k}:\` as one name, as in \`materialized: table\``,
  freshness: () => 'Write `freshness:` as a mapping, as in `freshness: {warn_after: {count: 12, period: hour}}`, or `freshness: null` to turn it off',
  notEmpty: (k) => `Write \`${k}:\` as a list, each item on its own line after "- "`,
  tags: (k) => `Write \`${k}:\` as a name or a list of names, quoting a name YAML reads as something else (\`"true"\`, \`"on"\`, \`"2024"\`)`,
  names: (k) => `Write \`${k}:\` as a list of names, quoting a name YAML reads as something else (\`"true"\`, \`"on"\`, \`"2024"\`)`,
};
const WANTED: Record<Want, string> = { mapping: 'a mapping', list: 'a list', text: 'a name', freshness: 'a mapping (or null)', notEmpty: 'a list', tags: 'a name or a list of names', names: 'a list of names' };

/**
 * A value of the wrong kind where dbt 1.11 expects a mapping, a list or a name, an empty one
 * (`config:` with nothing under it) included: dbt refuses the file (exit 2, "at path ['config']:
 * [] is not of type 'object'", "None is not of type 'object'"); sm read past it, so a
 * `config:` written as a list left the model a view without a word.
 */
export function checkEntryShapes(y: YamlFile, entry: Record<string, unknown>, at: readonly (string | number)[], what: string, diagnostics: Diagnostic[]): void {
  check(y, entry, at, what, ENTRY, diagnostics);
  if (!Array.isArray(entry.columns)) return;
  entry.columns.forEach((c, i) => {
    if (isObj(c)) check(y, c, [...at, 'columns', i], `${what}, column "${String(c.name)}"`, COLUMN, diagnostics);
  });
}

/** A source's and its tables' `freshness:` (and `config: {freshness:}`): dbt refuses any but a mapping or null, exit 2. */
export function checkSourceShapes(y: YamlFile, s: Record<string, unknown>, at: readonly (string | number)[], diagnostics: Diagnostic[]): void {
  check(y, s, at, `source "${String(s.name)}"`, SOURCE, diagnostics);
  // dbt 1.11.16, exit 2: "Invalid sources config given in models/x.yml @ sources: {...} - at path []:
  // Additional properties are not allowed ('s(chema' was unexpected)". Its tables take any key; an
  // override (`overrides:`) is read by another contract.
  if (s.overrides === undefined) {
    for (const key of Object.keys(s).filter((k) => !SOURCE_KEYS.has(k))) {
      const near = closestNames(key, SOURCE_KEYS, 1);
      diagnostics.push(
        diag('SM_SCHEMA_YAML', `source "${String(s.name)}": \`${key}:\` is not a key of a source`, y.locate([...at, key]), {
          hint: `${near.length ? `Did you mean \`${near[0]}\`? ` : ''}A source takes name, description, database, schema, loader, tables, tags, meta, config, quoting, freshness, loaded_at_field and loaded_at_query; dbt refuses the file as it is.`,
        }),
      );
    }
  }
  if (!Array.isArray(s.tables)) return;
  s.tables.forEach((t, i) => {
    if (isObj(t)) check(y, t, [...at, 'tables', i], `source "${String(s.name)}", table "${String(t.name)}"`, SOURCE, diagnostics);
  });
}

/** A unit test's `given:` (a list) and `expect:` (a mapping); true when either is of the wrong kind. */
export function checkUnitTestShapes(y: YamlFile, u: Record<string, unknown>, at: readonly (string | number)[], diagnostics: Diagnostic[]): boolean {
  // dbt 1.11.16 without `given:`: "at path []: 'given' is a required property", exit 2.
  if (u.given === undefined) {
    diagnostics.push(
      diag('SM_SCHEMA_YAML', `unit test "${String(u.name)}" has no \`given:\``, y.locate(at), {
        hint: 'Add `given:`, a list of the inputs the model reads (`- input: ref(\'...\')` with its `rows:`), or `given: []` if it reads none; dbt refuses the file as it is.',
      }),
    );
    return true;
  }
  return check(y, u, at, `unit test "${String(u.name)}"`, UNIT_TEST, diagnostics) > 0;
}

/** What a value is, for the message; a list of names that holds something else names the first such item. */
function shownAs(v: unknown, want: Want): string {
  const odd = (want === 'tags' || want === 'names') && Array.isArray(v) ? v.find((x) => typeof x !== 'string') : undefined;
  return odd === undefined ? kindOf(v) : `a list holding ${kindOf(odd)}`;
}

function check(y: YamlFile, o: Record<string, unknown>, at: readonly (string | number)[], what: string, rules: Rules, diagnostics: Diagnostic[]): number {
  let found = 0;
  for (const [path, want, required] of rules) {
    let v: unknown = o;
    for (const k of path) v = isObj(v) ? v[k] : undefined;
    if (v === undefined || fits(v, want)) continue;
    const key = path.join('.');
    found++;
    diagnostics.push(
      diag('SM_SCHEMA_YAML', `${what}: \`${key}:\` must be ${WANTED[want]}, not ${shownAs(v, want)}`, y.locate([...at, ...path]), {
        hint: `${v === null && want !== 'freshness' && !required ? `Give \`${path[path.length - 1]!}:\` a value, or remove the line` : HINT[want](path[path.length - 1]!)}; dbt refuses the file as it is.`,
      }),
    );
  }
  return found;
}

/**
 * Which of `data_tests:` and its old name `tests:` an entry's tests are under. dbt 1.11.16 refuses
 * both (exit 2, "Invalid test config: cannot have both 'tests' and 'data_tests' defined"): on a
 * model, version or column when `tests:` lists any, on a source table when both do.
 */
export function testsKey(y: YamlFile, o: Record<string, unknown>, path: (string | number)[], diagnostics: Diagnostic[], sourceTable = false): 'data_tests' | 'tests' {
  const listsAny = (v: unknown) => Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '';
  if (listsAny(o.tests) && (sourceTable ? listsAny(o.data_tests) : o.data_tests !== undefined)) {
    diagnostics.push(
      diag('SM_SCHEMA_YAML', `"${String(o.name)}" has both \`tests:\` and \`data_tests:\`; dbt 1.11 refuses the file`, y.locate([...path, 'tests']), {
        hint: 'Move the tests under `data_tests:` (the newer name of `tests:`) and remove `tests:`.',
      }),
    );
  }
  return o.data_tests !== undefined && o.data_tests !== null ? 'data_tests' : 'tests';
}
