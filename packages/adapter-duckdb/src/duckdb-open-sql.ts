import { isAbsolute, resolve } from 'node:path';

/**
 * The statements that prepare a DuckDB target beyond opening its file, as dbt-duckdb reads its
 * profile: `settings:` are SET on every connection (after the extensions load, so a setting an
 * extension owns, such as `TimeZone` or `s3_region`, is known), `attach:` entries are ATTACHed
 * once, `config_options:` are the only options given to DuckDB when it opens the file.
 */

/** A value of the profile as DuckDB's text: YAML's booleans and numbers as written. */
function text(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

function quote(v: unknown): string {
  return `'${text(v).replace(/'/g, "''")}'`;
}

/** `SET key = 'value'`: DuckDB casts the text to the setting's type. */
export function settingSql(key: string, value: unknown): string {
  return `SET ${key} = ${quote(value)}`;
}

/** One entry of `attach:` as the profile may write it. */
export interface AttachEntry {
  path: string;
  alias?: string;
  type?: string;
  secret?: string;
  read_only?: boolean;
  options?: Record<string, unknown>;
}

/** What is wrong with an `attach:` entry, or undefined when it can be attached. */
export function attachProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'is not a mapping with a `path:`';
  const e = entry as Record<string, unknown>;
  if (typeof e.path !== 'string' || !e.path) return 'has no `path:`';
  for (const k of ['alias', 'type', 'secret'] as const) if (e[k] !== undefined && e[k] !== null && typeof e[k] !== 'string') return `has a \`${k}:\` that is not text`;
  if (e.options !== undefined && e.options !== null && (typeof e.options !== 'object' || Array.isArray(e.options))) return 'has `options:` that is not a mapping';
  const opts = (e.options ?? {}) as Record<string, unknown>;
  const twice = (['type', 'secret', 'read_only'] as const).filter((k) => e[k] && k in opts);
  if (twice.length) return `sets ${twice.map((k) => `\`${k}\``).join(', ')} both directly and under \`options:\`; set each once`;
  return undefined;
}

/**
 * `ATTACH IF NOT EXISTS 'path' AS alias (TYPE t, SECRET s, READ_ONLY, KEY 'value')`. A local
 * path is read from the project directory, as the target's own `path:` is; a URL or `md:` stays.
 */
export function attachSql(e: AttachEntry, projectDir: string): string {
  const local = !/^[a-z][a-z0-9+.-]*:/i.test(e.path) && e.path !== ':memory:';
  const path = local && !isAbsolute(e.path) ? resolve(projectDir, e.path) : e.path.replace(/^((?:md|motherduck):[^?]*)\?.*$/, '$1');
  const opts = e.options ?? {};
  const parts: string[] = [];
  const type = e.type ?? opts.type;
  if (type) parts.push(`TYPE ${text(type)}`);
  const secret = e.secret ?? opts.secret;
  if (secret) parts.push(`SECRET ${text(secret)}`);
  if (e.read_only || opts.read_only === true) parts.push('READ_ONLY');
  for (const [k, v] of Object.entries(opts)) {
    if (k === 'type' || k === 'secret' || k === 'read_only' || v === null || v === undefined || v === false) continue;
    if (v === true) parts.push(k.toUpperCase());
    else if (typeof v === 'string') parts.push(`${k.toUpperCase()} ${/^\s*(['"]).*\1\s*$/s.test(v) ? v : quote(v)}`);
    else parts.push(`${k.toUpperCase()} ${text(v)}`);
  }
  return `ATTACH IF NOT EXISTS ${quote(path)}${e.alias ? ` AS ${e.alias}` : ''}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** A value as Python's str() writes it into dbt-duckdb's SQL (`True`, not `true`). */
function pyText(v: unknown): string {
  return v === true ? 'True' : v === false ? 'False' : text(v);
}

/**
 * One entry of `secrets:` as dbt-duckdb creates it: `CREATE OR REPLACE [PERSISTENT] SECRET name
 * (type t, provider p, key 'value', ..., scope 's')`, named `_dbt_secret_<n>` when it has no
 * `name`; a mapping value is a MAP, a list an ARRAY.
 */
export function secretSql(entry: Record<string, unknown>, index: number): string {
  const { type, name, persistent, provider, scope, ...rest } = entry;
  const name_ = name === undefined || name === null ? `_dbt_secret_${index + 1}` : text(name);
  const value = (key: string, v: unknown): string => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return `${key} map {${Object.entries(v).map(([k, x]) => `${quote(k)}: ${quote(pyText(x))}`).join(', ')}}`;
    if (Array.isArray(v)) return `${key} array [${v.map((x) => quote(pyText(x))).join(', ')}]`;
    return key === 'type' || key === 'provider' || key === 'extra_http_headers' ? `${key} ${pyText(v)}` : `${key} ${quote(pyText(v))}`;
  };
  const params: string[] = [value('type', type)];
  if (provider !== undefined && provider !== null) params.push(value('provider', provider));
  for (const [k, v] of Object.entries(rest)) if (v !== undefined && v !== null) params.push(value(k, v));
  // A list of scopes as one list (dbt-duckdb 1.11.1 writes one `scope` option per item, which DuckDB 1.5 reads as the last alone and 2.0 refuses).
  if (scope !== undefined && scope !== null) params.push(Array.isArray(scope) ? `scope [${scope.map((x) => quote(pyText(x))).join(', ')}]` : value('scope', scope));
  return `CREATE OR REPLACE${persistent === true ? ' PERSISTENT' : ''} SECRET ${name_} (\n    ${params.join(',\n    ')}\n)`;
}

/** What is wrong with a `secrets:` entry, or undefined. */
export function secretProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'is not a mapping with a `type:`';
  const t = (entry as Record<string, unknown>).type;
  return typeof t === 'string' && t ? undefined : 'has no `type:`';
}

/** An entry of `extensions:`: a name, or dbt-duckdb's `{name, repo}` to install from a repository. */
export type ExtensionEntry = string | { name: string; repo?: string };

/** The statements that load an extension: LOAD, after INSTALL (from its repository) for a `{name, repo}` entry. */
export function extensionSql(e: ExtensionEntry): { name: string; install?: string; load: string } {
  if (typeof e === 'string') return { name: e, load: `LOAD ${e}` };
  return { name: e.name, install: `INSTALL ${e.name}${e.repo ? ` FROM ${e.repo}` : ''}`, load: `LOAD ${e.name}` };
}
