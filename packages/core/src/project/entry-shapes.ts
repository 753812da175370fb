import { diag, type Diagnostic } from '../diagnostics.ts';
import type { YamlFile } from './yaml-file.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown): string => (Array.isArray(v) ? 'a list' : v === null ? 'empty' : isObj(v) ? 'a mapping' : `${typeof v === 'string' ? 'the text' : 'the value'} ${JSON.stringify(v)}`);

type Want = 'mapping' | 'list' | 'text';
const fits = (v: unknown, want: Want): boolean => (want === 'mapping' ? isObj(v) : want === 'list' ? Array.isArray(v) : typeof v === 'string');

/** What dbt 1.11's schema validation requires of a model, seed, snapshot or analysis entry (and of its columns), key by key. */
const ENTRY: readonly (readonly [path: readonly string[], want: Want])[] = [
  [['config'], 'mapping'],
  [['meta'], 'mapping'],
  [['docs'], 'mapping'],
  [['constraints'], 'list'],
  [['config', 'meta'], 'mapping'],
  [['config', 'docs'], 'mapping'],
  [['config', 'materialized'], 'text'],
];
const COLUMN: readonly (readonly [path: readonly string[], want: Want])[] = [
  [['meta'], 'mapping'],
  [['config'], 'mapping'],
  [['constraints'], 'list'],
];

const HINT: Record<Want, (key: string) => string> = {
  mapping: (k) => `Write the keys of \`${k}:\` indented under it, without "- " before them`,
  list: (k) => `Write \`${k}:\` as a list, each item on its own line after "- "`,
  text: (k) => `Write \`${k}:\` as one name, as in \`materialized: table\``,
};

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

function check(y: YamlFile, o: Record<string, unknown>, at: readonly (string | number)[], what: string, rules: typeof ENTRY, diagnostics: Diagnostic[]): void {
  for (const [path, want] of rules) {
    let v: unknown = o;
    for (const k of path) v = isObj(v) ? v[k] : undefined;
    if (v === undefined || fits(v, want)) continue;
    const key = path.join('.');
    diagnostics.push(
      diag('SM_SCHEMA_YAML', `${what}: \`${key}:\` must be ${want === 'text' ? 'a name' : `a ${want}`}, not ${kindOf(v)}`, y.locate([...at, ...path]), {
        hint: `${v === null ? `Give \`${path[path.length - 1]!}:\` a value, or remove the line` : HINT[want](path[path.length - 1]!)}; dbt refuses the file as it is.`,
      }),
    );
  }
}
