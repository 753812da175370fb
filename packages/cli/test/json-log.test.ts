import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

type Line = Record<string, any>;

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
const FILES = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
  'seeds/s.csv': 'id,name\n1,a\n2,b\n',
  'models/ok.sql': "{{ log('ok says', info=True) }}select * from {{ ref('s') }}\n",
  'models/bad.sql': 'select * from nope_missing_table\n',
  'models/child.sql': "select * from {{ ref('bad') }}\n",
  'models/schema.yml': `version: 2
models:
  - name: ok
    columns:
      - name: id
        data_tests:
          - accepted_values: {arguments: {values: [1]}}
          - not_null
      - name: name
        data_tests:
          - accepted_values: {arguments: {values: ['a']}, config: {severity: warn}}
`,
  'snapshots/snap.sql': "{% snapshot snap %}\n{{ config(target_schema='snaps', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('s') }}\n{% endsnapshot %}\n",
};

// Recorded from `dbt build --log-format json` with dbt-core 1.11.16 and dbt-duckdb 1.11.1 on the
// same files, 6 Dec 2026: the keys of each event's `data` and of `info` and `node_info`, and for
// each node its start and result events with their level, node_status and data.status.
const DATA_KEYS: Record<string, string[]> = {
  LogStartLine: ['description', 'index', 'node_info', 'total'],
  LogModelResult: ['description', 'execution_time', 'index', 'node_info', 'status', 'total'],
  LogSeedResult: ['execution_time', 'index', 'node_info', 'relation', 'result_message', 'schema', 'status', 'total'],
  SkippingDetails: ['index', 'node_info', 'node_name', 'resource_type', 'schema', 'total'],
  LogSnapshotResult: ['cfg', 'description', 'execution_time', 'index', 'node_info', 'result_message', 'status', 'total'],
  LogTestResult: ['attached_node', 'execution_time', 'index', 'name', 'node_info', 'num_failures', 'num_models', 'status'],
  RunResultFailure: ['node_info', 'node_name', 'path', 'resource_type'],
  RunResultError: ['msg', 'node_info'],
  SQLCompiledPath: ['node_info', 'path'],
  RunResultWarning: ['node_info', 'node_name', 'path', 'resource_type'],
  RunResultWarningMessage: ['msg', 'node_info'],
  StatsLine: ['stats'],
  ConcurrencyLine: ['node_count', 'num_threads', 'target_name'],
  JinjaLogInfo: ['msg', 'node_info'],
};
const INFO_KEYS = ['category', 'code', 'extra', 'invocation_id', 'level', 'msg', 'name', 'pid', 'thread', 'ts'];
const NODE_INFO_KEYS = ['materialized', 'meta', 'node_checksum', 'node_finished_at', 'node_name', 'node_path', 'node_relation', 'node_started_at', 'node_status', 'resource_type', 'unique_id'];
const NODES: Record<string, [string, string, string, string | undefined][]> = {
  'model.demo.bad': [['LogStartLine', 'info', 'started', undefined], ['LogModelResult', 'error', 'error', 'error']],
  'seed.demo.s': [['LogStartLine', 'info', 'started', undefined], ['LogSeedResult', 'info', 'success', 'success']],
  'model.demo.child': [['SkippingDetails', 'info', 'skipped', undefined]],
  'model.demo.ok': [['LogStartLine', 'info', 'started', undefined], ['JinjaLogInfo', 'info', 'started', undefined], ['LogModelResult', 'info', 'success', 'OK']],
  'snapshot.demo.snap': [['LogStartLine', 'info', 'started', undefined], ['LogSnapshotResult', 'info', 'success', 'success']],
  'test.demo.accepted_values_ok_id__1.b4d153f798': [['LogStartLine', 'info', 'started', undefined], ['LogTestResult', 'error', 'fail', 'fail']],
  'test.demo.accepted_values_ok_name__a.4788ed7ae4': [['LogStartLine', 'info', 'started', undefined], ['LogTestResult', 'warn', 'warn', 'warn']],
  'test.demo.not_null_ok_id.054f18ea36': [['LogStartLine', 'info', 'started', undefined], ['LogTestResult', 'info', 'pass', 'pass']],
};

