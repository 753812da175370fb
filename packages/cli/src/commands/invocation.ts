import { resolve } from 'node:path';
import { parseEventTime, parseSample, parseVarsArg, parseWarnErrorOptions, WarnErrorOptionsError, type InvocationOptions, type WarnErrorSetting } from '@smsql/core';
import { builtinAdapters } from '../adapters.ts';
import type { CliContext } from '../cli-context.ts';
import { LOG_FORMATS } from '../common-options.ts';
import { envTrue } from '../dbt-flags.ts';
import { cliRunArgs } from '../run-args.ts';
import { usage } from '../usage-error.ts';

/** The flags every project command shares, and the invocation core runs from them. */
export interface CommonFlags {
  projectDir: string;
  profilesDir?: string;
  target?: string;
  profile?: string;
  vars?: string;
  logFormat?: string;
  select?: string[];
  exclude?: string[];
  selector?: string;
  state?: string;
  threads?: string;
  fullRefresh?: boolean;
  failFast?: boolean;
  storeFailures?: boolean;
  versionCheck?: boolean;
  indirectSelection?: 'eager' | 'cautious' | 'buildable' | 'empty';
  strict?: boolean;
  audit?: boolean;
  targetPath?: string;
  models?: string[];
  model?: string[];
  defer?: boolean;
  deferState?: string;
  favorState?: boolean;
  partialParse?: boolean;
  useColors?: boolean;
  warnError?: boolean;
  warnErrorOptions?: string;
  empty?: boolean;
  eventTimeStart?: string;
  eventTimeEnd?: string;
  sample?: string;
}

export function invocation(flags: CommonFlags, ctx: CliContext): InvocationOptions {
  const threads = flags.threads !== undefined ? Number(flags.threads) : undefined;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw usage(`--threads must be a whole number of 1 or more, not "${flags.threads}"`);
  // dbt's -m/--models/--model are --select by their older names.
  const select = flags.select || flags.models || flags.model ? [...(flags.select ?? []), ...(flags.models ?? []), ...(flags.model ?? [])] : undefined;
  if (flags.defer && !flags.state && !flags.deferState) throw usage('--defer needs --state DIR (or --defer-state DIR): the directory of the manifest.json to defer to');
  // As NO_COLOR=1: the reporters read it.
  if ((flags.useColors ?? envTrue(process.env.DBT_USE_COLORS)) === false) process.env.NO_COLOR = '1';
  // commander does not check a default against --log-format's choices: DBT_LOG_FORMAT is checked here.
  if (flags.logFormat !== undefined && !(LOG_FORMATS as readonly string[]).includes(flags.logFormat)) throw usage(`DBT_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, not "${process.env.DBT_LOG_FORMAT}"`);
  return {
    invocationId: ctx.invocationId,
    projectDir: resolve(flags.projectDir),
    profilesDir: flags.profilesDir,
    target: flags.target,
    profile: flags.profile,
    vars: parseVarsArg(flags.vars),
    adapters: builtinAdapters,
    targetPath: flags.targetPath,
    noCache: (flags.partialParse ?? envTrue(process.env.DBT_PARTIAL_PARSE)) === false ? true : undefined,
    select,
    exclude: flags.exclude,
    selector: flags.selector,
    state: flags.state,
    threads,
    fullRefresh: flags.fullRefresh ?? envTrue(process.env.DBT_FULL_REFRESH),
    failFast: flags.failFast ?? envTrue(process.env.DBT_FAIL_FAST),
    storeFailures: flags.storeFailures ?? envTrue(process.env.DBT_STORE_FAILURES),
    versionCheck: flags.versionCheck ?? envTrue(process.env.DBT_VERSION_CHECK),
    indirectSelection: flags.indirectSelection ?? indirectSelectionFromEnv(process.env.DBT_INDIRECT_SELECTION),
    strict: flags.strict,
    audit: flags.audit,
    defer: flags.defer,
    deferState: flags.deferState,
    favorState: flags.favorState,
    warnError: warnErrorSetting(flags, ctx),
    empty: flags.empty ?? envTrue(process.env.DBT_EMPTY),
    ...eventTimeRange(flags),
    ...sampleWindow(flags.sample ?? (process.env.DBT_SAMPLE || undefined)),
    signal: ctx.signal,
    cliArgs: cliRunArgs(flags, ctx.argv, ctx.quiet),
  };
}

