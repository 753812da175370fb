import { DBT_EVENT_NAMES } from './dbt-event-names.ts';

/**
 * dbt's `warn_error_options` (the `--warn-error-options` flag, `DBT_WARN_ERROR_OPTIONS`, or
 * `flags: {warn_error_options: ...}` in the project file): which warnings become errors. A
 * warning is named by its dbt event; the ones sm gives are in {@link WARNING_EVENTS}.
 */
export interface WarnErrorOptions {
  /** `all` (dbt also takes `*`), or the events that become errors. */
  readonly error: 'all' | readonly string[];
  /** Events that stay warnings although `error` would take them. */
  readonly warn: readonly string[];
  /** Events neither printed nor errors. */
  readonly silence: readonly string[];
}

/** `true` is dbt's `--warn-error`: every warning is an error. */
export type WarnErrorSetting = boolean | WarnErrorOptions;

/**
 * The dbt event of each warning sm gives, by the kind of warning. A warning of sm's own,
 * with no dbt counterpart (a column test on a column its model lacks, from sm's checks), has its
 * code as its name: `error: all` takes it, a list cannot name it.
 */
export const WARNING_EVENTS = {
  /** A selection criterion that matches nothing. */
  selectionEmpty: 'NoNodesForSelectionCriteria',
  /** A data test whose result warns (severity warn, or warn_if met). */
  testWarned: 'LogTestResult',
  /** A command whose selection holds nothing it runs ("Nothing to do"). */
  nothingToDo: 'NothingToDo',
  /** `include`/`exclude` in warn_error_options. */
  includeExclude: 'WEOIncludeExcludeDeprecation',
} as const;

/** The event a warning diagnostic stands for: its own, or its code (sm's own warnings). */
export function warningEvent(d: { readonly code: string; readonly event?: string | undefined }): string {
  return d.event ?? d.code;
}

/** dbt's deprecation events (their codes start with D) that sm can give. */
const DEPRECATIONS = new Set<string>([WARNING_EVENTS.includeExclude]);

/** Warnings dbt fires as plain events, not through warn_or_error: no setting makes them errors or silences them. */
const PLAIN_WARNINGS = new Set<string>(['InvalidDisabledTargetInTestNode']);

/** Whether a warning of `event` is an error, by dbt 1.11's rules: a name beats `Deprecations`, which beats `all`; `silence` and `warn` beat `error`. */
export function warnIsError(setting: WarnErrorSetting | undefined, event: string): boolean {
  if (PLAIN_WARNINGS.has(event)) return false;
  if (setting === true) return true;
  if (!setting) return false;
  const named = (list: 'all' | readonly string[]) => list !== 'all' && list.includes(event);
  const deprecation = DEPRECATIONS.has(event);
  const namedElsewhere = named(setting.warn) || named(setting.silence);
  const deprecationElsewhere = deprecation && (setting.warn.includes('Deprecations') || setting.silence.includes('Deprecations'));
  if (named(setting.error)) return !namedElsewhere;
  if (deprecation && setting.error !== 'all' && setting.error.includes('Deprecations')) return !namedElsewhere && !deprecationElsewhere;
  return setting.error === 'all' && !namedElsewhere && !deprecationElsewhere;
}

/** Whether a warning of `event` is not to be printed: named in `silence`, or a deprecation with `Deprecations` there and the event named nowhere else. */
export function warnIsSilenced(setting: WarnErrorSetting | undefined, event: string): boolean {
  if (!setting || setting === true || PLAIN_WARNINGS.has(event)) return false;
  if (setting.silence.includes(event)) return true;
  const namedElsewhere = (setting.error !== 'all' && setting.error.includes(event)) || setting.warn.includes(event);
  return DEPRECATIONS.has(event) && setting.silence.includes('Deprecations') && !namedElsewhere;
}

/** A warn_error_options value that cannot be used, and why (the caller says where it came from). */
export class WarnErrorOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WarnErrorOptionsError';
  }
}

/**
 * Reads warn_error_options as dbt 1.11 does: `error` (`all`, `*` or a list), `warn` and
 * `silence` (lists); `include` and `exclude` are the deprecated names of `error` and `warn`.
 * Names must be dbt's; `warn` needs `error: all` or `Deprecations` in `error` or `silence`.
 * Throws {@link WarnErrorOptionsError}. `notes` are warnings to print: keys dbt ignores (so does
 * sm, but says so), and the include/exclude deprecation, which is an error instead when the
 * options themselves make `WEOIncludeExcludeDeprecation` one (dbt stops there too).
 */
export function parseWarnErrorOptions(value: unknown): { options: WarnErrorOptions; notes: string[] } {
  if (value === null || value === undefined) return { options: { error: [], warn: [], silence: [] }, notes: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new WarnErrorOptionsError(`must be a mapping such as {error: all} or {error: [LogTestResult]}, not ${JSON.stringify(value)}`);
  }
  const o = value as Record<string, unknown>;
  const notes: string[] = [];
  for (const [a, b] of [['error', 'include'], ['warn', 'exclude']] as const) {
    if (o[a] !== undefined && o[b] !== undefined) throw new WarnErrorOptionsError(`has both \`${a}\` and \`${b}\`, the deprecated name of \`${a}\`: keep \`${a}\``);
  }
  const unknown = Object.keys(o).filter((k) => !['error', 'warn', 'silence', 'include', 'exclude'].includes(k));
  if (unknown.length) notes.push(`ignored ${unknown.map((k) => `\`${k}\``).join(', ')} (dbt reads error, warn and silence)`);
  const rawError = o.error ?? o.include;
  let error: 'all' | string[];
  if (typeof rawError === 'string') {
    if (rawError !== 'all' && rawError !== '*') throw new WarnErrorOptionsError(`\`error\` must be all, * or a list of event names, not ${JSON.stringify(rawError)}`);
    error = 'all';
  } else error = names('error', rawError);
  const options: WarnErrorOptions = { error, warn: names('warn', o.warn ?? o.exclude), silence: names('silence', o.silence) };
  if (options.warn.length && options.error !== 'all' && !options.error.includes('Deprecations') && !options.silence.includes('Deprecations')) {
    throw new WarnErrorOptionsError('`warn` can only be given with `error: all`, or with Deprecations in `error` or `silence`');
  }
  const old = ['include', 'exclude'].filter((k) => o[k] !== undefined);
  if (old.length) {
    const message = `${old.map((k) => `\`${k}\``).join(' and ')} ${old.length > 1 ? 'are' : 'is'} deprecated: write ${old.map((k) => (k === 'include' ? '`error`' : '`warn`')).join(' and ')} instead (${WARNING_EVENTS.includeExclude})`;
    if (warnIsError(options, WARNING_EVENTS.includeExclude)) throw new WarnErrorOptionsError(`${message}, an error under these same options`);
    if (!warnIsSilenced(options, WARNING_EVENTS.includeExclude)) notes.push(message);
  }
  return { options, notes };
}

function names(key: string, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new WarnErrorOptionsError(`\`${key}\` must be a list of event names, not ${JSON.stringify(v)}`);
  for (const n of v as string[]) {
    if (n === 'all' || n === '*') throw new WarnErrorOptionsError(`\`${key}\` lists ${JSON.stringify(n)}, which is not an event name${key === 'error' ? ': write `error: all` (not in a list)' : ''}`);
    if (!DBT_EVENT_NAMES.has(n)) throw new WarnErrorOptionsError(`\`${key}\` lists ${JSON.stringify(n)}, which is not a dbt event name (LogTestResult is a test that warns, NoNodesForSelectionCriteria a selection that matches nothing)`);
  }
  return v as string[];
}
