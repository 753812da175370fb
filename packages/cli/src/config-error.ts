import { existsSync, readFileSync } from 'node:fs';
import { isSmProjectError, SmProjectError } from '@smsql/core';

/** Where the target came from, to name the env_var() behind a field an adapter says is missing. */
export interface ProfileRef {
  /** Absolute path of profiles.yml. */
  file: string;
  profile: string;
  target: string;
}

/**
 * An error that means the project or profile is wrong, not a model: a project error, or an
 * adapter's configuration error (an Error with an `SM_..._CONFIG` code, e.g. Snowflake's "needs
 * `password`"). Returned as a project error (exit 2); with `ref`, its hint names the environment
 * variables profiles.yml reads the fields from. Anything else: undefined.
 */
export function configError(e: unknown, ref?: ProfileRef): SmProjectError | undefined {
  if (isSmProjectError(e)) return e;
  const code = (e as { code?: unknown } | undefined)?.code;
  // Only configuration codes: a login that the warehouse refused (SM_SNOWFLAKE_LOGIN) is a failed connection, not a usage error.
  if (!(e instanceof Error) || typeof code !== 'string' || !/^SM_[A-Z_]*CONFIG$/.test(code)) return undefined;
  const vars = ref ? envVarsOfTarget(ref) : new Map<string, string>();
  const named = [...vars].filter(([field]) => new RegExp(`\\b${field}\\b`).test(e.message));
  const hint = named.length
    ? `${named.map(([field, v]) => `\`${field}\` comes from env_var('${v}')`).join(', ')} in ${ref!.file}: set ${named.map(([, v]) => v).join(' or ')} (export ${named[0]![1]}=...).`
    : undefined;
  return new SmProjectError([{ code, severity: 'error', message: e.message, hint, cause: e }]);
}

/** Field -> environment variable, for the fields of one target written as `{{ env_var('X', ...) }}`. */
function envVarsOfTarget(ref: ProfileRef): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(ref.file)) return out;
  const lines = readFileSync(ref.file, 'utf8').split('\n');
  // Walk down profile > outputs > target by indentation; then read the target's own lines.
  let from = 0;
  let indent = -1;
  for (const key of [ref.profile, 'outputs', ref.target]) {
    const at = lines.findIndex((l, i) => i >= from && new RegExp(`^(\\s*)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\s*(#.*)?$`).test(l) && l.search(/\S/) > indent);
    if (at < 0) return out;
    indent = lines[at]!.search(/\S/);
    from = at + 1;
  }
  for (let i = from; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() && !l.trim().startsWith('#') && l.search(/\S/) <= indent) break;
    const m = /^\s*([A-Za-z_]\w*):.*env_var\(\s*['"]([^'"]+)['"]/.exec(l);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}