/** dbt's `--sample` (or DBT_SAMPLE): `'3 days'` back from now, or `{start: ..., end: ...}`. */
function sampleWindow(text: string | undefined): Pick<InvocationOptions, 'sample'> {
  if (text === undefined) return {};
  const w = parseSample(text, new Date(), (t) => parseVarsArg(t, '--sample', "'{start: 2026-03-01, end: 2026-03-02}'"));
  if (typeof w === 'string') throw usage(`--sample: ${w}`);
  if (w.start.getTime() >= w.end.getTime()) throw usage(`--sample: its start must be before its end, not ${text}`);
  return { sample: w };
}

/** dbt's `--event-time-start` and `--event-time-end`: both or neither, each a date or time (read as UTC), the start first. */
function eventTimeRange(flags: CommonFlags): Pick<InvocationOptions, 'eventTimeStart' | 'eventTimeEnd'> {
  const { eventTimeStart: s, eventTimeEnd: e } = flags;
  if (s === undefined && e === undefined) return {};
  if (s === undefined || e === undefined) {
    const [given, missing] = s === undefined ? ['--event-time-end', '--event-time-start'] : ['--event-time-start', '--event-time-end'];
    throw usage(`${given} was given without ${missing}: give both, the range of event time whose batches microbatch models build`);
  }
  const read = (v: string, name: string): Date => {
    const t = parseEventTime(v);
    if (!t) throw usage(`${name} must be a date or time in UTC such as 2026-12-01 or "2026-12-01 06:00:00", not "${v}"`);
    return t;
  };
  const start = read(s, '--event-time-start');
  const end = read(e, '--event-time-end');
  if (start.getTime() >= end.getTime()) throw usage(`--event-time-start (${s}) must be before --event-time-end (${e})`);
  return { eventTimeStart: start, eventTimeEnd: end };
}

/**
 * dbt's `--warn-error` and `--warn-error-options`, each else its variable (`DBT_WARN_ERROR`,
 * `DBT_WARN_ERROR_OPTIONS`), as dbt reads its flags: undefined when none is given, so that the
 * project file's `flags:` apply. The two cannot be combined, from either place, as in dbt.
 * Options dbt would refuse are a usage error (exit 2); dbt's own is a traceback.
 */
function warnErrorSetting(flags: CommonFlags, ctx: CliContext): WarnErrorSetting | undefined {
  const on = flags.warnError ?? envTrue(process.env.DBT_WARN_ERROR);
  const fromEnv = flags.warnErrorOptions === undefined;
  const text = flags.warnErrorOptions ?? (process.env.DBT_WARN_ERROR_OPTIONS || undefined);
  const from = fromEnv ? 'DBT_WARN_ERROR_OPTIONS' : '--warn-error-options';
  if (text === undefined) return on;
  if (on) throw usage(`${from} cannot be combined with ${flags.warnError === undefined ? 'DBT_WARN_ERROR' : '--warn-error'}: give one of them`);
  let v: unknown;
  try {
    v = parseVarsArg(text);
  } catch {
    throw usage(`${from} must be YAML or JSON such as '{error: all}' or '{error: [LogTestResult]}', not "${text}"`);
  }
  try {
    const { options, notes } = parseWarnErrorOptions(v);
    if (notes.length) ctx.reporter(flags.logFormat).onDiagnostics?.(notes.map((n) => ({ code: 'SM_USAGE', severity: 'warning', message: `${from}: ${n}` })));
    return options;
  } catch (e) {
    if (e instanceof WarnErrorOptionsError) throw usage(`${from}: ${e.message}`);
    throw e;
  }
}

/** `DBT_INDIRECT_SELECTION`, as dbt reads it when the command line has no --indirect-selection. */
function indirectSelectionFromEnv(v: string | undefined): CommonFlags['indirectSelection'] {
  if (v === undefined || v === '') return undefined;
  const mode = v.trim().toLowerCase();
  if (mode === 'eager' || mode === 'cautious' || mode === 'buildable' || mode === 'empty') return mode;
  throw usage(`DBT_INDIRECT_SELECTION must be eager, cautious, buildable or empty, not "${v}"`);
}
