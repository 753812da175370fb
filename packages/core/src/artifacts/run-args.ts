import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { LoadedProject, LoadOptions } from '../project/load-project.ts';
import { redactJson } from '../util/redact.ts';
import type { WarnErrorSetting } from '../warn-error.ts';

/** What {@link runArgs} reads of an invocation's options (compile/compilation.ts InvocationOptions, which extends LoadOptions). */
export interface RunArgsOptions extends Pick<LoadOptions, 'projectDir' | 'target' | 'profile' | 'vars' | 'empty' | 'storeFailures'> {
  readonly select?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
  readonly selector?: string | undefined;
  readonly state?: string | undefined;
  readonly deferState?: string | undefined;
  readonly threads?: number | undefined;
  readonly fullRefresh?: boolean | undefined;
  readonly failFast?: boolean | undefined;
  readonly indirectSelection?: string | undefined;
  readonly defer?: boolean | undefined;
  readonly favorState?: boolean | undefined;
  readonly warnError?: WarnErrorSetting | undefined;
  readonly cliArgs?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Every flag dbt 1.11 writes in run_results.json's `args` whatever the command, at its default,
 * as recorded from dbt-core 1.11.16 (`dbt run`, `build`, `test`, `seed` with no flags but
 * --project-dir and --profiles-dir). dbt's args_to_dict leaves out a flag whose value is None
 * (--target, --threads, --state, --selector when not given) and full_refresh, fail_fast,
 * warn_error and store_failures when false.
 */
const COMMON: Readonly<Record<string, unknown>> = {
  cache_selected_only: false,
  defer: false,
  exclude: [],
  favor_state: false,
  indirect_selection: 'eager',
  introspect: true,
  log_file_max_bytes: 10485760,
  log_format: 'default',
  log_format_file: 'debug',
  log_level: 'info',
  log_level_file: 'debug',
  macro_debugging: false,
  partial_parse: true,
  partial_parse_file_diff: true,
  populate_cache: true,
  print: true,
  printer_width: 80,
  quiet: false,
  require_all_warnings_handled_by_warn_error: false,
  require_batched_execution_for_custom_microbatch_strategy: false,
  require_explicit_package_overrides_for_builtin_materializations: true,
  require_generic_test_arguments_property: true,
  require_nested_cumulative_type_params: false,
  require_ref_searches_node_package_before_root: false,
  require_resource_names_without_spaces: true,
  require_unique_project_resource_names: false,
  require_yaml_configuration_for_mf_time_spines: false,
  select: [],
  send_anonymous_usage_stats: true,
  show_all_deprecations: false,
  show_resource_report: false,
  skip_nodes_if_on_run_start_fails: false,
  source_freshness_run_project_hooks: true,
  sqlparse: { MAX_GROUPING_DEPTH: null, MAX_GROUPING_TOKENS: null },
  state_modified_compare_more_unrendered_values: false,
  state_modified_compare_vars: false,
  static_parser: true,
  strict_mode: false,
  upload_to_artifacts_ingest_api: false,
  use_colors: true,
  use_colors_file: true,
  use_fast_test_edges: false,
  validate_macro_args: false,
  vars: {},
  version_check: true,
  warn_error_options: { error: [], warn: [], silence: [] },
  write_json: true,
};

/** The flags of each command beyond {@link COMMON} (clone has no sqlparse), at their defaults, as recorded. */
const OWN: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  run: { empty: false },
  snapshot: { empty: false },
  build: { empty: false, exclude_resource_types: [], export_saved_queries: false, include_saved_query: false, resource_types: [], show: false },
  test: { exclude_resource_types: [], resource_types: [] },
  seed: { show: false },
  clone: { exclude_resource_types: [], resource_types: [], sqlparse: undefined },
  compile: { empty: false, inject_ephemeral_ctes: true, output: 'text' },
  generate: { compile: true, empty_catalog: false, static: false },
  show: { limit: 5, output: 'text' },
  'run-operation': { debug: false, fail_fast: false, full_refresh: false, log_cache_events: false, single_threaded: false, store_failures: false, use_experimental_parser: false },
};

/**
 * What dbt 1.11's run-operation leaves out of its args, as recorded from dbt-core 1.11.16
 * (`dbt run-operation noop --profiles-dir .`): the selection flags, sqlparse, warn_error_options
 * and log_path, and project_dir: each only as the command line gave it (`--project-dir .` writes ".").
 */
const OPERATION_OMITS = ['exclude', 'log_path', 'project_dir', 'select', 'sqlparse', 'warn_error_options'];

/**
 * run_results.json's `args` as dbt 1.11 writes them for `which` (run, build, test, seed,
 * snapshot, clone, compile, generate, show), keys sorted: the invocation's options over dbt's defaults, and over those
 * what only the command line knows (`cliArgs`: project_dir and profiles_dir as typed, the log
 * flags, invocation_command). Without `cliArgs.project_dir`, the project's absolute path, as dbt
 * writes it when --project-dir is not given; without `cliArgs.profiles_dir`, the folder the
 * profile came from. The target's secrets are written as asterisks.
 */
export function runArgs(which: string, opts: RunArgsOptions, project: LoadedProject): Record<string, unknown> {
  const cli = opts.cliArgs ?? {};
  const projectDir = typeof cli.project_dir === 'string' ? cli.project_dir : opts.projectDir;
  const warn = opts.warnError ?? project.config.warnError;
  const on = (cond: boolean | undefined, key: string): Record<string, true> => (cond ? { [key]: true } : {});
  const given = (key: string, v: unknown): Record<string, unknown> => (v === undefined || v === null ? {} : { [key]: v });
  const args: Record<string, unknown> = {
    ...COMMON,
    ...OWN[which],
    which,
    project_dir: projectDir,
    profiles_dir: project.targetSource === '(default)' ? join(homedir(), '.dbt') : dirname(resolve(project.dir, project.targetSource)),
    log_path: join(projectDir, 'logs'),
    select: [...(opts.select ?? [])],
    exclude: [...(opts.exclude ?? [])],
    vars: opts.vars ?? {},
    indirect_selection: opts.indirectSelection ?? project.config.indirectSelection ?? 'eager',
    defer: !!opts.defer,
    favor_state: !!opts.favorState,
    require_resource_names_without_spaces: !project.config.resourceNamesMayHaveSpaces,
    ...('empty' in (OWN[which] ?? {}) ? { empty: !!opts.empty } : {}),
    ...given('selector', opts.selector),
    ...given('state', opts.state),
    ...given('defer_state', opts.deferState),
    ...given('target', opts.target),
    ...given('profile', opts.profile),
    ...given('threads', opts.threads),
    ...on(opts.fullRefresh, 'full_refresh'),
    ...on(opts.failFast ?? project.config.failFast, 'fail_fast'),
    ...on(opts.storeFailures && (which === 'test' || which === 'build'), 'store_failures'),
    ...on(warn === true, 'warn_error'),
    ...(warn && warn !== true ? { warn_error_options: { error: warn.error, warn: warn.warn, silence: warn.silence } } : {}),
    ...cli,
  };
  if (which === 'run-operation') for (const k of OPERATION_OMITS) if (!(k in cli)) delete args[k];
  const sorted = Object.fromEntries(
    Object.keys(args)
      .sort()
      .filter((k) => args[k] !== undefined)
      .map((k) => [k, args[k]]),
  );
  // A secret given in --vars (or on the command line) is written as asterisks, as everywhere sm writes.
  return JSON.parse(redactJson(JSON.stringify(sorted), project.secrets)) as Record<string, unknown>;
}
