import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
const count = '(select count(*) from hook_log)';
const FILES = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': `name: demo
version: '1.0'
profile: demo
on-run-start:
  - "create table if not exists hook_log (who varchar, n integer)"
  - "insert into hook_log values ('root-start-1', ${count})"
on-run-end:
  - "insert into hook_log values ('root-end', ${count})"
`,
  'packages.yml': 'packages:\n  - local: pkgs/zeta\n  - local: pkgs/alpha\n',
  'pkgs/zeta/dbt_project.yml': `name: zeta
version: '1.0'
on-run-start:
  - "insert into hook_log values ('{{ zeta_who() }}', ${count})"
on-run-end: "insert into hook_log values ('zeta-end', ${count})"
`,
  'pkgs/zeta/macros/who.sql': '{% macro zeta_who() %}zeta-start-{{ project_name }}-{{ model.package_name }}{% endmacro %}\n',
  'pkgs/alpha/dbt_project.yml': `name: alpha\nversion: '1.0'\non-run-start: ["insert into hook_log values ('alpha-start', ${count})"]\n`,
  'models/m.sql': 'select 1 as x\n',
};

// dbt-core 1.11.16 + dbt-duckdb 1.11.1 on the same files, 6 Dec 2026: `dbt deps && dbt run` ran
// the root project's hooks first, then each package's, packages by name (alpha before zeta), and
// wrote the rows below; a package's hook renders in its package (its macros unqualified,
// `model.package_name` the package) with `project_name` the root's. run_results.json named them
// as below, each hook node's checksum the sha256 of its project file's stripped text, and
// `./dbt_project.yml` its original_file_path.
describe('on-run-start and on-run-end hooks of installed packages, as dbt 1.11 runs them', () => {
  it('runs the root project\'s hooks, then each package\'s by package name, in the package\'s context', async () => {
    const dir = writeProject(FILES);
    expect((await sm('deps', '--project-dir', dir)).code).toBe(0);
    const run = await sm('run', '--project-dir', dir);
    expect(run.code, run.out + run.err).toBe(0);
    // As the run left them (`show` writes its own, where the hooks did not run: numbered from 0 in their file).
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; message: string }[] }).results;
    const rows = shownRows((await sm('show', '--project-dir', dir, '--inline', 'select who, n from hook_log order by n', '--limit', '-1', '--log-format', 'json')).out);
    expect(rows).toEqual([
      { who: 'root-start-1', n: 0 },
      { who: 'alpha-start', n: 1 },
      { who: 'zeta-start-demo-zeta', n: 2 },
      { who: 'root-end', n: 3 },
      { who: 'zeta-end', n: 4 },
    ]);
    expect(results.map((r) => [r.unique_id, r.message])).toEqual([
      ['operation.demo.demo-on-run-start-0', 'demo.on-run-start.0 passed'],
      ['operation.demo.demo-on-run-start-1', 'demo.on-run-start.1 passed'],
      ['operation.alpha.alpha-on-run-start-0', 'alpha.on-run-start.2 passed'],
      ['operation.zeta.zeta-on-run-start-0', 'zeta.on-run-start.3 passed'],
      ['model.demo.m', 'CREATE VIEW'],
      ['operation.demo.demo-on-run-end-0', 'demo.on-run-end.0 passed'],
      ['operation.zeta.zeta-on-run-end-0', 'zeta.on-run-end.1 passed'],
    ]);
    const sha = (f: string) => createHash('sha256').update(readFileSync(join(dir, f), 'utf8').trim()).digest('hex');
    const hook = (id: string) => manifest.nodes[id]!;
    expect(hook('operation.demo.demo-on-run-end-0')).toMatchObject({ checksum: { name: 'sha256', checksum: sha('dbt_project.yml') }, original_file_path: './dbt_project.yml', package_name: 'demo', tags: ['on-run-end'], index: 1 });
    expect(hook('operation.zeta.zeta-on-run-start-0')).toMatchObject({ checksum: { checksum: sha('pkgs/zeta/dbt_project.yml') }, original_file_path: './dbt_project.yml', fqn: ['zeta', 'hooks', 'zeta-on-run-start-0'], index: 4 });
    expect(hook('operation.alpha.alpha-on-run-start-0').raw_code).toBe(`insert into hook_log values ('alpha-start', ${count})`);
    // dbt's keys of a hook node, in its order (dbt parse).
    expect(Object.keys(hook('operation.alpha.alpha-on-run-start-0'))).toEqual([
      'database', 'schema', 'name', 'resource_type', 'package_name', 'path', 'original_file_path', 'unique_id', 'fqn', 'alias', 'checksum', 'config', 'tags',
      'description', 'columns', 'meta', 'group', 'docs', 'patch_path', 'build_path', 'unrendered_config', 'created_at', 'relation_name', 'raw_code', 'doc_blocks',
      'language', 'refs', 'sources', 'metrics', 'functions', 'depends_on', 'compiled_path', 'contract', 'index',
    ]);
    expect(Object.keys(hook('operation.alpha.alpha-on-run-start-0').config as object)).toEqual([
      'enabled', 'alias', 'schema', 'database', 'tags', 'meta', 'group', 'static_analysis', 'materialized', 'incremental_strategy', 'batch_size', 'lookback', 'begin',
      'persist_docs', 'post-hook', 'pre-hook', 'quoting', 'column_types', 'full_refresh', 'unique_key', 'on_schema_change', 'on_configuration_change', 'grants',
      'packages', 'docs', 'contract', 'event_time', 'concurrent_batches',
    ]);
    // The JSON log's hook lines carry the node's checksum, as dbt's node_info does.
    const log = (await sm('run', '--project-dir', dir, '--log-format', 'json')).out.split('\n').map((l) => JSON.parse(l) as { info: { name: string }; data: { statement?: string; node_info?: { node_checksum: string } } });
    const starts = log.filter((l) => l.info.name === 'LogHookStartLine');
    expect(starts.map((l) => l.data.statement)).toEqual(['demo.on-run-start.0', 'demo.on-run-start.1', 'alpha.on-run-start.2', 'zeta.on-run-start.3', 'demo.on-run-end.0', 'zeta.on-run-end.1']);
    expect(starts[3]!.data.node_info!.node_checksum).toBe(sha('pkgs/zeta/dbt_project.yml'));
  });
});
