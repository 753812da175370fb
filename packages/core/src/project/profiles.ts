import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { Environment } from '../jinja/environment.ts';
import { pyFunction } from '../jinja/runtime.ts';
import type { TargetConfig } from '../adapter.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import { readText } from '../util/read-text.ts';
import { parseYamlText } from './yaml-file.ts';

/** Keys whose values are secrets: redacted from logs, errors and artifacts. */
const SECRET_KEYS = /pass(word|phrase)?|secret|token|private_key|api_key|credentials/i;

export interface ResolvedTarget {
  readonly target: TargetConfig;
  /** Where it came from, for messages (`profiles.yml` relative to the project, or `(default)`). */
  readonly source: string;
  /** Secret values to redact from anything printed or written. */
  readonly secrets: readonly string[];
}

export interface ProfileOptions {
  projectDir: string;
  profileName: string;
  projectName: string;
  profilesDir?: string | undefined;
  targetName?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** Where profiles.yml is looked for, in order: --profiles-dir, SM_PROFILES_DIR, DBT_PROFILES_DIR, the project, ~/.sm, ~/.dbt. */
export function profileSearchPath(opts: ProfileOptions): string[] {
  const env = opts.env ?? process.env;
  return [opts.profilesDir, env.SM_PROFILES_DIR, env.DBT_PROFILES_DIR, opts.projectDir, join(homedir(), '.sm'), join(homedir(), '.dbt')].filter(
    (d): d is string => !!d,
  );
}

export function resolveTarget(opts: ProfileOptions, diagnostics: Diagnostic[]): ResolvedTarget | undefined {
  const env = opts.env ?? process.env;
  const dirs = profileSearchPath(opts);
  const dir = dirs.find((d) => existsSync(join(d, 'profiles.yml')));
  if (!dir) {
    if (opts.profilesDir) {
      diagnostics.push(diag('SM_PROFILE_NOT_FOUND', `No profiles.yml in --profiles-dir ${opts.profilesDir}`));
      return undefined;
    }
    // A target that was asked for by name must exist: building a local DuckDB instead of "prod"
    // because profiles.yml is missing (a typo, an unmounted volume) would be a silent wrong success.
    if (opts.targetName) {
      diagnostics.push(
        diag('SM_PROFILE_NOT_FOUND', `--target ${opts.targetName} was asked for, but no profiles.yml was found (looked in ${dirs.join(', ')})`, undefined, {
          hint: 'Pass --profiles-dir (or set SM_PROFILES_DIR) to the folder holding profiles.yml, or leave out --target to use the embedded DuckDB.',
        }),
      );
      return undefined;
    }
    // Nothing configured: the embedded default, so a fresh clone needs no server and no file.
    const name = 'dev';
    return {
      target: { type: 'duckdb', name, schema: 'main', threads: 4, path: `target/${opts.projectName}.duckdb` },
      source: '(default)',
      secrets: [],
    };
  }
  const abs = join(dir, 'profiles.yml');
  const rel = relative(opts.projectDir, abs) || 'profiles.yml';
  const yaml = parseYamlText(readText(abs), rel, diagnostics);
  if (!yaml) return undefined;
  const profiles = (yaml.data ?? {}) as Record<string, unknown>;
  const profile = profiles[opts.profileName] as Record<string, unknown> | undefined;
  if (!profile || typeof profile !== 'object') {
    diagnostics.push(
      diag('SM_PROFILE_NOT_FOUND', `Profile "${opts.profileName}" is not in ${rel}`, { file: rel }, {
        hint: `Profiles there: ${Object.keys(profiles).join(', ') || '(none)'}. Set \`profile:\` in the project file or add the profile.`,
      }),
    );
    return undefined;
  }
  const outputs = (profile.outputs ?? {}) as Record<string, Record<string, unknown>>;
  const targetName = opts.targetName ?? (typeof profile.target === 'string' ? profile.target : 'dev');
  const raw = outputs[targetName];
  if (!raw || typeof raw !== 'object') {
    diagnostics.push(
      diag('SM_PROFILE_NOT_FOUND', `Target "${targetName}" is not in profile "${opts.profileName}" (${rel})`, yaml.locate([opts.profileName, 'outputs']), {
        hint: `Targets there: ${Object.keys(outputs).join(', ') || '(none)'}. Pass --target with one of them.`,
      }),
    );
    return undefined;
  }
  const secrets: string[] = [];
  const before = diagnostics.length;
  const renderValue = (v: unknown, key: string, path: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      const out = v.includes('{{') ? renderEnvTemplate(v, env, (missing) =>
        diagnostics.push(
          diag('SM_ENV_VAR_MISSING', `Environment variable ${missing} is not set (needed by target "${targetName}")`, yaml.locate(path), {
            hint: `export ${missing}=... or give env_var('${missing}', 'default') a default.`,
          }),
        )) : v;
      // A secret stays the string it was written as: `0012345678` is a password, not the number 12345678.
      if (SECRET_KEYS.test(key)) {
        if (out) secrets.push(out);
        return out;
      }
      return coerce(out);
    }
    if (Array.isArray(v)) return v.map((x, i) => renderValue(x, key, [...path, i]));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderValue(x, k, [...path, k])]));
    if (SECRET_KEYS.test(key) && v !== null && v !== undefined) secrets.push(String(v));
    return v;
  };
  const resolved = renderValue(raw, '', [opts.profileName, 'outputs', targetName]) as Record<string, unknown>;
  if (diagnostics.length > before) return undefined;
  if (typeof resolved.type !== 'string') {
    diagnostics.push(diag('SM_PROFILE_INVALID', `Target "${targetName}" needs a \`type\` (duckdb, snowflake)`, yaml.locate([opts.profileName, 'outputs', targetName])));
    return undefined;
  }
  const threads = Number(resolved.threads ?? 4);
  const target: TargetConfig = {
    ...resolved,
    type: resolved.type,
    name: targetName,
    schema: String(resolved.schema ?? 'main'),
    database: resolved.database === undefined ? undefined : String(resolved.database),
    threads: Number.isFinite(threads) && threads > 0 ? threads : 4,
  };
  return { target, source: rel, secrets };
}

let profileEnv: Environment | undefined;

/** Render `{{ env_var('X', 'default') }}` in one value; reports a missing variable by name, never by value. */
export function renderEnvTemplate(src: string, env: NodeJS.ProcessEnv, onMissing: (name: string) => void): string {
  const e = (profileEnv ??= new Environment());
  const c = e.context();
  c.env_var = pyFunction((_c, a, kw) => {
    const name = String(a[0]);
    const dflt = kw?.default ?? a[1];
    const v = env[name];
    if (v !== undefined) return v;
    if (dflt !== undefined) return dflt;
    onMissing(name);
    return '';
  });
  return e.renderString(src, c, 'profiles.yml');
}

function coerce(s: string): unknown {
  if (/^-?\d+$/.test(s.trim()) && s.trim().length < 16) return Number(s.trim());
  if (s === 'true' || s === 'True') return true;
  if (s === 'false' || s === 'False') return false;
  return s;
}
