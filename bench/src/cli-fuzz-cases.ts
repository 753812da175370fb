/**
 * The cases of cli-fuzz.ts: what a user or an Airflow task types, and the environment it runs in,
 * against a small valid DuckDB project. Each case runs in a fresh copy of that project per tool,
 * with the tool's working folder at the copy and `--profiles-dir .` appended unless `noProfilesDir`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CliCase {
  name: string;
  /** The tool's arguments (no tool name). */
  args: string[];
  env?: Record<string, string>;
  /** Damage to the project copy before the run. */
  setup?: (dir: string) => void;
  /** Leave `--profiles-dir .` off the arguments. */
  noProfilesDir?: boolean;
  /** Commands run first in the same copy (their exit codes are not compared). */
  before?: string[][];
  /**
   * Send this signal once the command prints `after` (then wait `delayMs`); the copy's `slow`
   * table must keep its previous rows and no work relation may be left.
   */
  signal?: { sig: NodeJS.Signals; after: RegExp; delayMs: number };
}

export const PROFILE_NAME = 'fz';

export const profileYaml = (dir: string, extra = '') =>
  `${PROFILE_NAME}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'warehouse.duckdb'))}\n      threads: 1\n${extra}`;

const PROJECT = `name: fz\nversion: '1.0'\nconfig-version: 2\nprofile: ${PROFILE_NAME}\n`;

