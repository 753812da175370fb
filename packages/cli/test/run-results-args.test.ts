import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

/** run_results.json `args` recorded from dbt on the same files, by the command line after `dbt` (the folder-naming keys left out). */
const DBT = (JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'run-results-args.dbt-1.11.json'), 'utf8')) as { args: Record<string, Record<string, unknown>> }).args;

const argsOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { args: Record<string, unknown> }).args;

/** The command line of a fixture key: `run --vars {a: 1}` is `run`, `--vars`, `{a: 1}`; `docs generate --target dev` is `docs`, `generate`, `--target`, `dev`. */
function commandLine(key: string): string[] {
  const words = key.split(' ');
  const command = words[0] === 'docs' ? words.splice(0, 2) : words.splice(0, 1);
  const [flag, ...value] = words;
  return [...command, ...(flag ? [flag] : []), ...(value.length ? [value.join(' ')] : [])];
}

// dbt-core 1.11.16 writes every flag of the command at its value, leaving out those that are
// None (--target, --threads when not given) and full_refresh when false; `dbt test` has no
// --full-refresh (a usage error, so no case here).
describe("run_results.json's args, as dbt 1.11 writes them", () => {
  it('has the key set and values dbt writes for run, build, test, seed, compile and docs generate, with and without --full-refresh, --target, --threads, --vars, --select and --empty-catalog', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: p\nversion: '1.0'\nprofile: p\n",
      'models/m.sql': 'select 1 as id\n',
      'models/s.yml': 'models:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
      'seeds/sd.csv': 'id\n1\n',
    });
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    for (const [key, want] of Object.entries(DBT)) {
      const line = commandLine(key);
      const r = await sm(...line, '--project-dir', dir);
      expect(r.code, `${key}: ${r.err}`).toBe(0);
      const { invocation_command, project_dir, profiles_dir, log_path, ...args } = argsOf(dir);
      expect(args, key).toEqual(want);
      // Typed as given; the profile's folder; the logs folder in the project.
      expect([invocation_command, project_dir, profiles_dir, log_path], key).toEqual([['sm', ...line, '--project-dir', dir].join(' '), dir, dir, join(dir, 'logs')]);
    }
  });
});

// Recorded from `dbt run-operation noop2 --args '{x: 1}' --profiles-dir . --target dev` (dbt-core
// 1.11.16, dbt-duckdb 1.11.1, 7 Dec 2026), invocation_command and profiles_dir left out: no
// selection flags, sqlparse, warn_error_options or log_path, and project_dir only when typed
// (`--project-dir .` wrote "."; without it, no key). `args` is there only when --args was given.
const DBT_OPERATION: Record<string, unknown> = {
  args: { x: 1 }, cache_selected_only: false, debug: false, defer: false, fail_fast: false, favor_state: false, full_refresh: false,
  indirect_selection: 'eager', introspect: true, log_cache_events: false, log_file_max_bytes: 10485760, log_format: 'default',
  log_format_file: 'debug', log_level: 'info', log_level_file: 'debug', macro: 'noop2', macro_debugging: false, partial_parse: true,
  partial_parse_file_diff: true, populate_cache: true, print: true, printer_width: 80, quiet: false,
  require_all_warnings_handled_by_warn_error: false, require_batched_execution_for_custom_microbatch_strategy: false,
  require_explicit_package_overrides_for_builtin_materializations: true, require_generic_test_arguments_property: true,
  require_nested_cumulative_type_params: false, require_ref_searches_node_package_before_root: false,
  require_resource_names_without_spaces: true, require_unique_project_resource_names: false, require_yaml_configuration_for_mf_time_spines: false,
  send_anonymous_usage_stats: true, show_all_deprecations: false, show_resource_report: false, single_threaded: false,
  skip_nodes_if_on_run_start_fails: false, source_freshness_run_project_hooks: true, state_modified_compare_more_unrendered_values: false,
  state_modified_compare_vars: false, static_parser: true, store_failures: false, strict_mode: false, target: 'dev',
  upload_to_artifacts_ingest_api: false, use_colors: true, use_colors_file: true, use_experimental_parser: false, use_fast_test_edges: false,
  validate_macro_args: false, vars: {}, version_check: true, which: 'run-operation', write_json: true,
};

describe("run-operation's args, as dbt 1.11 writes them", () => {
  it("has dbt's key set and values, with --args only when given", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: p\nversion: '1.0'\nprofile: p\n",
      'macros/ops.sql': "{% macro noop() %}{% endmacro %}\n{% macro noop2(x) %}{% do log(x) %}{% endmacro %}\n",
    });
    const r = await sm('run-operation', 'noop2', '--args', '{x: 1}', '--target', 'dev', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const { invocation_command, profiles_dir, project_dir, ...args } = argsOf(dir);
    expect(args).toEqual(DBT_OPERATION);
    expect([invocation_command, profiles_dir, project_dir]).toEqual([`sm run-operation noop2 --args {x: 1} --target dev --project-dir ${dir}`, dir, dir]);
    expect((await sm('run-operation', 'noop', '--project-dir', dir)).code).toBe(0);
    const plain = argsOf(dir);
    expect([plain.args, plain.target, plain.macro]).toEqual([undefined, undefined, 'noop']);
    // The invocation began before the operation did (dbt: 13:33:23.678998 then 13:33:25.305057).
    const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { metadata: { invocation_started_at: string }; results: { timing: { started_at: string }[] }[] };
    expect(rr.metadata.invocation_started_at <= rr.results[0]!.timing[0]!.started_at).toBe(true);
  });
});
