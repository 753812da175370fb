import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './run-cli.ts';

/**
 * The CLI's one error path, driven by a table of user, environment and project mistakes: each
 * must end with exit 2, a short message naming the culprit (file or flag), and no stack trace
 * (a trace appears only with --debug). Every case runs the real CLI in a child process.
 */

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const PROJECT = 'name: hostile\nprofile: hostile\n';
const PROFILES = 'hostile:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/hostile.duckdb\n';

/** A fresh project in a temp dir: the files given (null removes a default), plus the setup's own changes. */
function project(files: Record<string, string | null> = {}, setup?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'sm-hostile-'));
  roots.push(dir);
  const all: Record<string, string | null> = { 'sm_project.yml': PROJECT, 'profiles.yml': PROFILES, 'models/a.sql': 'select 1 as id\n', ...files };
  for (const [rel, text] of Object.entries(all)) {
    if (text === null) continue;
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  setup?.(dir);
  return dir;
}

function sm(dir: string, argv: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SM_PROFILES_DIR: '', DBT_PROFILES_DIR: '', HOME: dir, ...env }, timeout: 60_000, killSignal: 'SIGKILL' });
  return { code: r.status, text: `${r.stdout}\n${r.stderr}` };
}

const TRACE = /^\s+at .+(\(|\s)(\/|file:|node:)|node:internal|^\s*\^$/m;

interface Case {
  name: string;
  dir: () => string;
  argv: (dir: string) => string[];
  /** Text that must appear: the file, flag or name at fault. */
  culprit: string | RegExp | ((dir: string) => string | RegExp);
  env?: NodeJS.ProcessEnv;
}

const cases: Case[] = [
  { name: '--project-dir is a file', dir: () => project(), argv: (d) => ['build', '--project-dir', join(d, 'models', 'a.sql')], culprit: (d) => join(d, 'models', 'a.sql') },
  { name: '--project-dir does not exist', dir: () => project(), argv: (d) => ['compile', '--project-dir', join(d, 'nope')], culprit: (d) => join(d, 'nope') },
  { name: 'the project file is a directory', dir: () => project({ 'sm_project.yml': null }, (d) => mkdirSync(join(d, 'sm_project.yml'))), argv: () => ['compile'], culprit: 'sm_project.yml' },
  { name: 'profiles.yml is a directory', dir: () => project({ 'profiles.yml': null }, (d) => mkdirSync(join(d, 'profiles.yml'))), argv: () => ['compile'], culprit: 'profiles.yml' },
  { name: 'models/ is a file', dir: () => project({ 'models/a.sql': null, models: 'not a folder' }), argv: () => ['compile'], culprit: 'models' },
  { name: 'a broken symlink under models/', dir: () => project({}, (d) => symlinkSync(join(d, 'gone.sql'), join(d, 'models', 'b.sql'))), argv: () => ['compile'], culprit: 'b.sql' },
  { name: 'a symlink loop under models/', dir: () => project({}, (d) => symlinkSync(join(d, 'models', 'loop.sql'), join(d, 'models', 'loop.sql'))), argv: () => ['compile'], culprit: 'loop.sql' },
  { name: 'a schema YAML file that is a broken symlink', dir: () => project({}, (d) => symlinkSync(join(d, 'missing.yml'), join(d, 'models', 'schema.yml'))), argv: () => ['compile'], culprit: 'schema.yml' },
  { name: 'a seed that is a broken symlink', dir: () => project({}, (d) => { mkdirSync(join(d, 'seeds')); symlinkSync(join(d, 'missing.csv'), join(d, 'seeds', 'people.csv')); }), argv: () => ['seed'], culprit: 'people.csv' },
  {
    name: 'a YAML alias bomb',
    dir: () => project({ 'models/schema.yml': `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\nmodels: []\n` }),
    argv: () => ['compile'],
    culprit: 'schema.yml',
  },
  { name: 'a YAML file nested 20,000 levels deep', dir: () => project({ 'models/deep.yml': `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n` }), argv: () => ['compile'], culprit: /models\/deep\.yml.*nested too deeply/ },
  { name: 'the target folder is a file', dir: () => project({ target: 'not a folder' }), argv: () => ['compile'], culprit: 'target' },
  { name: 'the DuckDB path is a directory', dir: () => project({}, (d) => mkdirSync(join(d, 'target', 'hostile.duckdb'), { recursive: true })), argv: () => ['build'], culprit: 'hostile.duckdb' },
  {
    name: 'a DuckDB path on a read-only file system',
    dir: () => project({ 'profiles.yml': PROFILES.replace('target/hostile.duckdb', '/proc/sm-hostile.duckdb') }),
    argv: () => ['build'],
    culprit: '/proc/sm-hostile.duckdb',
  },
  {
    name: 'a DuckDB setting whose extension cannot load',
    dir: () => project({ 'profiles.yml': `${PROFILES}      settings:\n        s3_region: eu-west-1\n` }),
    argv: () => ['build'],
    culprit: /s3_region|hostile\.duckdb|settings/,
    env: { HOME: '/nonexistent-home' },
  },
  { name: 'a corrupt --state manifest', dir: () => project({ 'state/manifest.json': '{"nodes": {"model.x": ' }), argv: (d) => ['ls', '-s', 'state:modified', '--state', join(d, 'state')], culprit: 'manifest.json' },
  { name: 'a wrongly shaped --state manifest', dir: () => project({ 'state/manifest.json': '{"nodes": 5}' }), argv: (d) => ['ls', '-s', 'state:modified', '--state', join(d, 'state')], culprit: 'manifest.json' },
  { name: 'a wrongly shaped --state run_results', dir: () => project({ 'state/manifest.json': '{"nodes": {}}', 'state/run_results.json': '{"results": [1]}' }), argv: (d) => ['ls', '-s', 'result:error', '--state', join(d, 'state')], culprit: 'run_results.json' },
  { name: 'sm retry over a corrupt run_results.json', dir: () => project({ 'target/run_results.json': 'garbage' }), argv: () => ['retry'], culprit: 'run_results.json' },
  { name: 'sm docs generate over a corrupt run_results.json', dir: () => project({ 'target/run_results.json': '[]' }), argv: () => ['docs', 'generate', '--empty-catalog'], culprit: 'run_results.json' },
  { name: 'ingest load --lake naming nothing', dir: () => project(), argv: (d) => ['ingest', 'load', '--lake', join(d, 'no-lake')], culprit: 'no-lake' },
  { name: 'ingest load --lake naming a file', dir: () => project(), argv: (d) => ['ingest', 'load', '--lake', join(d, 'models', 'a.sql')], culprit: 'a.sql' },
  { name: '--target that no profiles.yml defines', dir: () => project({ 'profiles.yml': null }), argv: () => ['build', '--target', 'prod'], culprit: '--target prod' },
  { name: '--target missing from profiles.yml', dir: () => project(), argv: () => ['build', '--target', 'prod'], culprit: '"prod"' },
  { name: '--profiles-dir naming a folder that does not exist', dir: () => project(), argv: (d) => ['build', '--profiles-dir', join(d, 'typo')], culprit: (d) => `--profiles-dir ${join(d, 'typo')}` },
  { name: '$DBT_PROFILES_DIR naming a folder without profiles.yml', dir: () => project({ 'elsewhere/x': '' }), argv: () => ['build'], culprit: '$DBT_PROFILES_DIR', env: { DBT_PROFILES_DIR: 'elsewhere' } },
  { name: 'profiles.yml that is a list', dir: () => project({ 'profiles.yml': '- hostile\n' }), argv: () => ['compile'], culprit: 'profiles.yml:1' },
  { name: 'a profile whose outputs is a list', dir: () => project({ 'profiles.yml': 'hostile:\n  target: dev\n  outputs: [dev]\n' }), argv: () => ['compile'], culprit: /profiles\.yml:3.*`outputs`/ },
  { name: 'a profile whose target is a string', dir: () => project({ 'profiles.yml': 'hostile:\n  target: dev\n  outputs:\n    dev: duckdb\n' }), argv: () => ['compile'], culprit: /profiles\.yml:4.*"dev"/ },
  { name: 'threads: 0 in profiles.yml', dir: () => project({ 'profiles.yml': `${PROFILES}      threads: 0\n` }), argv: () => ['run'], culprit: /profiles\.yml:7.*`threads`/ },
  { name: "var() in profiles.yml without --vars", dir: () => project({ 'profiles.yml': PROFILES.replace('target: dev', 'target: "{{ var(\'t\') }}"') }), argv: () => ['build'], culprit: /profiles\.yml:2.*var\("t"\).*--vars/ },
  { name: 'an unset env_var() naming the target', dir: () => project({ 'profiles.yml': PROFILES.replace('target: dev', 'target: "{{ env_var(\'HOSTILE_NO_TARGET\') }}"') }), argv: () => ['build'], culprit: 'HOSTILE_NO_TARGET' },
  { name: 'a selector that includes itself', dir: () => project({ 'selectors.yml': 'selectors:\n  - name: me\n    definition:\n      union:\n        - method: selector\n          value: me\n' }), argv: () => ['ls', '--selector', 'me'], culprit: /selectors\.yml.*"me": no selector named "me" above this one/ },
  { name: 'selectors that include each other', dir: () => project({ 'selectors.yml': "selectors:\n  - name: a\n    definition:\n      method: selector\n      value: b\n  - name: b\n    definition: 'selector:a'\n" }), argv: () => ['build', '-s', 'selector:a'], culprit: /selectors\.yml.*"a": no selector named "b" above this one/ },
  { name: 'selectors.yml that is not a list of selectors', dir: () => project({ 'selectors.yml': 'selectors: 5\n' }), argv: () => ['ls', '--selector', 'x'], culprit: /selectors\.yml:1.*`selectors:`/ },
  // dbt 1.11.16 (recorded): "Invalid value for '--vars': String '' is not valid YAML" (and for --args, --warn-error-options), exit 2; sm ran with the defaults.
  { name: '--vars that a scheduler rendered empty', dir: () => project(), argv: () => ['compile', '--vars', ' '], culprit: /--vars is empty\n\s+hint: Give a mapping such as --vars/ },
  { name: '--args that is empty', dir: () => project({ 'macros/m.sql': '{% macro m() %}{% endmacro %}' }), argv: () => ['run-operation', 'm', '--args', ''], culprit: '--args is empty' },
  { name: '--warn-error-options that is empty', dir: () => project(), argv: () => ['compile', '--warn-error-options', ''], culprit: '--warn-error-options must be YAML or JSON' },
  { name: '--vars that is not a mapping', dir: () => project(), argv: () => ['compile', '--vars', '[1, 2]'], culprit: '--vars must be a mapping' },
  {
    name: 'a compiled file that cannot be written (a full disk, as /dev/full)',
    dir: () => project({}, (d) => { mkdirSync(join(d, 'target', 'compiled', 'hostile', 'models'), { recursive: true }); symlinkSync('/dev/full', join(d, 'target', 'compiled', 'hostile', 'models', 'a.sql')); }),
    argv: () => ['compile'],
    culprit: /compiled\/hostile\/models\/a\.sql could not be written: no space left/,
  },
  {
    // Over 1 MB, so the manifest is written on the artifact-writer thread: its failure reaches the command all the same.
    name: 'a manifest.json that cannot be replaced (a folder stands there), written on the writer thread',
    dir: () => project({ 'models/a.sql': `-- ${'x'.repeat(1_200_000)}\nselect 1 as id\n` }, (d) => mkdirSync(join(d, 'target', 'manifest.json'), { recursive: true })),
    argv: () => ['compile'],
    culprit: /target\/manifest\.json is a directory where a file was expected \(rename\)/,
  },
  // Node's recursive mkdir looped forever in native code (deaf to SIGTERM) where the kernel answers ENOENT under an existing folder.
  { name: 'a --target-path under /proc, which the kernel will not make', dir: () => project(), argv: () => ['compile', '--target-path', '/proc/sm-hostile-target'], culprit: /\/proc\/sm-hostile-target/ },
  { name: 'a target-path inside a process folder of /proc', dir: () => project({ 'sm_project.yml': `${PROJECT}target-path: /proc/self/sm-hostile\n` }), argv: () => ['run'], culprit: /\/proc\/self\/sm-hostile/ },
  { name: 'a selector of 100,000 characters', dir: () => project(), argv: () => ['ls', '-s', `${'a'.repeat(100_000)}*`], culprit: /SM_SELECTOR_INVALID.*aaaa\.\.\.".*100001 characters/ },
  { name: 'ingest kafka --brokers without a port', dir: () => project(), argv: () => ['ingest', 'kafka', '--brokers', 'kafka-host', '--once', '--retry-for', '30'], culprit: /--brokers: "kafka-host" is not host:port/ },
  { name: 'ingest kafka --brokers with a port out of range', dir: () => project(), argv: () => ['ingest', 'kafka', '--brokers', 'localhost:9092,127.0.0.1:99999', '--once'], culprit: /--brokers: "127\.0\.0\.1:99999"/ },
  // dbt 1.11 refuses both (exit 2): a version is two or three numbers, a YAML integer is none.
  { name: "a project version that is not one ('1')", dir: () => project({ 'sm_project.yml': `${PROJECT}version: '1'\n` }), argv: () => ['compile'], culprit: /sm_project\.yml:3.*`version` "1" is not a version/ },
  { name: 'a project version written as an integer', dir: () => project({ 'sm_project.yml': `${PROJECT}version: 2 # major\n` }), argv: () => ['parse'], culprit: /sm_project\.yml:3.*`version` 2 is an integer.*'2\.0\.0'/ },
  { name: 'a project name that is a number', dir: () => project({ 'sm_project.yml': 'name: 123\nprofile: hostile\n' }), argv: () => ['parse'], culprit: /sm_project\.yml:1.*`name:` must be a string, not 123/ },
  { name: 'model-paths of the wrong type', dir: () => project({ 'sm_project.yml': `${PROJECT}model-paths: 5\n` }), argv: () => ['compile'], culprit: 'model-paths' },
  // As dbt 1.11.16 words them (recorded): the arguments of ref(), source() and var() are checked before anything is looked up.
  { name: 'ref() with no argument', dir: () => project({ 'models/b.sql': 'select * from {{ ref() }}' }), argv: () => ['compile'], culprit: /models\/b\.sql:1:\d+: ref\(\) takes at most two arguments \(0 given\)/ },
  { name: 'ref() with three arguments', dir: () => project({ 'models/b.sql': "select * from {{ ref('p', 'a', 'x') }}" }), argv: () => ['compile'], culprit: /models\/b\.sql:1:\d+: ref\(\) takes at most two arguments \(3 given\)/ },
  { name: 'ref() of a number', dir: () => project({ 'models/b.sql': 'select * from {{ ref(1) }}' }), argv: () => ['compile'], culprit: /models\/b\.sql.*The name argument to ref\(\) must be a string, got <class 'int'>/ },
  { name: 'source() with one argument', dir: () => project({ 'models/b.sql': "select * from {{ source('raw') }}" }), argv: () => ['compile'], culprit: /models\/b\.sql:1:\d+: source\(\) takes exactly two arguments \(1 given\)/ },
  { name: 'source() of a number', dir: () => project({ 'models/b.sql': "select * from {{ source('raw', 2) }}" }), argv: () => ['compile'], culprit: /The table name \(second\) argument to source\(\) must be a string, got <class 'int'>/ },
  { name: 'var() with no name', dir: () => project({ 'models/b.sql': 'select {{ var() }} as x' }), argv: () => ['compile'], culprit: /models\/b\.sql:1:\d+: var\(\) is missing its one required argument/ },
  // dbt 1.11.16 (recorded): 'Invalid node spec @a+ - "@" prefix and "+" suffix are incompatible', exit 2, from the command line and from selectors.yml.
  { name: '-s @a+ ("@" with a trailing "+")', dir: () => project(), argv: () => ['ls', '-s', '@a+'], culprit: /Invalid selector "@a\+": "@" prefix and "\+" suffix are incompatible/ },
  { name: 'childrens_parents with children', dir: () => project({ 'selectors.yml': 'selectors:\n  - name: s\n    definition:\n      method: fqn\n      value: a\n      childrens_parents: true\n      children: true\n' }), argv: () => ['ls', '--selector', 's'], culprit: /selectors\.yml:3.*childrens_parents \("@"\) and children/ },
  // dbt 1.11.16 (recorded): "raise_compiler_error() missing 1 required positional argument: 'msg'" (sm said "undefined"); a dict message prints as Python's str.
  { name: 'raise_compiler_error() without a message', dir: () => project({ 'models/b.sql': 'select 1 {{ exceptions.raise_compiler_error() }}' }), argv: () => ['compile'], culprit: /models\/b\.sql:1:\d+: raise_compiler_error\(\) missing 1 required positional argument: 'msg'/ },
  { name: 'raise_compiler_error() of a dict', dir: () => project({ 'models/b.sql': "select 1 {{ exceptions.raise_compiler_error({'why': none}) }}" }), argv: () => ['compile'], culprit: /models\/b\.sql:1:\d+: \{'why': None\}/ },
  // dbt 1.11.16 (recorded): "depends on a node named 'a' with version '2' which was not found" / "in package or project 'nopkg' which was not found"; sm said "a" is not a model and asked "Did you mean \"a\"?".
  { name: 'ref() of a version that is not defined', dir: () => project({ 'models/b.sql': "select * from {{ ref('a', v=2) }}" }), argv: () => ['compile'], culprit: /models\/b\.sql:1: Model "b" refers to "a" version 2, a version "a" does not define\n\s+hint: "a" has no versions/ },
  {
    name: 'ref() of a version of a versioned model',
    dir: () => project({ 'models/a.sql': null, 'models/a_v1.sql': 'select 1 as id', 'models/a_v3.sql': 'select 3 as id', 'models/s.yml': 'models:\n  - name: a\n    latest_version: 3\n    versions: [{v: 1}, {v: 3}]\n', 'models/b.sql': "select * from {{ ref('a', version=2) }}" }),
    argv: () => ['compile'],
    culprit: /refers to "a" version 2, a version "a" does not define\n\s+hint: "a" has versions 1, 3/,
  },
  { name: 'ref() into a package not installed', dir: () => project({ 'models/b.sql': "select * from {{ ref('nopkg', 'a') }}" }), argv: () => ['compile'], culprit: /models\/b\.sql:1: Model "b" refers to "a" in package "nopkg", but no package or project named "nopkg" is installed/ },
  // dbt 1.11.16 (recorded) refuses these when it parses, whatever the command (exit 2, a ValidationError in its words); sm failed the snapshot when it ran (exit 1).
  { name: 'a timestamp snapshot without updated_at', dir: () => project({ 'snapshots/s.sql': "{% snapshot s %}{{ config(strategy='timestamp', unique_key='id') }}select 1 as id{% endsnapshot %}" }), argv: () => ['run'], culprit: /snapshots\/s\.sql: Snapshot s: A snapshot configured with the timestamp strategy must specify an updated_at configuration/ },
  { name: 'check_cols that is one column as a string', dir: () => project({ 'snapshots/s.sql': "{% snapshot s %}{{ config(strategy='check', unique_key='id', check_cols='id') }}select 1 as id{% endsnapshot %}" }), argv: () => ['snapshot'], culprit: /Snapshot s: Invalid value for 'check_cols': id\. Expected 'all' or a list of strings/ },
  { name: 'a YAML snapshot without unique_key', dir: () => project({ 'snapshots/s.yml': "snapshots:\n  - name: s\n    relation: ref('a')\n    config:\n      strategy: check\n      check_cols: all\n" }), argv: () => ['ls'], culprit: /snapshots\/s\.yml: Snapshot s: Snapshots must be configured with a 'strategy' and 'unique_key'/ },
  // dbt 1.11.16 (recorded): "Found duplicate version: '1' in versions list of model 'a'", exit 2; sm kept the last and parsed.
  { name: 'a model version listed twice', dir: () => project({ 'models/a.sql': null, 'models/a_v1.sql': 'select 1 as id', 'models/s.yml': 'models:\n  - name: a\n    versions:\n      - v: 1\n      - v: 1\n' }), argv: () => ['parse'], culprit: /models\/s\.yml:5:\d+: Found duplicate version: '1' in versions list of model 'a'/ },
  // dbt 1.11.16 (recorded): "latest_version: 3 is not one of model 'a' versions: [1] ", exit 2.
  { name: 'a latest_version that is not listed', dir: () => project({ 'models/a.sql': null, 'models/a_v1.sql': 'select 1 as id', 'models/s.yml': 'models:\n  - name: a\n    latest_version: 3\n    versions:\n      - v: 1\n' }), argv: () => ['parse'], culprit: /models\/s\.yml:3:\d+: latest_version: 3 is not one of model 'a' versions: \[1\]/ },
  // dbt 1.11.16 (recorded): "maximum recursion depth exceeded", exit 2. sm's message is JavaScript's; the hint says what it means.
  { name: 'a macro that recurses forever', dir: () => project({ 'macros/f.sql': '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}', 'models/b.sql': 'select {{ f(1) }} as x' }), argv: () => ['compile'], culprit: /macros\/f\.sql:1:\d+: .*Maximum call stack size exceeded \(in macro f\), called from models\/b\.sql:1\n\s+hint: A macro calls itself without end/ },
  // dbt 1.11.16 (recorded): "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).", exit 2. sm built the list first: 9 s and 2.6 GB, then "Invalid array length".
  { name: 'range() of a billion items', dir: () => project({ 'models/b.sql': 'select {% for i in range(1000000000) %}{% endfor %} 1 as x' }), argv: () => ['compile'], culprit: /models\/b\.sql:1:\d+: .*Range too big\. The sandbox blocks ranges larger than MAX_RANGE \(100000\)\./ },
  // dbt 1.11.16 (recorded): "no loader for this environment specified", exit 2. sm's hint spoke of missing end tags.
  { name: "{% include %} of another file", dir: () => project({ 'models/b.sql': "select 1 as x {% include 'shared.sql' %}" }), argv: () => ['compile'], culprit: /models\/b\.sql:1:\d+: .*\{% include %\} is not supported.*\n\s+hint: Put the shared SQL in a macro under macros\// },
  { name: 'a template whose output is too long', dir: () => project({ 'models/b.sql': "select '{{ '-' * 10 ** 10 }}' as x" }), argv: () => ['compile'], culprit: /models\/b\.sql:1:\d+: .*Invalid string length\n\s+hint: The rendered text grew past the longest string sm can hold/ },
  { name: 'an unknown flag', dir: () => project(), argv: () => ['build', '--no-such-flag'], culprit: '--no-such-flag' },
  { name: '--threads that is not a number', dir: () => project(), argv: () => ['run', '--threads', 'many'], culprit: '--threads' },
  { name: 'a bad --vars', dir: () => project(), argv: () => ['compile', '--vars', '{a: [}'], culprit: '--vars' },
];

describe('hostile inputs: one error path (exit 2, culprit named, no stack trace)', () => {
  it.each(cases)('$name', (c) => {
    const dir = c.dir();
    const r = sm(dir, c.argv(dir), c.env);
    const culprit = typeof c.culprit === 'function' ? c.culprit(dir) : c.culprit;
    if (process.env.SM_DUMP) console.log(`=== ${c.name} (exit ${r.code})\n${r.text.trim()}`);
    expect(r.text, r.text).not.toMatch(TRACE);
    if (typeof culprit === 'string') expect(r.text).toContain(culprit);
    else expect(r.text).toMatch(culprit);
    expect(r.code, r.text).toBe(2);
  });

  it('shows the stack trace with --debug, and only then', () => {
    const dir = project({ 'profiles.yml': null }, (d) => mkdirSync(join(d, 'profiles.yml')));
    const plain = sm(dir, ['compile']);
    const debug = sm(dir, ['compile', '--debug']);
    expect(plain.text).not.toMatch(TRACE);
    expect(debug.code).toBe(2);
    expect(debug.text).toMatch(/^\s+at /m);
  });
});

describe('folder links under models/', () => {
  it('a link back up the tree, to the folder itself and to a folder outside: compile and ls finish, each model once', () => {
    const outside = mkdtempSync(join(tmpdir(), 'sm-hostile-outside-'));
    roots.push(outside);
    writeFileSync(join(outside, 'elsewhere.sql'), 'select 2 as id\n');
    const dir = project({}, (d) => {
      symlinkSync('..', join(d, 'models', 'up'));
      symlinkSync('../models', join(d, 'models', 'again'));
      symlinkSync(outside, join(d, 'models', 'out'));
    });
    // Each command twice: cold, then warm (the warm start proves its inputs by walking the folders too).
    for (const argv of [['compile'], ['compile'], ['ls'], ['ls']]) {
      const r = sm(dir, argv);
      expect(r.code, r.text).toBe(0);
      expect(r.text).not.toMatch(TRACE);
    }
    const ls = sm(dir, ['ls']);
    expect(ls.text.match(/^hostile\.a$/gm)).toHaveLength(1);
  });
});

describe('an absolute target-path', () => {
  it('is that folder, as in dbt, not a folder of that name inside the project', () => {
    const out = mkdtempSync(join(tmpdir(), 'sm-hostile-target-'));
    roots.push(out);
    const dir = project({ 'sm_project.yml': `${PROJECT}target-path: ${join(out, 'build')}\n` });
    for (const argv of [['run'], ['compile']]) {
      const r = sm(dir, argv);
      expect(r.code, r.text).toBe(0);
    }
    expect(existsSync(join(out, 'build', 'manifest.json'))).toBe(true);
    expect(existsSync(join(out, 'build', 'run_results.json'))).toBe(true);
    expect(existsSync(join(dir, out))).toBe(false);
  });
});

describe('seeds with awkward headers', () => {
  it('a repeated column name loads as dbt loads it (id, id_2, id_3)', () => {
    const dir = project({ 'seeds/dup.csv': 'id,id,name,id\n1,2,a,3\n' });
    const r = sm(dir, ['seed']);
    expect(r.code, r.text).toBe(0);
    const shown = sm(dir, ['show', '--inline', 'select id, id_2, name, id_3 from dup']);
    expect(shown.code, shown.text).toBe(0);
    expect(shown.text).toMatch(/\|\s*1\s*\|\s*2\s*\|\s*a\s*\|\s*3\s*\|/);
  });

  it('names that differ only in case fail that seed, naming both columns and the line', () => {
    const dir = project({ 'seeds/clash.csv': 'ID,name,id\n1,a,2\n', 'seeds/fine.csv': 'x\n1\n' });
    const r = sm(dir, ['seed']);
    expect(r.text).not.toMatch(TRACE);
    expect(r.code, r.text).toBe(1);
    expect(r.text).toMatch(/seeds\/clash\.csv:1.*"ID" and "id"/);
    expect(r.text).toMatch(/SUCCESS\s+seed fine/);
  });
});

describe('model versions', () => {
  // dbt 1.11.16 (recorded): "[WARNING]: Did not find matching node for patch with name 'a_v2'", and parse goes on (exit 0); sm said nothing.
  it('a version no file defines is a warning naming the file it looked for', () => {
    const dir = project({ 'models/a.sql': null, 'models/a_v1.sql': 'select 1 as id', 'models/s.yml': 'models:\n  - name: a\n    versions:\n      - v: 1\n      - v: 2\n' });
    const r = sm(dir, ['parse']);
    expect(r.code, r.text).toBe(0);
    expect(r.text).toMatch(/warning SM_SCHEMA_YAML at models\/s\.yml:2:\d+: YAML declares version 2 of model "a", but no models\/\*\*\/a_v2\.sql defines it/);
    expect(r.text).not.toContain('version 1 of');
  });
});

describe('secrets on every output path', () => {
  it('sm show redacts a profile secret from a warehouse error, and env_var() secrets stay strings', () => {
    const secret = '0012345678';
    // A name that does not look secret: only the profile's `password:` field makes the value one.
    const dir = project({ 'profiles.yml': `${PROFILES}      password: "{{ env_var('HOSTILE_SHOW_VALUE') }}"\n` });
    const env = { HOSTILE_SHOW_VALUE: secret };
    const r = sm(dir, ['show', '--inline', "select cast('{{ env_var(\"HOSTILE_SHOW_VALUE\") }}x' as integer) as n"], env);
    // A show whose query fails exits 2, as dbt's does.
    expect(r.code, r.text).toBe(2);
    expect(r.text).toMatch(/integer|INT|convert/i);
    expect(r.text).not.toContain(secret);
    expect(r.text).toContain('****');
    // The value stays the string it was, leading zeros and all.
    const ok = sm(dir, ['show', '--inline', "select length('{{ env_var(\"HOSTILE_SHOW_VALUE\") }}') as n"], env);
    expect(ok.code, ok.text).toBe(0);
    expect(ok.text).toMatch(/\b10\b/);
    // Nor does run_results.json, whose args hold the inline query and whose result holds it rendered.
    const results = readFileSync(join(dir, 'target', 'run_results.json'), 'utf8');
    expect(results).toContain('inline_query');
    expect(results).not.toContain(secret);
  });

  it("what a template log()s of a profile secret is redacted in run's output, text and JSON", () => {
    const secret = 'Logged-7731';
    const dir = project({ 'profiles.yml': `${PROFILES}      password: "{{ env_var('HOSTILE_LOGGED_VALUE') }}"\n`, 'models/b.sql': "select 1 as id {{ log('pw ' ~ env_var('HOSTILE_LOGGED_VALUE'), info=true) }}" });
    for (const argv of [['run'], ['run', '--log-format', 'json']]) {
      const r = sm(dir, argv, { HOSTILE_LOGGED_VALUE: secret });
      expect(r.code, r.text).toBe(0);
      expect(r.text).not.toContain(secret);
      expect(r.text).toContain('pw ****');
    }
  });

  it('a password from --vars (or a DBT_ENV_SECRET_ variable) reaches no output, artifact or cache', () => {
    const secret = 'Vars-Secret-4417';
    const envSecret = 'env-secret-5521';
    const dir = project({
      'profiles.yml': `${PROFILES}      password: "{{ var('pw') }}"\n`,
      // A var is not secret to SQL, but its value is the profile's password: it must not leak from here either.
      'models/b.sql': "{{ config(materialized='table') }}\nselect cast('{{ var(\"pw\") }}' as integer) as n\n",
      'models/c.sql': "select '{{ var(\"pw\") }}' as p, '" + envSecret + "' as q\n",
    });
    const env = { DBT_ENV_SECRET_HOSTILE: envSecret };
    const vars = `{pw: ${secret}}`;
    const outputs = [
      sm(dir, ['build', '--vars', vars], env),
      sm(dir, ['run', '--vars', vars, '--log-format', 'json'], env),
      sm(dir, ['compile', '--vars', vars], env),
      sm(dir, ['show', '-s', 'b', '--vars', vars], env),
      sm(dir, ['debug', '--vars', vars], env),
    ];
    expect(outputs[0]!.code, outputs[0]!.text).toBe(1);
    expect(outputs[0]!.text).toMatch(/b\b/);
    for (const o of outputs) {
      expect(o.text).not.toContain(secret);
      expect(o.text).not.toContain(envSecret);
    }
    const leaks = spawnSync('grep', ['-rlF', '-e', secret, '-e', envSecret, join(dir, 'target'), '--exclude=*.duckdb', '--exclude=*.wal'], { encoding: 'utf8' });
    expect(leaks.stdout).toBe('');
    expect(leaks.status).toBe(1);
  });

  it('an unexpected error is redacted too', () => {
    const secret = 'hunter2-hostile';
    const dir = project({ 'profiles.yml': null }, (d) => mkdirSync(join(d, 'profiles.yml')));
    chmodSync(dir, 0o755);
    const r = sm(dir, ['compile', '--debug', '--vars', `{x: ${secret}}`], { HOSTILE_PASSWORD: secret });
    expect(r.text).not.toContain(secret);
  });
});