/** The valid project every case starts from. */
export function writeCliFuzzProject(dir: string): void {
  const files: Record<string, string> = {
    'dbt_project.yml': PROJECT,
    'profiles.yml': profileYaml(dir),
    'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id",
    'models/b.sql': "select id from {{ ref('a') }}",
    'models/slow.sql': "{{ config(materialized='table') }}\nselect {{ var('v', 1) }} as v{% if var('slow', false) %}, (select count(*) from range(30000000000)) as n{% endif %}",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    'macros/hello.sql': "{% macro hello(name) %}{{ log('hi ' ~ name, info=True) }}{% endmacro %}",
    'selectors.yml': "selectors:\n  - name: only_a\n    definition: 'a'\n",
  };
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

const file = (p: string, text: string) => (dir: string) => {
  mkdirSync(join(dir, p, '..'), { recursive: true });
  writeFileSync(join(dir, p), text);
};
const profiles = (text: (dir: string) => string) => (dir: string) => writeFileSync(join(dir, 'profiles.yml'), text(dir));
const outputs = (body: string) => profiles(() => `${PROFILE_NAME}:\n  target: dev\n  outputs:\n    dev:\n${body}`);

const BUILT = [['build']];

export const CLI_CASES: CliCase[] = [
  { name: 'valid build', args: ['build'] },
  { name: 'unknown command', args: ['frobnicate'] },
  { name: 'no command', args: [], noProfilesDir: true },
  { name: 'unknown flag', args: ['run', '--frobnicate'] },
  { name: 'unknown short flag', args: ['run', '-Z'] },
  { name: 'flag missing its value (last)', args: ['run', '--profiles-dir', '.', '--select'], noProfilesDir: true },
  { name: 'flag missing its value (before a flag)', args: ['run', '--target', '--threads', '1'] },
  { name: 'option of another command (run --limit)', args: ['run', '--limit', '3'] },
  { name: 'select twice', args: ['run', '-s', 'a', '-s', 'b'] },
  { name: 'select empty string', args: ['run', '-s', ''] },
  { name: 'select unbalanced comma', args: ['run', '-s', 'a,'] },
  { name: 'select lone comma', args: ['run', '-s', ','] },
  { name: 'select lone plus', args: ['run', '-s', '+'] },
  { name: 'select +3+', args: ['run', '-s', '+3+'] },
  { name: 'select unknown method foo:bar', args: ['run', '-s', 'foo:bar'] },
  { name: 'select method without value tag:', args: ['run', '-s', 'tag:'] },
  { name: 'select @ with +', args: ['run', '-s', '@a+'] },
  { name: 'select lone @', args: ['run', '-s', '@'] },
  { name: 'select a+-1', args: ['run', '-s', 'a+-1'] },
  { name: 'select name that matches nothing', args: ['run', '-s', 'nothere'] },
  { name: 'select state: without --state', args: ['run', '-s', 'state:modified'] },
  { name: 'selector that does not exist', args: ['run', '--selector', 'nope'] },
  { name: 'selector with select', args: ['run', '--selector', 'only_a', '-s', 'b'] },
  { name: 'exclude only', args: ['run', '--exclude', 'a'] },
  { name: 'vars not YAML', args: ['run', '--vars', '{a: [1'] },
  { name: 'vars a YAML list', args: ['run', '--vars', '[1, 2]'] },
  { name: 'vars a scalar', args: ['run', '--vars', 'hello'] },
  { name: 'vars empty', args: ['run', '--vars', ''] },
  { name: 'target that does not exist', args: ['run', '--target', 'nope'] },
  { name: 'profile unknown', args: ['run', '--profile', 'nope'] },
  { name: 'profiles-dir missing', args: ['run', '--profiles-dir', 'no/such/dir'], noProfilesDir: true },
  { name: 'profiles-dir without profiles.yml', args: ['run', '--profiles-dir', 'models'], noProfilesDir: true },
  { name: 'profiles.yml malformed', args: ['run'], setup: profiles(() => `${PROFILE_NAME}:\n  target: dev\n  outputs: [\n`) },
  { name: 'profiles.yml not a mapping', args: ['run'], setup: profiles(() => '- a\n- b\n') },
  { name: 'profiles.yml missing the profile', args: ['run'], setup: profiles((d) => profileYaml(d).replace(`${PROFILE_NAME}:`, 'other:')) },
  { name: 'profile target names a missing output', args: ['run'], setup: profiles((d) => profileYaml(d).replace('target: dev', 'target: prod')) },
  { name: 'target missing type', args: ['run'], setup: outputs('      path: w.duckdb\n      threads: 1\n') },
  { name: 'unknown adapter type', args: ['run'], setup: outputs('      type: frobdb\n      threads: 1\n') },
  { name: 'env_var unset in profiles.yml', args: ['run'], setup: outputs("      type: duckdb\n      path: \"{{ env_var('FZ_UNSET_VAR') }}\"\n      threads: 1\n") },
  { name: 'env_var unset in a model', args: ['run'], setup: file('models/c.sql', "select '{{ env_var('FZ_UNSET_VAR') }}' as x") },
  { name: 'env_var unset in dbt_project.yml', args: ['run'], setup: file('dbt_project.yml', `${PROJECT}vars:\n  x: "{{ env_var('FZ_UNSET_VAR') }}"\n`) },
  { name: 'threads 0', args: ['run', '--threads', '0'] },
  { name: 'threads -1', args: ['run', '--threads', '-1'] },
  { name: 'threads abc', args: ['run', '--threads', 'abc'] },
  { name: 'threads in profile abc', args: ['run'], setup: profiles((d) => profileYaml(d).replace('threads: 1', 'threads: abc')) },
  { name: 'project-dir not a project', args: ['run', '--project-dir', 'models'] },
  { name: 'project-dir missing', args: ['run', '--project-dir', 'no/such/dir'] },
  { name: 'project-dir is a file', args: ['run', '--project-dir', 'dbt_project.yml'] },
  { name: 'state missing dir', args: ['run', '-s', 'state:modified', '--state', 'no/such/dir'] },
  { name: 'state dir without manifest', args: ['run', '-s', 'state:modified', '--state', 'empty'], setup: (d) => mkdirSync(join(d, 'empty')) },
  { name: 'state corrupt manifest', args: ['run', '-s', 'state:modified', '--state', 'st'], setup: file('st/manifest.json', '{"nodes": ') },
  { name: 'defer without state', args: ['run', '--defer'] },
  { name: 'defer with state dir without manifest', args: ['run', '--defer', '--state', 'empty'], setup: (d) => mkdirSync(join(d, 'empty')) },
  { name: 'full-refresh on test', args: ['test', '--full-refresh'] },
  { name: 'full-refresh on ls', args: ['ls', '--full-refresh'] },
  { name: 'full-refresh on compile', args: ['compile', '--full-refresh'] },
  { name: 'full-refresh on run-operation', args: ['run-operation', 'hello', '--args', '{name: x}', '--full-refresh'] },
  { name: 'warn-error-options malformed', args: ['run', '--warn-error-options', '{"error": ['] },
  { name: 'warn-error-options YAML', args: ['run', '--warn-error-options', 'error: all'] },
  { name: 'warn-error-options a list', args: ['run', '--warn-error-options', '[1, 2]'] },
  { name: 'warn-error-options unknown key', args: ['run', '--warn-error-options', '{foo: all}'] },
  { name: 'warn-error with warn-error-options', args: ['run', '--warn-error', '--warn-error-options', '{error: all}'] },
  { name: 'warn-error with nothing selected', args: ['run', '--warn-error', '-s', 'nothere'] },
  { name: 'log-format json', args: ['run', '--log-format', 'json'] },
  { name: 'log-format bad', args: ['run', '--log-format', 'xml'] },
  { name: 'log-level bad', args: ['run', '--log-level', 'loud'] },
  { name: 'log-level debug', args: ['run', '--log-level', 'debug'] },
  { name: 'fail-fast with a failing model', args: ['run', '--fail-fast', '--threads', '1'], setup: file('models/c.sql', 'select * from no_such_table') },
  { name: 'failing model', args: ['build'], setup: file('models/c.sql', 'select * from no_such_table') },
  { name: 'failing test', args: ['build'], setup: file('models/schema.yml', 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [{accepted_values: {values: [2]}}]\n') },
  { name: 'show limit -1', args: ['show', '-s', 'a', '--limit', '-1'], before: BUILT },
  { name: 'show limit 0', args: ['show', '-s', 'a', '--limit', '0'], before: BUILT },
  { name: 'show limit abc', args: ['show', '-s', 'a', '--limit', 'abc'] },
  { name: 'show inline broken SQL', args: ['show', '--inline', 'select from where'] },
  { name: 'show inline bad jinja', args: ['show', '--inline', 'select {{ 1 +'] },
  { name: 'show without select or inline', args: ['show'] },
  { name: 'run-operation unknown macro', args: ['run-operation', 'nope'] },
  { name: 'run-operation without macro', args: ['run-operation'] },
  { name: 'run-operation bad args YAML', args: ['run-operation', 'hello', '--args', '{name: [x'] },
  { name: 'run-operation args a list', args: ['run-operation', 'hello', '--args', '[x]'] },
  { name: 'run-operation missing argument', args: ['run-operation', 'hello'] },
  { name: 'run-operation unknown argument', args: ['run-operation', 'hello', '--args', '{name: x, other: y}'] },
  { name: 'retry without previous run', args: ['retry'] },
  { name: 'retry after success', args: ['retry'], before: BUILT },
  { name: 'clean target outside project', args: ['clean'], setup: file('dbt_project.yml', `${PROJECT}clean-targets: ['../outside']\n`) },
  { name: 'clean target absolute', args: ['clean'], setup: file('dbt_project.yml', `${PROJECT}clean-targets: ['/tmp']\n`) },
  { name: 'clean target the project itself', args: ['clean'], setup: file('dbt_project.yml', `${PROJECT}clean-targets: ['.']\n`) },
  { name: 'clean with --target-path', args: ['clean', '--target-path', 'alt'], setup: (d) => mkdirSync(join(d, 'alt')) },
  { name: 'clean with global flags', args: ['clean', '--target', 'dev', '--profile', 'fz', '--vars', '{a: 1}', '--state', '.', '-x'] },
  { name: 'deps with --target/--profile', args: ['deps', '--target', 'dev', '--profile', 'fz'] },
  { name: 'parse with --state/--defer', args: ['parse', '--state', '.', '--defer'] },
  { name: 'debug with --state', args: ['debug', '--state', '.'] },
  { name: 'run-operation with --state/-x', args: ['run-operation', 'hello', '--args', '{name: x}', '--state', '.', '-x'] },
  { name: 'docs serve port abc', args: ['docs', 'serve', '--port', 'abc'] },
  { name: 'ls output bad', args: ['ls', '--output', 'xml'] },
  { name: 'ls resource-type bad', args: ['ls', '--resource-type', 'widget'] },
  { name: 'DBT_PROFILES_DIR missing', args: ['run'], env: { DBT_PROFILES_DIR: '/no/such/dir' }, noProfilesDir: true },
  { name: 'DBT_PROFILES_DIR good', args: ['run'], env: { DBT_PROFILES_DIR: '.' }, noProfilesDir: true },
  { name: 'DBT_TARGET_PATH elsewhere', args: ['run'], env: { DBT_TARGET_PATH: 'alt_target' } },
  { name: 'DBT_LOG_FORMAT bad', args: ['run'], env: { DBT_LOG_FORMAT: 'xml' } },
  { name: 'DBT_LOG_FORMAT json', args: ['run'], env: { DBT_LOG_FORMAT: 'json' } },
  { name: 'DBT_LOG_LEVEL bad', args: ['run'], env: { DBT_LOG_LEVEL: 'loud' } },
  { name: 'DBT_TARGET unknown', args: ['run'], env: { DBT_TARGET: 'nope' } },
  { name: 'DBT_PROFILE unknown', args: ['run'], env: { DBT_PROFILE: 'nope' } },
  { name: 'DBT_PROJECT_DIR missing', args: ['run'], env: { DBT_PROJECT_DIR: '/no/such/dir' } },
  { name: 'DBT_THREADS abc', args: ['run'], env: { DBT_THREADS: 'abc' } },
  { name: 'DBT_WARN_ERROR_OPTIONS malformed', args: ['run'], env: { DBT_WARN_ERROR_OPTIONS: '{"error": [' } },
  { name: 'DBT_FULL_REFRESH bad boolean', args: ['run'], env: { DBT_FULL_REFRESH: 'maybe' } },
  { name: 'DBT_FULL_REFRESH bad boolean on ls', args: ['ls'], env: { DBT_FULL_REFRESH: 'maybe' } },
  { name: 'DBT_QUIET on', args: ['run'], env: { DBT_QUIET: 'on' } },
  { name: 'DBT_QUIET bad boolean', args: ['run'], env: { DBT_QUIET: 'sometimes' } },
  { name: 'DBT_DEFER bad boolean', args: ['run'], env: { DBT_DEFER: 'maybe' } },
  { name: 'DBT_LOG_LEVEL_FILE bad', args: ['run'], env: { DBT_LOG_LEVEL_FILE: 'loud' } },
  { name: 'DBT_INDIRECT_SELECTION bad', args: ['build'], env: { DBT_INDIRECT_SELECTION: 'sometimes' } },
  { name: 'DBT_FAIL_FAST bad boolean', args: ['run'], env: { DBT_FAIL_FAST: 'maybe' } },
  { name: 'target-path a file', args: ['run', '--target-path', 'dbt_project.yml/x'] },
  { name: 'SIGINT mid-build', args: ['build', '-s', 'slow', '--vars', '{v: 2, slow: true}'], before: BUILT, signal: { sig: 'SIGINT', after: /build: 1 node|START sql table model/, delayMs: 2500 } },
  { name: 'SIGTERM mid-build', args: ['build', '-s', 'slow', '--vars', '{v: 2, slow: true}'], before: BUILT, signal: { sig: 'SIGTERM', after: /build: 1 node|START sql table model/, delayMs: 2500 } },
];
