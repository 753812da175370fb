import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

// Recorded from dbt 1.11.16 (dbt-duckdb 1.11.1), 7 Dec 2026, `dbt ls` on the same files: every non-boolean
// `enabled` below is "Parsing Error at path ['enabled']: 'false' is not of type 'boolean'" (0, None, 'False' alike), exit 2.
// fivetran/dbt_github's models read `enabled=var('github__using_repo_team', True)`: `--vars "{github__using_repo_team: 'false'}"` stops dbt.
describe('an `enabled` config that is not true or false', () => {
  it('is a project error naming the node, however it was set; true and false, rendered or written, are fine', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': "{{ config(enabled=var('x', true)) }}select 1 as id", 'models/b.sql': 'select 2 as id' });
    const ls = (...extra: string[]) => sm('-q', 'ls', '--project-dir', dir, ...extra);
    for (const [vars, shown] of [["{x: 'false'}", 'the text "false"'], ['{x: 0}', '0'], ['{x: null}', 'null']] as const) {
      const r = await ls('--vars', vars);
      expect([vars, r.code]).toEqual([vars, 2]);
      expect(r.err + r.out).toContain(`model "a": \`enabled\` must be true or false, not ${shown}`);
    }
    expect((await ls('--vars', '{x: false}')).out.trim()).toBe('demo.b');
    writeFileSync(join(dir, 'models/s.yml'), 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        data_tests:\n          - not_null:\n              config:\n                enabled: \'false\'\n');
    const t = await ls();
    expect(t.code).toBe(2);
    expect(t.err + t.out).toContain('test "not_null_b_id": `enabled` must be true or false, not the text "false"');
    writeFileSync(join(dir, 'models/s.yml'), "version: 2\nmodels:\n  - name: b\n    config:\n      enabled: \"{{ target.type == 'spark' }}\"\n");
    const ok = await ls();
    expect([ok.code, ok.out.trim()]).toEqual([0, 'demo.a']);
  });
});

// Recorded from dbt 1.11.16 (dbt-duckdb 1.11.1), 7 Dec 2026, `dbt parse`: `{{ config(materialized=none) }}`,
// `config(materialized=42)` and dbt_project.yml's `models: {demo: {+materialized: null}}` are each
// "Parsing Error at path ['materialized']: None is not of type 'string'" (42 alike), exit 2.
// sm parsed them and failed the model at build: 'Unknown materialization "null"'.
describe('a `materialized` config that is not a name', () => {
  it('is a project error naming the node and its file, from config() or dbt_project.yml', async () => {
    for (const [files, shown] of [
      [{ 'models/a.sql': '{{ config(materialized=none) }}\nselect 1 as id' }, 'none (null)'],
      [{ 'models/a.sql': '{{ config(materialized=42) }}\nselect 1 as id' }, '42'],
      [{ 'models/a.sql': 'select 1 as id', 'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nmodels:\n  demo:\n    +materialized: null\n" }, 'none (null)'],
    ] as const) {
      const dir = writeProject({ 'profiles.yml': PROFILE, ...files });
      const r = await sm('build', '--project-dir', dir);
      expect(r.code).toBe(2);
      expect(r.err + r.out).toContain(`models/a.sql: model "a": \`materialized\` must be a name such as 'table' or 'view', not ${shown}`);
      expect(r.err + r.out).toContain('nothing was run');
    }
  });
});
