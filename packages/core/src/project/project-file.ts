import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { closestNames, diag, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import type { QuotedParts } from '../adapter.ts';
import type { DispatchConfig, ProjectConfig } from '../types.ts';
import { readSourceText } from './source-text.ts';
import { parseWarnErrorOptions, WarnErrorOptionsError } from '../warn-error.ts';
import { yamlLib } from '../util/yaml-lib.ts';
import { parseYamlText, type YamlFile } from './yaml-file.ts';
import { projectRelative } from './project-relative.ts';

const NOT_PROJECT_FILES = new Set(['profiles.yml', 'selectors.yml', 'packages.yml', 'dependencies.yml', 'profiles.yaml', 'selectors.yaml']);

/**
 * Which file is the project file: `sm_project.yml`, then `dbt_project.yml`, then the one
 * YAML file at the project root with a top-level `name` (so `streamify.yml` works).
 */
export function findProjectFile(dir: string): string | undefined {
  for (const f of ['sm_project.yml', 'dbt_project.yml']) if (existsSync(join(dir, f))) return f;
  if (!existsSync(dir)) return undefined;
  const candidates = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !NOT_PROJECT_FILES.has(f))
    .filter((f) => /^name\s*:/m.test(readFileSync(join(dir, f), 'utf8')));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** A YAML value as a user would call it in a message ("the number 5", "a mapping"). */
function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v && typeof v === 'object') return 'a mapping';
  return `the ${typeof v} ${JSON.stringify(v)}`;
}

/** dbt's pattern for a project's version: two or three numbers, a pre-release and build only after three. */
const PROJECT_VERSION =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)(\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?)?$/;

/**
 * What is wrong with a project file's `version`, as dbt 1.11 refuses it (exit 2): a string must
 * be such a version (`'1'`, `'v1.0.0'`, `'1.2.3.4'` are not), a number must be written with a
 * point (`1.0`; `1`, an integer, and `1e3`, text to dbt's YAML, are not); absent or null is fine.
 * `raw` is the scalar as written.
 */
export function projectVersionProblem(v: unknown, raw: string | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return PROJECT_VERSION.test(v) ? undefined : `"${v}" is not a version: dbt takes two or three numbers (1.0, 1.0.0, 1.0.0-rc1)`;
  if (typeof v === 'number') {
    const float = raw === undefined || raw.includes('.');
    if (float) return undefined;
    return /^[-+]?\d+$/.test(raw) ? `${raw} is an integer, which dbt does not take as a version: write '${raw}.0.0'` : `${raw} is not a version: dbt takes two or three numbers (1.0, 1.0.0, 1.0.0-rc1)`;
  }
  return `must be a version such as '1.0.0', not ${describeValue(v)}`;
}

/**
 * The text of the project file's `version:` scalar as written (`1` or `1.0`: both read as the
 * number 1), from the YAML parser's own source of the node; asked only for a number.
 */
function versionSource(text: string): string | undefined {
  const { parseDocument, isScalar } = yamlLib();
  const node = parseDocument(text).get('version', true);
  return isScalar(node) ? node.source : undefined;
}

