import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

const CHECK_REL = `{% macro check_rel(obj) %}
{%- if not (obj is mapping and obj.get('metadata', {}).get('type', '').endswith('Relation')) -%}
  {%- do exceptions.raise_compiler_error("expected a Relation but received the value: " ~ obj) -%}
{%- endif -%}
{% endmacro %}
`;

/**
 * fivetran's hubspot package: a model its own config() disables passes a disabled source to
 * dbt_utils.star, which checks that it got a relation (check_rel below is that check). Recorded
 * from dbt-core 1.11.16 + dbt-duckdb 1.11.1 on these files: `dbt run` exit 0 (1 model found, fine
 * OK), `dbt compile` exit 0; with an enabled model calling the same source, `dbt run` exit 2
 * ("Model 'model.demo.on' (models/on.sql) depends on a source named 's.t' which is disabled").
 */
describe('a disabled model reading a disabled source or a missing model', () => {
  it('is no error, even where a macro insists on a relation; an enabled one still is', async () => {
    const files = {
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
      'macros/check_rel.sql': CHECK_REL,
      'models/sources.yml': "sources:\n  - name: s\n    tables:\n      - name: t\n        config:\n          enabled: \"{{ var('turn_on', false) }}\"\n",
      'models/off.sql': "{{ config(enabled=var('turn_on', false)) }}{% do check_rel(source('s', 't')) %} select 1 as x\n",
      'models/fine.sql': 'select 1 as ok\n',
    };
    const dir = writeProject(files);
    const run = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toMatch(/fine/);
    expect(run.out).not.toMatch(/\boff\b/);
    expect((await sm('compile', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    const on = writeProject({ ...files, 'models/on.sql': "{% do check_rel(source('s', 't')) %} select 1 as x\n" });
    const r = await sm('run', '--project-dir', on, '--profiles-dir', on);
    expect(r.code).toBe(2);
    expect(r.out + r.err).toMatch(/"on" reads source\("s", "t"\), which is disabled/);
  });

  /**
   * The same for ref(): recorded from dbt 1.11.16 on these files, a model its config() disables
   * passing ref('gone') (no such model) or ref('nopkg', 'gone') to check_rel: `dbt seed`, `compile`,
   * `run`, `ls` all exit 0 (run: 1 model found, fine OK). Enabled, the same call is exit 2 ("Model
   * 'model.demo.on' (models/on.sql) depends on a node named 'gone' which was not found").
   */
  it.each([
    ['a model that does not exist', "ref('gone')"],
    ['a model of a package not installed', "ref('nopkg', 'gone')"],
  ])('a disabled model passing ref() of %s to a macro that insists on a relation is no error', async (_what, call) => {
    const files = {
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
      'macros/check_rel.sql': CHECK_REL,
      'models/off.sql': `{{ config(enabled=false) }}{% do check_rel(${call}) %} select 1 as x\n`,
      'models/fine.sql': 'select 1 as ok\n',
      'seeds/s1.csv': 'id\n1\n',
    };
    const dir = writeProject(files);
    for (const cmd of ['seed', 'compile', 'ls']) {
      const r = await sm(cmd, '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code, `${cmd}: ${r.out}${r.err}`).toBe(0);
    }
    const run = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toMatch(/fine/);
    expect(run.out).not.toMatch(/\boff\b/);
    const on = writeProject({ ...files, 'models/on.sql': `{% do check_rel(${call}) %} select 1 as x\n` });
    const r = await sm('run', '--project-dir', on, '--profiles-dir', on);
    expect(r.code).toBe(2);
    expect(r.out + r.err).toMatch(/Model "on" refers to "gone"/);
  });
});
