import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { Environment } from '../jinja/environment.ts';
import { pyFunction } from '../jinja/runtime.ts';
import type { TargetConfig } from '../adapter.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import { readSourceText } from './source-text.ts';
import { parseYamlText } from './yaml-file.ts';
import { parseTemplate } from '../jinja/parser.ts';

/** Keys whose values are secrets: redacted from logs, errors and artifacts. */
const SECRET_KEYS = /pass(word|phrase)?|secret|token|private_key|api_key|credentials/i;

/** Whether a profile field holds a secret (its value is redacted, and templates' `target` leaves it out as dbt does). */
function isSecretKey(key: string): boolean {
  return SECRET_KEYS.test(key);
}

/** The target as templates read it, at load and at render: the profile's fields but its secrets (dbt's has no password). */
export function publicTarget(target: TargetConfig): TargetConfig {
  return Object.fromEntries(Object.entries(target).filter(([k]) => !isSecretKey(k))) as TargetConfig;
}
/** Environment variables secret by name whatever field reads them (dbt's prefix, and sm's). */
const SECRET_ENV = /^(SM|DBT)_ENV_SECRET_/;

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
  /** `--vars`, for `var()` in profiles.yml (as dbt: the command line's vars only). */
  vars?: Record<string, unknown> | undefined;
  /** `--threads` was given: dbt takes it and does not check the target's own `threads:`. */
  threadsGiven?: boolean | undefined;
}

/**
 * Where profiles.yml is looked for. A folder named by --profiles-dir, else $SM_PROFILES_DIR,
 * else $DBT_PROFILES_DIR, is the only place (a typo there must not fall back to another
 * profiles.yml); without one: the project, ~/.sm, ~/.dbt.
 */
export function profileSearchPath(opts: ProfileOptions): string[] {
  const chosen = chosenProfilesDir(opts);
  return chosen ? [chosen.dir] : [opts.projectDir, join(homedir(), '.sm'), join(homedir(), '.dbt')];
}

/** The folder profiles.yml was pointed at, and by which flag or variable; undefined when none was. */
function chosenProfilesDir(opts: ProfileOptions): { dir: string; by: string } | undefined {
  const env = opts.env ?? process.env;
  if (opts.profilesDir) return { dir: opts.profilesDir, by: '--profiles-dir' };
  if (env.SM_PROFILES_DIR) return { dir: env.SM_PROFILES_DIR, by: '$SM_PROFILES_DIR' };
  if (env.DBT_PROFILES_DIR) return { dir: env.DBT_PROFILES_DIR, by: '$DBT_PROFILES_DIR' };
  return undefined;
}