export function readProjectFile(dir: string, diagnostics: Diagnostic[]): { config: ProjectConfig; yaml: YamlFile } | undefined {
  const file = findProjectFile(dir);
  if (!file) {
    diagnostics.push(
      diag('SM_PROJECT_NOT_FOUND', `No project file found in ${dir}`, undefined, {
        hint: 'Run from a project directory or pass --project-dir; the project file is sm_project.yml, dbt_project.yml or one <name>.yml with a top-level `name:`.',
      }),
    );
    return undefined;
  }
  if (file === 'sm_project.yml' && existsSync(join(dir, 'dbt_project.yml'))) {
    diagnostics.push(
      diag('SM_PROJECT_INVALID', 'Both sm_project.yml and dbt_project.yml are here: sm reads sm_project.yml and ignores dbt_project.yml', { file }, {
        severity: 'warning',
        hint: 'Keep one project file (dbt reads only dbt_project.yml), or move what differs for sm into sm_project.yml knowingly.',
      }),
    );
  }
  const text = readSourceText(join(dir, file), file);
  const yaml = parseYamlText(text, file, diagnostics, 'warn');
  if (!yaml) return undefined;
  const d = (yaml.data ?? {}) as Record<string, unknown>;
  if (typeof d !== 'object' || Array.isArray(d) || d.name === undefined || d.name === null) {
    diagnostics.push(diag('SM_PROJECT_INVALID', 'The project file needs a top-level `name:`', { file, line: 1 }));
    return undefined;
  }
  if (typeof d.name !== 'string') {
    // dbt 1.11: "at path ['name']: 123 is not of type 'string'" (sm said the file had no name).
    diagnostics.push(diag('SM_PROJECT_INVALID', `The project's \`name:\` must be a string, not ${JSON.stringify(d.name)}`, yaml.locate(['name']), { hint: "Letters, digits and underscores, starting with a letter or underscore; quote it if YAML reads it as a number (name: 'p123')." }));
    return undefined;
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(d.name)) {
    diagnostics.push(diag('SM_PROJECT_INVALID', `Project name "${d.name}" must be letters, digits and underscores`, yaml.locate(['name'])));
  }
  projectKeyDiagnostics(d, file, yaml, diagnostics);
  const resourceConfigs: Record<string, Record<string, unknown>> = {};
  for (const k of RESOURCE_KEYS) {
    const v = d[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) resourceConfigs[k === 'data_tests' ? 'tests' : k] = v as Record<string, unknown>;
  }
  // Settings of the wrong type are reported, never ignored (`model-paths: 5` would otherwise mean "models").
  const wrong = (key: string, want: string) =>
    diagnostics.push(diag('SM_PROJECT_INVALID', `\`${key}\` must be ${want}, not ${describeValue(d[key])}`, yaml.locate([key]), { hint: `Fix \`${key}:\` in ${file}.` }));
  const str = (key: string, dflt: string): string => {
    const v = d[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v === 'string' && v) return v;
    wrong(key, 'a non-empty string');
    return dflt;
  };
  const strList = (key: string, dflt: string[], alias?: string): string[] => {
    const k = d[key] === undefined && alias && d[alias] !== undefined ? alias : key;
    const v = d[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    wrong(k, 'a list of strings');
    return dflt;
  };
  const hooks = (key: string) => strList(key, []);
  if (d.vars !== undefined && d.vars !== null && (typeof d.vars !== 'object' || Array.isArray(d.vars))) wrong('vars', 'a mapping');
  for (const k of RESOURCE_KEYS) {
    if (d[k] !== undefined && d[k] !== null && (typeof d[k] !== 'object' || Array.isArray(d[k]))) wrong(k, 'a mapping');
  }
  const versionProblem = projectVersionProblem(d.version, typeof d.version === 'number' ? versionSource(text) : undefined);
  if (versionProblem) {
    diagnostics.push(
      diag('SM_PROJECT_INVALID', `\`version\` ${versionProblem}`, yaml.locate(['version']), {
        hint: `Write the project's version as dbt reads it, e.g. version: '1.0.0' (or '1.0'), in ${file}.`,
      }),
    );
  }
  const config: ProjectConfig = {
    name: d.name,
    profile: str('profile', d.name),
    version: String(d.version ?? '1.0.0'),
    modelPaths: strList('model-paths', ['models'], 'source-paths'),
    seedPaths: strList('seed-paths', ['seeds'], 'data-paths'),
    macroPaths: strList('macro-paths', ['macros']),
    testPaths: strList('test-paths', ['tests']),
    snapshotPaths: strList('snapshot-paths', ['snapshots']),
    analysisPaths: strList('analysis-paths', ['analyses']),
    docsPaths: [],
    assetPaths: assetPaths(strList('asset-paths', []), (message) => diagnostics.push(diag('SM_PROJECT_INVALID', `\`asset-paths\`: ${message}`, yaml.locate(['asset-paths']), { hint: `Fix \`asset-paths:\` in ${file}: folders of the project, e.g. [assets].` }))),
    targetPath: projectRelative(dir, str('target-path', 'target')),
    cleanTargets: strList('clean-targets', []),
    vars: (d.vars && typeof d.vars === 'object' ? d.vars : {}) as Record<string, unknown>,
    resourceConfigs,
    onRunStart: hooks('on-run-start'),
    onRunEnd: hooks('on-run-end'),
    dispatch: dispatchOf(d.dispatch),
    packagesInstallPath: str('packages-install-path', 'dbt_packages'),
    requireDbtVersion: strList('require-dbt-version', []),
    quoting: quotingOf(d.quoting),
    strict: false,
    file,
    fileChecksum: createHash('sha256').update(text.trim()).digest('hex'),
  };
  // dbt's default: every resource folder (analyses and functions too, which sm does not build), trailing slashes dropped.
  const sourcePaths = [...config.modelPaths, ...config.seedPaths, ...config.snapshotPaths, ...config.analysisPaths, ...config.macroPaths, ...config.testPaths, ...strList('function-paths', ['functions'])];
  config.docsPaths = [...new Set(strList('docs-paths', sourcePaths).map((p) => p.replace(/\/+$/, '') || p))];
  // Problems under `flags:` name the key; errors say where to fix it.
  const report = (key: string, message: string, severity: 'error' | 'warning' = 'error', hint?: string) =>
    diagnostics.push(diag('SM_PROJECT_INVALID', `flags: ${key} ${message}`, yaml.locate(['flags', key]), { severity, hint: hint ?? (severity === 'error' ? `Fix \`flags: ${key}:\` in ${file}.` : undefined) }));
  if (d.flags !== undefined && d.flags !== null && (typeof d.flags !== 'object' || Array.isArray(d.flags))) wrong('flags', 'a mapping such as {fail_fast: true}');
  else Object.assign(config, projectFlags((d.flags ?? {}) as Record<string, unknown>, file, report));
  return { config, yaml };
}

/** The flags of dbt 1.11's project file (its ProjectFlags), and sm's `strict`. */
const PROJECT_FLAGS = new Set([
  'cache_selected_only', 'debug', 'fail_fast', 'indirect_selection', 'log_format', 'log_format_file', 'log_level', 'log_level_file', 'partial_parse',
  'populate_cache', 'printer_width', 'require_all_warnings_handled_by_warn_error', 'require_batched_execution_for_custom_microbatch_strategy',
  'require_event_names_in_deprecations', 'require_explicit_package_overrides_for_builtin_materializations', 'require_generic_test_arguments_property',
  'require_nested_cumulative_type_params', 'require_ref_searches_node_package_before_root', 'require_resource_names_without_spaces',
  'require_unique_project_resource_names', 'require_yaml_configuration_for_mf_time_spines', 'send_anonymous_usage_stats',
  'skip_nodes_if_on_run_start_fails', 'source_freshness_run_project_hooks', 'state_modified_compare_more_unrendered_values', 'state_modified_compare_vars',
  'static_parser', 'use_colors', 'use_colors_file', 'use_experimental_parser', 'validate_macro_args', 'version_check', 'warn_error', 'warn_error_options',
  'write_json', 'strict',
]);

/**
 * What the project file's `flags:` set, as dbt 1.11 reads them: `fail_fast`, `indirect_selection`,
 * `warn_error` or `warn_error_options`, `require_resource_names_without_spaces`, and sm's `strict`. A key neither reads is a warning
 * (dbt ignores it silently); a value of the wrong kind is reported and left out.
 */
function projectFlags(
  flags: Record<string, unknown>,
  file: string,
  report: (key: string, message: string, severity?: 'error' | 'warning', hint?: string) => void,
): Pick<ProjectConfig, 'strict' | 'failFast' | 'versionCheck' | 'indirectSelection' | 'warnError' | 'resourceNamesMayHaveSpaces' | 'refsSearchNodePackageFirst' | 'compareUnrenderedValues'> {
  const out: Pick<ProjectConfig, 'strict' | 'failFast' | 'versionCheck' | 'indirectSelection' | 'warnError' | 'resourceNamesMayHaveSpaces' | 'refsSearchNodePackageFirst' | 'compareUnrenderedValues'> = { strict: flags.strict === true };
  const set = (key: string) => flags[key] !== undefined && flags[key] !== null;
  for (const key of Object.keys(flags).filter((k) => !PROJECT_FLAGS.has(k))) {
    report(key, 'is not a flag dbt 1.11 or sm reads; it is ignored', 'warning', `Check the spelling in ${file} (fail_fast, indirect_selection, warn_error, warn_error_options, strict, ...).`);
  }
  const wrongKind = (key: string, want: string) => report(key, `must be ${want}, not ${describeValue(flags[key])}`);
  if (typeof flags.fail_fast === 'boolean') out.failFast = flags.fail_fast;
  else if (set('fail_fast')) wrongKind('fail_fast', 'true or false');
  if (typeof flags.version_check === 'boolean') out.versionCheck = flags.version_check;
  else if (set('version_check')) wrongKind('version_check', 'true or false');
  const indirect = flags.indirect_selection;
  if (indirect === 'eager' || indirect === 'cautious' || indirect === 'buildable' || indirect === 'empty') out.indirectSelection = indirect;
  else if (set('indirect_selection')) wrongKind('indirect_selection', 'eager, cautious, buildable or empty');
  if (flags.require_resource_names_without_spaces === false) out.resourceNamesMayHaveSpaces = true;
  if (flags.state_modified_compare_more_unrendered_values === true) out.compareUnrenderedValues = true;
  else if (set('state_modified_compare_more_unrendered_values') && typeof flags.state_modified_compare_more_unrendered_values !== 'boolean') wrongKind('state_modified_compare_more_unrendered_values', 'true or false');
  if (flags.require_ref_searches_node_package_before_root === true) out.refsSearchNodePackageFirst = true;
  else if (set('require_ref_searches_node_package_before_root') && typeof flags.require_ref_searches_node_package_before_root !== 'boolean') wrongKind('require_ref_searches_node_package_before_root', 'true or false');
  else if (set('require_resource_names_without_spaces') && typeof flags.require_resource_names_without_spaces !== 'boolean') wrongKind('require_resource_names_without_spaces', 'true or false');
  if (set('warn_error') && typeof flags.warn_error !== 'boolean') wrongKind('warn_error', 'true or false');
  if (!set('warn_error_options')) {
    if (flags.warn_error === true) out.warnError = true;
  } else if (flags.warn_error === true) {
    report('warn_error_options', 'cannot be set with warn_error: true (dbt allows one or the other)');
  } else {
    try {
      const { options, notes } = parseWarnErrorOptions(flags.warn_error_options);
      for (const n of notes) report('warn_error_options', n, 'warning');
      out.warnError = options;
    } catch (e) {
      if (!(e instanceof WarnErrorOptionsError)) throw e;
      report('warn_error_options', e.message);
    }
  }
  return out;
}

/** The top-level keys of dbt 1.11's project file (its Project contract, which allows no others). */
const PROJECT_KEYS = new Set([
  'analyses', 'analysis-paths', 'asset-paths', 'clean-targets', 'config-version', 'data-paths', 'data_tests', 'dbt-cloud', 'dispatch', 'docs-paths',
  'exposures', 'flags', 'function-paths', 'functions', 'log-path', 'macro-paths', 'metrics', 'model-paths', 'models', 'name', 'on-run-end', 'on-run-start',
  'packages', 'packages-install-path', 'profile', 'project-root', 'query-comment', 'quoting', 'require-dbt-version', 'restrict-access', 'saved-queries',
  'seed-paths', 'seeds', 'semantic-models', 'snapshot-paths', 'snapshots', 'source-paths', 'sources', 'target-path', 'test-paths', 'tests', 'unit_tests',
  'vars', 'version',
]);

/**
 * dbt 1.11.16 refuses a dbt_project.yml key its contract does not know (exit 2: "at path []:
 * Additional properties are not allowed ('modles' was unexpected)") and a `config-version` other
 * than 2 ("Got an unexpected project version=1, expected 2"). sm's own project files (sm_project.yml,
 * <name>.yml) warn of an unknown key.
 */
function projectKeyDiagnostics(d: Record<string, unknown>, file: string, yaml: YamlFile, diagnostics: Diagnostic[]): void {
  const severity = file === 'dbt_project.yml' ? 'error' : 'warning';
  for (const key of Object.keys(d).filter((k) => !PROJECT_KEYS.has(k))) {
    const near = closestNames(key, PROJECT_KEYS, 1);
    diagnostics.push(
      diag('SM_PROJECT_INVALID', `\`${key}\` is not a key of the project file${severity === 'error' ? ' (dbt 1.11 refuses the project)' : ''}`, yaml.locate([key]), {
        severity,
        hint: near.length ? `Did you mean \`${near[0]}\`? Rename or remove it in ${file}.` : `Remove it from ${file}, or put your own settings under \`vars:\`.`,
      }),
    );
  }
  const cv = d['config-version'];
  if (cv !== undefined && cv !== null && cv !== 2) {
    diagnostics.push(diag('SM_PROJECT_INVALID', `\`config-version\` is ${describeValue(cv)}; dbt 1.11 reads only config-version 2`, yaml.locate(['config-version']), { hint: `Write config-version: 2 in ${file}, or remove the line (2 is the default).` }));
  }
}

/** The project file's keys that configure resources by folder (`data_tests` kept as `tests`). */
const RESOURCE_KEYS = ['models', 'seeds', 'snapshots', 'analyses', 'tests', 'data_tests', 'sources', 'unit_tests', 'semantic-models', 'metrics', 'saved-queries', 'exposures'];

/** dbt's quote policy (manifest metadata, `adapter.config.quoting`): the project's `quoting:` over the adapter's default. */
export function quotePolicy(config: Pick<ProjectConfig, 'quoting'>, adapterDefault: boolean): { database: boolean; schema: boolean; identifier: boolean } {
  const q = config.quoting;
  return { database: q?.database ?? adapterDefault, schema: q?.schema ?? adapterDefault, identifier: q?.identifier ?? adapterDefault };
}

/** `quoting: {database: true, identifier: false}`: the parts given a true or false, or none. */
function quotingOf(v: unknown): QuotedParts | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const q = v as Record<string, unknown>;
  const parts = (['database', 'schema', 'identifier'] as const).filter((p) => typeof q[p] === 'boolean');
  return parts.length ? Object.fromEntries(parts.map((p) => [p, q[p] as boolean])) : undefined;
}

