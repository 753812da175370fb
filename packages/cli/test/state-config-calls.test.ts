import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: dev.duckdb, schema: main}\n    prod: {type: duckdb, path: prod.duckdb, schema: prod}\n';
const PROJECT = (flag: boolean) => `name: demo\nprofile: demo\nmodels:\n  demo:\n    +materialized: table\n${flag ? 'flags:\n  state_modified_compare_more_unrendered_values: true\n' : ''}`;

// dbt-core 1.11.16 on the same files (7 Dec 2026), `dbt parse` (target dev) and target/ copied to
// prev/: `dbt ls -s state:modified --state prev --target prod` lists demo.per_target (its config()
// call renders another materialization for prod); with `+materialized: ephemeral` in the project
// file instead of table, `ls -s state:modified` lists demo.plain alone (the others set it in
// config()). With flags: {state_modified_compare_more_unrendered_values: true}: nothing for
// --target prod, demo.plain for the project file's change. fivetran dbt_jira: a project-file
// materialized change listed two models whose config() sets it.
describe("state: compares what config() calls set over the project's config, as dbt", () => {
  for (const flag of [false, true]) {
    it(flag ? 'as written, with state_modified_compare_more_unrendered_values' : 'as rendered, by default', async () => {
      const dir = writeProject({
        'profiles.yml': PROFILE,
        'dbt_project.yml': PROJECT(flag),
        'models/per_target.sql': "{{ config(materialized=('table' if target.name == 'prod' else 'view')) }} select 1 as id",
        'models/fixed.sql': "{{ config(materialized='view') }} select 1 as id",
        'models/plain.sql': 'select 1 as id',
      });
      const ls = async (...args: string[]) => {
        const r = await sm('-q', 'ls', '-s', 'state:modified', '--state', join(dir, 'prev'), '--project-dir', dir, ...args);
        expect(r.code, r.err).toBe(0);
        return r.out.split('\n').filter(Boolean).sort();
      };
      expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
      rmSync(join(dir, 'prev'), { recursive: true, force: true });
      cpSync(join(dir, 'target'), join(dir, 'prev'), { recursive: true });
      expect(await ls('--target', 'prod')).toEqual(flag ? [] : ['demo.per_target']);
      const file = join(dir, 'dbt_project.yml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('+materialized: table', '+materialized: ephemeral'));
      expect(await ls()).toEqual(['demo.plain']);
    });
  }
});