describe('--log-format json carries dbt 1.11 structured log beside sm\'s own fields', () => {
  it('gives each node dbt\'s start and result events with node_info, the failures after the run and the stats line, under the run\'s invocation id', async () => {
    const dir = writeProject(FILES);
    const r = await sm('build', '--project-dir', dir, '--log-format', 'json');
    expect(r.code, r.err).toBe(1);
    const lines = r.out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Line);
    const invocation = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as Line).metadata.invocation_id;
    for (const l of lines) {
      expect(Object.keys(l.info).sort()).toEqual(INFO_KEYS);
      expect(l.info).toMatchObject({ invocation_id: invocation, pid: process.pid, category: '', extra: {} });
      expect(l.info.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      if (DATA_KEYS[l.info.name]) expect(Object.keys(l.data).sort(), l.info.name).toEqual(DATA_KEYS[l.info.name]);
      if (l.data.node_info) expect(Object.keys(l.data.node_info).sort()).toEqual(NODE_INFO_KEYS);
      // sm's own fields stay.
      expect(typeof l.event).toBe('string');
    }
    const byNode: Record<string, [string, string, string, string | undefined][]> = {};
    for (const l of lines) {
      if (!['LogStartLine', 'LogModelResult', 'LogSeedResult', 'LogSnapshotResult', 'LogTestResult', 'SkippingDetails', 'JinjaLogInfo'].includes(l.info.name)) continue;
      (byNode[l.data.node_info.unique_id] ??= []).push([l.info.name, l.info.level, l.data.node_info.node_status, l.data.status]);
    }
    expect(byNode).toEqual(NODES);
    // dbt numbers each node once, as it starts or is skipped: 1..8, start and result alike.
    const indexOf: Record<string, number[]> = {};
    for (const l of lines) if (DATA_KEYS[l.info.name] && 'index' in l.data) (indexOf[l.data.node_info.unique_id] ??= []).push(l.data.index);
    expect(Object.values(indexOf).map((xs) => new Set(xs).size)).toEqual(Object.values(indexOf).map(() => 1));
    expect(Object.values(indexOf).map((xs) => xs[0]).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const result = (name: string, id: string) => lines.find((l) => l.info.name === name && l.data.node_info?.unique_id === id)!;
    const ok = result('LogModelResult', 'model.demo.ok');
    expect(ok.data.node_info).toMatchObject({ materialized: 'view', node_name: 'ok', node_path: 'ok.sql', resource_type: 'model', node_relation: { alias: 'ok', database: 'dev', schema: 'main' } });
    expect(ok.data.node_info.node_started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(ok.data.node_info.node_finished_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(ok.data.node_info.node_checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(ok.info.thread).toBe('Thread-1 (worker)');
    // Recorded from dbt build --log-format json (dbt-core 1.11.16, dbt-duckdb 1.11.1), 7 Dec 2026: a node's
    // start, its template's log() and its result are logged by the worker thread; the run's lines and
    // the failures repeated after it by MainThread. node_info names the relation with its database.
    const NODE_EVENTS = ['LogStartLine', 'LogModelResult', 'LogSeedResult', 'LogSnapshotResult', 'LogTestResult', 'SkippingDetails', 'JinjaLogInfo'];
    const threads = [...new Set(lines.filter((l) => DATA_KEYS[l.info.name]).map((l) => `${l.info.name} ${l.info.thread}`))].sort();
    expect(threads).toEqual([
      ...['ConcurrencyLine', 'RunResultError', 'RunResultFailure', 'RunResultWarning', 'RunResultWarningMessage', 'SQLCompiledPath', 'StatsLine'].map((n) => `${n} MainThread`),
      ...NODE_EVENTS.map((n) => `${n} Thread-1 (worker)`),
    ].sort());
    expect(result('LogStartLine', 'model.demo.ok').data.node_info.node_relation.relation_name).toBe('"dev"."main"."ok"');
    expect(ok.data.node_info.node_relation.relation_name).toBe('"dev"."main"."ok"');
    expect(result('LogSeedResult', 'seed.demo.s').data.node_info.node_relation.relation_name).toBe('"dev"."main"."s"');
    expect(result('LogSnapshotResult', 'snapshot.demo.snap').data.node_info.node_relation.relation_name).toBe('"dev"."snaps"."snap"');
    expect(result('LogTestResult', 'test.demo.accepted_values_ok_id__1.b4d153f798').data).toMatchObject({ attached_node: 'model.demo.ok', num_failures: 1, name: 'accepted_values_ok_id__1' });
    expect(result('LogTestResult', 'test.demo.accepted_values_ok_id__1.b4d153f798').data.node_info.node_path).toBe('accepted_values_ok_id__1.sql');
    expect(result('LogSnapshotResult', 'snapshot.demo.snap').data.node_info.node_path).toBe('snap.sql');
    // dbt's cfg: the snapshot's config without nulls, each value as Python's str(), keys sorted (recorded from dbt snapshot on the same config).
    expect(result('LogSnapshotResult', 'snapshot.demo.snap').data.cfg).toEqual({
      check_cols: 'all', column_types: '{}', contract: "{'enforced': False, 'alias_types': True}", docs: "{'show': True}", enabled: 'True', grants: '{}', lookback: '1',
      materialized: 'snapshot', meta: '{}', on_configuration_change: 'apply', on_schema_change: 'ignore', packages: '[]', persist_docs: '{}', 'post-hook': '[]', 'pre-hook': '[]',
      quoting: '{}', snapshot_meta_column_names: '{}', strategy: 'check', tags: '[]', target_schema: 'snaps', unique_key: 'id',
    });
    expect(result('LogSeedResult', 'seed.demo.s').data).toMatchObject({ relation: 's', schema: 'main', result_message: 'INSERT 2' });
    expect(result('SkippingDetails', 'model.demo.child').data).toMatchObject({ node_name: 'child', resource_type: 'model', schema: 'main' });
    // After the run, as dbt ends it: each failure and warning again, then the stats.
    const after = lines.filter((l) => ['RunResultFailure', 'RunResultError', 'RunResultWarning', 'RunResultWarningMessage', 'SQLCompiledPath'].includes(l.info.name)).map((l) => [l.info.name, l.data.node_info.unique_id, l.data.path ?? l.data.msg.split('\n')[0]]);
    expect(after).toEqual(expect.arrayContaining([
      ['RunResultFailure', 'model.demo.bad', 'models/bad.sql'],
      ['SQLCompiledPath', 'model.demo.bad', 'target/compiled/demo/models/bad.sql'],
      ['RunResultFailure', 'test.demo.accepted_values_ok_id__1.b4d153f798', 'models/schema.yml'],
      ['RunResultError', 'test.demo.accepted_values_ok_id__1.b4d153f798', 'Got 1 result, configured to fail if != 0'],
      ['RunResultWarning', 'test.demo.accepted_values_ok_name__a.4788ed7ae4', 'models/schema.yml'],
      ['RunResultWarningMessage', 'test.demo.accepted_values_ok_name__a.4788ed7ae4', 'Got 1 result, configured to warn if != 0'],
    ]));
    expect(after).toHaveLength(9);
    const stats = lines.find((l) => l.info.name === 'StatsLine')!;
    expect(stats.data.stats).toEqual({ error: 2, noop: 0, pass: 4, skip: 1, total: 8, warn: 1 });
    expect(stats.info.msg).toBe('Done. PASS=4 WARN=1 ERROR=2 SKIP=1 NO-OP=0 TOTAL=8');
    expect(lines.find((l) => l.info.name === 'ConcurrencyLine')!.data).toEqual({ node_count: 8, num_threads: 1, target_name: 'dev' });
    expect(lines.find((l) => l.info.name === 'JinjaLogInfo')!.data.msg).toBe('ok says');
  });

  it('logs sm source freshness as dbt does: LogFreshnessResult with freshness\'s status, the stale source after, then FreshnessCheckComplete', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nmodels: {demo: {+materialized: table}}\n",
      'models/ev.sql': "select now()::timestamp - interval 3 hour as ts\n",
      'models/old.sql': "select now()::timestamp - interval 3 day as ts\n",
      'models/src.yml': `version: 2
sources:
  - name: raw
    schema: main
    loaded_at_field: ts
    freshness: {warn_after: {count: 1, period: hour}, error_after: {count: 1000, period: day}}
    tables:
      - name: ev
      - name: old
        freshness: {error_after: {count: 1, period: hour}}
`,
    });
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const r = await sm('source', 'freshness', '--project-dir', dir, '--log-format', 'json');
    expect(r.code, r.err).toBe(1);
    const lines = r.out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Line);
    // Recorded from dbt-core 1.11.16 (dbt-duckdb 1.11.1) on the same sources, 6 Dec 2026.
    const seen = lines.filter((l) => l.data.node_info || l.info.name === 'FreshnessCheckComplete').map((l) => {
      const { node_info, execution_time: _t, ...data } = l.data;
      return [l.info.name, l.info.code, l.info.level, data, node_info ? [node_info.node_status, node_info.materialized, node_info.node_path, node_info.node_relation.alias, node_info.node_relation.schema] : null];
    });
    expect(seen).toEqual([
      ['LogStartLine', 'Q011', 'info', { description: 'freshness of raw.ev', index: 1, total: 2 }, ['started', '', 'models/src.yml', '', 'main']],
      ['LogFreshnessResult', 'Q018', 'warn', { index: 1, source_name: 'raw', status: 'warn', table_name: 'ev', total: 2 }, ['warn', '', 'models/src.yml', '', 'main']],
      ['LogStartLine', 'Q011', 'info', { description: 'freshness of raw.old', index: 2, total: 2 }, ['started', '', 'models/src.yml', '', 'main']],
      ['LogFreshnessResult', 'Q018', 'error', { index: 2, source_name: 'raw', status: 'error', table_name: 'old', total: 2 }, ['error', '', 'models/src.yml', '', 'main']],
      ['RunResultFailure', 'Z022', 'error', { node_name: 'old', path: 'models/src.yml', resource_type: 'source' }, ['error', '', 'models/src.yml', '', 'main']],
      ['RunResultErrorNoMessage', 'Z025', 'error', { status: 'error' }, ['error', '', 'models/src.yml', '', 'main']],
      ['FreshnessCheckComplete', 'Q003', 'info', {}, null],
    ]);
  });

  it('logs project hooks as dbt does: LogHookStartLine and LogHookEndLine with the operation node', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\non-run-start: ['select 1']\non-run-end: [\"{{ log('end says', info=True) }}select 2\"]\n",
      'models/a.sql': 'select 1 as x\n',
      'macros/hello.sql': "{% macro hello() %}{{ log('macro says', info=True) }}{% endmacro %}\n",
    });
    const r = await sm('run', '--project-dir', dir, '--log-format', 'json');
    expect(r.code, r.err).toBe(0);
    const hooks = r.out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Line).filter((l) => l.info.name.startsWith('LogHook'));
    // As dbt 1.11 logged the same project (data keys, statement, index, node_info's path, relation and status).
    expect(hooks.map((l) => [l.info.name, l.info.code, Object.keys(l.data).sort(), l.data.statement, l.data.index, l.data.node_info.node_status])).toEqual([
      ['LogHookStartLine', 'Q032', ['index', 'node_info', 'statement', 'total'], 'demo.on-run-start.0', 1, 'started'],
      ['LogHookEndLine', 'Q033', ['execution_time', 'index', 'node_info', 'statement', 'status', 'total'], 'demo.on-run-start.0', 1, 'success'],
      ['LogHookStartLine', 'Q032', ['index', 'node_info', 'statement', 'total'], 'demo.on-run-end.0', 1, 'started'],
      ['LogHookEndLine', 'Q033', ['execution_time', 'index', 'node_info', 'statement', 'status', 'total'], 'demo.on-run-end.0', 1, 'success'],
    ]);
    expect(hooks[1]!.data.node_info).toMatchObject({
      materialized: 'view', node_name: 'demo-on-run-start-0', node_path: 'hooks/demo-on-run-start-0.sql', resource_type: 'operation', unique_id: 'operation.demo.demo-on-run-start-0',
      node_relation: { alias: 'demo-on-run-start-0', database: 'dev', relation_name: '', schema: 'main' },
    });
    expect(hooks[1]!.data.status).toBe('success');
    // What a hook's or an operation's template says is a template's message, as a model's is.
    const said = r.out.split('\n').filter((l) => l.includes('end says')).map((l) => JSON.parse(l) as Line);
    expect(said.map((l) => [l.info.name, l.info.code, l.data.node_info?.unique_id])).toEqual([['JinjaLogInfo', 'I062', 'operation.demo.demo-on-run-end-0']]);
    const op = await sm('run-operation', 'hello', '--project-dir', dir, '--log-format', 'json');
    expect(op.code, op.err).toBe(0);
    const opSaid = op.out.split('\n').filter((l) => l.includes('macro says')).map((l) => JSON.parse(l) as Line);
    expect(opSaid.map((l) => [l.info.name, l.data.msg])).toEqual([['JinjaLogInfo', 'macro says']]);
  });

  // dbt 1.11.16 on the same files (`dbt run -s nothing_here --log-format json`, 6 Dec 2026):
  // NoNodeForYamlKey with {file_path, patch_name, yaml_key}, NoNodesForSelectionCriteria with
  // {spec_raw}, then NothingToDo (warn, data {}) and no StatsLine.
  it('logs the warnings sm shares with dbt with dbt\'s data, and an empty selection as NothingToDo', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n", 'models/a.sql': 'select 1 as x\n', 'models/ghost.yml': 'models:\n  - name: ghost\n' });
    const r = await sm('run', '--project-dir', dir, '-s', 'nothing_here', '--log-format', 'json');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n').map((l) => JSON.parse(l) as Line);
    const named = (n: string) => lines.find((l) => l.info.name === n);
    expect(named('NoNodeForYamlKey')).toMatchObject({ data: { file_path: 'models/ghost.yml', patch_name: 'ghost', yaml_key: 'models' }, info: { code: 'I058', level: 'warn' } });
    expect(named('NoNodesForSelectionCriteria')).toMatchObject({ data: { spec_raw: 'nothing_here' }, info: { code: 'M030', level: 'warn', msg: "The selection criterion 'nothing_here' does not match any enabled nodes" } });
    expect(named('NothingToDo')).toMatchObject({ data: {}, info: { code: 'Q035', level: 'warn', msg: 'Nothing to do. Try checking your model configs and model specification args' } });
    expect(Object.keys(named('NoNodeForYamlKey')!.data).sort()).toEqual(['file_path', 'patch_name', 'yaml_key']);
    expect(named('StatsLine')).toBeUndefined();
  });
});
