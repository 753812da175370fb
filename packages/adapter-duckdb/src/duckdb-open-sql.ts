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