/** dbt's `dispatch: [{macro_namespace: x, search_order: [a, b]}]`; malformed entries are left out here and reported by validation. */
function dispatchOf(v: unknown): DispatchConfig[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e) => {
    const ns = (e as Record<string, unknown> | null)?.macro_namespace;
    const order = (e as Record<string, unknown> | null)?.search_order;
    return typeof ns === 'string' && Array.isArray(order) ? [{ macroNamespace: ns, searchOrder: order.map(String) }] : [];
  });
}

/** The project file alone, for commands that need no more (`sm clean`); a project error when it is missing or wrong. */
export function readProjectFileOnly(dir: string): ProjectConfig {
  const diagnostics: Diagnostic[] = [];
  const pf = readProjectFile(dir, diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!pf || errors.length) throw new SmProjectError(errors);
  return pf.config;
}

/** What `docs generate` writes in the target folder itself: an asset folder of these names would replace it. */
const TARGET_ENTRIES = new Set(['docs', 'compiled', 'run', '.sm', 'index.html', 'manifest.json', 'run_results.json', 'catalog.json', 'sources.json', 'semantic_manifest.json', 'graph.gpickle', 'graph_summary.json', 'partial_parse.msgpack', 'sm-state.json']);

/**
 * `asset-paths`, each a folder of the project copied to `<target>/<path>` (dbt's place): one that
 * leaves the project or would replace what sm writes in the target folder is refused, since the
 * copy first removes what is there.
 */
function assetPaths(paths: string[], wrong: (message: string) => void): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const norm = posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
    if (!norm || norm === '.' || isAbsolute(p) || norm === '..' || norm.startsWith('../')) wrong(`"${p}" is not a folder inside the project`);
    else if (TARGET_ENTRIES.has(norm.split('/')[0]!)) wrong(`"${p}" would replace target/${norm.split('/')[0]} when docs generate copies it there`);
    else out.push(norm);
  }
  return out;
}
