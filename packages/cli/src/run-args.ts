import { resolve } from 'node:path';
import { envTrue } from './dbt-flags.ts';

/** The command-line flags behind dbt's run_results.json args that core cannot know (commander's names). */
export interface RunArgFlags {
  projectDir: string;
  profilesDir?: string | undefined;
  logFormat?: string | undefined;
  logFormatFile?: string | undefined;
  logLevel?: string | undefined;
  logLevelFile?: string | undefined;
  logPath?: string | undefined;
  printerWidth?: string | undefined;
  useColors?: boolean | undefined;
  useColorsFile?: boolean | undefined;
  partialParse?: boolean | undefined;
  print?: boolean | undefined;
  staticParser?: boolean | undefined;
  versionCheck?: boolean | undefined;
  writeJson?: boolean | undefined;
  sendAnonymousUsageStats?: boolean | undefined;
  populateCache?: boolean | undefined;
  cacheSelectedOnly?: boolean | undefined;
  showAllDeprecations?: boolean | undefined;
  uploadToArtifactsIngestApi?: boolean | undefined;
  show?: boolean | undefined;
  resourceType?: string[] | undefined;
  resourceTypes?: string[] | undefined;
  excludeResourceType?: string[] | undefined;
  excludeResourceTypes?: string[] | undefined;
}

/**
 * dbt 1.11's run_results.json args that the command line decides, by dbt's names (core's
 * artifacts/run-args.ts adds the rest): each flag given, as dbt writes it. project_dir is as
 * typed, or the absolute folder when neither --project-dir nor its variable names one, as in
 * dbt; --log-path is made absolute; --log-level and --no-use-colors set their file
 * counterparts too, and --log-format json log_format_file, as recorded from dbt-core 1.11.16.
 * `invocation_command` is the command line, as dbt's (`dbt ...`) is its own.
 */
export function cliRunArgs(flags: RunArgFlags, argv: readonly string[], quiet: boolean): Record<string, unknown> {
  const typed = projectDirTyped(argv);
  const colors = flags.useColors ?? envTrue(process.env.DBT_USE_COLORS);
  const logFormat = flags.logFormat === undefined || flags.logFormat === 'text' ? 'default' : flags.logFormat;
  const out: Record<string, unknown> = {
    invocation_command: ['sm', ...argv].join(' '),
    project_dir: typed ? flags.projectDir : resolve(flags.projectDir),
    profiles_dir: flags.profilesDir ?? (process.env.SM_PROFILES_DIR || process.env.DBT_PROFILES_DIR || undefined),
    log_format: logFormat,
    log_format_file: flags.logFormatFile ?? (logFormat === 'json' ? 'json' : undefined),
    log_level: flags.logLevel,
    log_level_file: flags.logLevelFile ?? flags.logLevel,
    log_path: flags.logPath === undefined ? undefined : resolve(flags.logPath),
    quiet: quiet || undefined,
    printer_width: flags.printerWidth === undefined ? undefined : Number(flags.printerWidth),
    use_colors: colors,
    use_colors_file: flags.useColorsFile ?? colors,
    partial_parse: flags.partialParse ?? envTrue(process.env.DBT_PARTIAL_PARSE),
    print: flags.print ?? envTrue(process.env.DBT_PRINT),
    static_parser: flags.staticParser,
    version_check: flags.versionCheck,
    write_json: flags.writeJson,
    send_anonymous_usage_stats: flags.sendAnonymousUsageStats,
    populate_cache: flags.populateCache,
    cache_selected_only: flags.cacheSelectedOnly,
    show_all_deprecations: flags.showAllDeprecations,
    upload_to_artifacts_ingest_api: flags.uploadToArtifactsIngestApi,
    show: flags.show || undefined,
    resource_types: flags.resourceType || flags.resourceTypes ? [...(flags.resourceType ?? []), ...(flags.resourceTypes ?? [])] : undefined,
    exclude_resource_types: flags.excludeResourceType || flags.excludeResourceTypes ? [...(flags.excludeResourceType ?? []), ...(flags.excludeResourceTypes ?? [])] : undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** Whether the project folder was named (--project-dir, or its variable), not taken to be the current one. */
export function projectDirTyped(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--project-dir' || a.startsWith('--project-dir=')) || !!(process.env.SM_PROJECT_DIR || process.env.DBT_PROJECT_DIR);
}