export function resolveTarget(opts: ProfileOptions, diagnostics: Diagnostic[]): ResolvedTarget | undefined {
  const env = opts.env ?? process.env;
  const dirs = profileSearchPath(opts);
  const dir = dirs.find((d) => existsSync(join(d, 'profiles.yml')));
  if (!dir) {
    const chosen = chosenProfilesDir(opts);
    if (chosen) {
      const st = statSync(chosen.dir, { throwIfNoEntry: false });
      const what = !st ? ', which does not exist' : !st.isDirectory() ? ', which is a file, not a folder' : '';
      diagnostics.push(
        diag('SM_PROFILE_NOT_FOUND', `No profiles.yml in ${chosen.by} ${chosen.dir}${what}`, undefined, {
          hint: `Point ${chosen.by} at the folder that holds profiles.yml${chosen.by === '--profiles-dir' ? '' : `, or unset ${chosen.by.slice(1)} to look in the project, ~/.sm and ~/.dbt`}.`,
        }),
      );
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
  const yaml = parseYamlText(readSourceText(abs, rel), rel, diagnostics);
  if (!yaml) return undefined;
  if (yaml.data !== null && yaml.data !== undefined && !isMapping(yaml.data)) {
    diagnostics.push(diag('SM_PROFILE_INVALID', `${rel} must map profile names to profiles, not be ${kindOf(yaml.data)}`, { file: rel, line: 1 }, { hint: `Start it with \`${opts.profileName}:\` and its \`target:\` and \`outputs:\` below.` }));
    return undefined;
  }
  const profiles = (yaml.data ?? {}) as Record<string, unknown>;
  const profile = profiles[opts.profileName] as Record<string, unknown> | undefined;
  if (profile !== undefined && profile !== null && !isMapping(profile)) {
    diagnostics.push(diag('SM_PROFILE_INVALID', `Profile "${opts.profileName}" in ${rel} must be a mapping with \`target:\` and \`outputs:\`, not ${kindOf(profile)}`, yaml.locate([opts.profileName])));
    return undefined;
  }
  if (!profile || typeof profile !== 'object') {
    diagnostics.push(
      diag('SM_PROFILE_NOT_FOUND', `Profile "${opts.profileName}" is not in ${rel}`, { file: rel }, {
        hint: `Profiles there: ${Object.keys(profiles).join(', ') || '(none)'}. Set \`profile:\` in the project file or add the profile.`,
      }),
    );
    return undefined;
  }
  if (profile.outputs !== undefined && profile.outputs !== null && !isMapping(profile.outputs)) {
    diagnostics.push(diag('SM_PROFILE_INVALID', `\`outputs\` of profile "${opts.profileName}" in ${rel} must map target names to targets, not be ${kindOf(profile.outputs)}`, yaml.locate([opts.profileName, 'outputs'])));
    return undefined;
  }
  const outputs = (profile.outputs ?? {}) as Record<string, Record<string, unknown>>;
  if (opts.targetName === undefined && profile.target !== undefined && typeof profile.target !== 'string') {
    diagnostics.push(diag('SM_PROFILE_INVALID', `\`target\` of profile "${opts.profileName}" in ${rel} must name one of its outputs, not be ${kindOf(profile.target)}`, yaml.locate([opts.profileName, 'target'])));
    return undefined;
  }
  /** One templated value rendered, or undefined once a diagnostic says why not (it names the template's problem, never a value). */
  const render = (v: string, path: (string | number)[], what: string, onRead?: (name: string) => void): string | undefined => {
    const before = diagnostics.length;
    try {
      const out = renderEnvTemplate(
        v,
        env,
        (missing) =>
          diagnostics.push(
            diag('SM_ENV_VAR_MISSING', `Environment variable ${missing} is not set (needed by ${what})`, yaml.locate(path), {
              hint: `export ${missing}=... or give env_var('${missing}', 'default') a default.`,
            }),
          ),
        opts.vars,
        onRead,
      );
      return diagnostics.length > before ? undefined : out;
    } catch (e) {
      diagnostics.push(
        diag('SM_PROFILE_INVALID', `Cannot render ${what}: ${(e as Error).message.split('\n')[0]}`, yaml.locate(path), {
          hint: "profiles.yml may use {{ env_var('NAME', 'default') }} and {{ var('name', 'default') }} (from --vars).",
        }),
      );
      return undefined;
    }
  };
  let targetName = opts.targetName ?? 'dev';
  if (opts.targetName === undefined && typeof profile.target === 'string') {
    const named = profile.target.includes('{{') ? render(profile.target, [opts.profileName, 'target'], `\`target\` of profile "${opts.profileName}"`) : profile.target;
    if (named === undefined) return undefined;
    targetName = named.trim();
  }
  const raw = outputs[targetName];
  if (raw !== undefined && raw !== null && !isMapping(raw)) {
    diagnostics.push(diag('SM_PROFILE_INVALID', `Target "${targetName}" of profile "${opts.profileName}" in ${rel} must be a mapping (type:, path: ...), not ${kindOf(raw)}`, yaml.locate([opts.profileName, 'outputs', targetName])));
    return undefined;
  }
  if (!raw || typeof raw !== 'object') {
    diagnostics.push(
      diag('SM_PROFILE_NOT_FOUND', `Target "${targetName}" is not in profile "${opts.profileName}" (${rel})`, yaml.locate([opts.profileName, 'outputs']), {
        hint: `Targets there: ${Object.keys(outputs).join(', ') || '(none)'}. Pass --target with one of them.`,
      }),
    );
    return undefined;
  }
  // Secret environment variables (dbt's DBT_ENV_SECRET_ prefix, or sm's) are redacted wherever they appear, used or not.
  const secrets: string[] = Object.entries(env).filter(([k, v]) => SECRET_ENV.test(k) && v).map(([, v]) => v!);
  const before = diagnostics.length;
  const renderValue = (v: unknown, key: string, path: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      let secretSource = false;
      let out = v;
      if (v.includes('{{')) {
        const what = `\`${path.slice(3).join('.') || key}\` of target "${targetName}"`;
        const rendered = render(v, path, what, (name) => (secretSource ||= SECRET_ENV.test(name)));
        if (rendered === undefined) return v;
        out = rendered;
      }
      // A secret stays the string it was written as: `0012345678` is a password, not the number 12345678.
      if (SECRET_KEYS.test(key) || secretSource) {
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
  const typeError = opts.threadsGiven ? undefined : threadsTypeError(raw.threads, resolved.threads);
  if (typeError) {
    diagnostics.push(
      diag('SM_PROFILE_INVALID', `\`threads\` of target "${targetName}" must be a whole number, not ${typeError.what} (dbt: at path ['threads']: ${typeError.repr} is not of type 'integer')`, yaml.locate([opts.profileName, 'outputs', targetName, 'threads']), {
        hint: `Write threads: 4; a value from the environment is a number only through as_number: threads: "{{ env_var('THREADS') | as_number }}".`,
      }),
    );
    return undefined;
  }
  const threads = Number(resolved.threads ?? 4);
  if (!Number.isInteger(threads) || threads < 1) {
    diagnostics.push(diag('SM_PROFILE_INVALID', `\`threads\` of target "${targetName}" must be a whole number of 1 or more, not ${JSON.stringify(resolved.threads)}`, yaml.locate([opts.profileName, 'outputs', targetName, 'threads']), { hint: 'Set threads: 4 (or leave it out for 4).' }));
    return undefined;
  }
  const target: TargetConfig = {
    ...resolved,
    type: resolved.type,
    name: targetName,
    schema: String(resolved.schema ?? 'main'),
    database: resolved.database === undefined ? undefined : String(resolved.database),
    threads,
  };
  return { target, source: rel, secrets };
}

let profileEnv: Environment | undefined;

/**
 * Render `{{ env_var('X', 'default') }}` and `{{ var('x', 'default') }}` (from `vars`, the
 * command line's) in one value; reports a missing variable by name, never by value, and each
 * environment variable read to `onRead`.
 */
export function renderEnvTemplate(src: string, env: NodeJS.ProcessEnv, onMissing: (name: string) => void, vars: Record<string, unknown> = {}, onRead?: (name: string) => void): string {
  const e = (profileEnv ??= new Environment());
  const c = e.context();
  c.env_var = pyFunction((_c, a, kw) => {
    const name = String(a[0]);
    const dflt = kw?.default ?? a[1];
    onRead?.(name);
    const v = env[name];
    if (v !== undefined) return v;
    if (dflt !== undefined) return dflt;
    onMissing(name);
    return '';
  });
  c.var = pyFunction((_c, a, kw) => {
    const name = String(a[0]);
    const dflt = kw?.default ?? a[1];
    if (Object.hasOwn(vars, name)) return vars[name];
    if (dflt !== undefined) return dflt;
    throw new Error(`var("${name}") has no value: pass it with --vars '{${name}: ...}' or give var() a default`);
  });
  return e.renderString(src, c, 'profiles.yml');
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return typeof v === 'object' ? 'empty' : `the ${typeof v} ${String(v)}`;
}

/**
 * Whether the template's whole value is one expression whose last filter is `as_number` or
 * `as_native`: dbt's profile renderer gives that back as a number, anything else as text. Decided
 * on the parsed template (a `|` inside a string or a second `{{ }}` cannot confuse it).
 */
function numberMarked(text: string): boolean {
  let body;
  try {
    body = parseTemplate({ file: 'profiles.yml', source: text }).body.filter((n) => !(n.kind === 'data' && !n.text.trim()));
  } catch {
    return false;
  }
  const only = body.length === 1 ? body[0] : undefined;
  return only?.kind === 'output' && only.expr.kind === 'filter' && (only.expr.name === 'as_number' || only.expr.name === 'as_native');
}

/**
 * What dbt 1.11's profile validation refuses as `threads` before anything runs (exit 2,
 * "Runtime Error\n  at path ['threads']: '4' is not of type 'integer'"): a string, written or
 * rendered from a template not marked `| as_number` (`"{{ env_var('X') }}"` is the string '4'
 * there), a boolean, or null. Recorded from dbt-core 1.11.16.
 */
function threadsTypeError(v: unknown, rendered: unknown): { what: string; repr: string } | undefined {
  if (v === undefined) return undefined;
  if (v === null) return { what: 'empty', repr: 'None' };
  if (typeof v === 'boolean') return { what: `the boolean ${v}`, repr: v ? 'True' : 'False' };
  if (typeof v !== 'string' || numberMarked(v)) return undefined;
  const text = String(rendered);
  return { what: v.includes('{{') ? `the text ${JSON.stringify(text)} that ${v} renders (no | as_number)` : `the string ${JSON.stringify(text)}`, repr: `'${text.replaceAll("'", "\\'")}'` };
}

function coerce(s: string): unknown {
  if (/^-?\d+$/.test(s.trim()) && s.trim().length < 16) return Number(s.trim());
  if (s === 'true' || s === 'True') return true;
  if (s === 'false' || s === 'False') return false;
  return s;
}
