import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
const SHOW = "{% macro show_this() %}{{ log('this=' ~ this ~ ' model=' ~ model.name ~ ' uid=' ~ model.unique_id ~ ' type=' ~ model.resource_type, info=True) }}{% endmacro %}\n";
type Entry = Record<string, any>;

// Every expected value was recorded from dbt-core 1.11.16 with dbt-duckdb 1.11.1 on the same
// files, 6 Dec 2026 (dbt's `this` of --inline names the database: "dev"."main"."inline_query").
describe('`this` and `model` outside a node, and the database each artifact entry names, as in dbt 1.11', () => {
  it('renders a project hook as its operation node, run-operation as its macro and --inline as inline_query', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': "name: demo\nprofile: demo\nconfig-version: 2\non-run-start: ['{{ show_this() }}']\n",
      'macros/show_this.sql': SHOW,
      'models/a.sql': 'select 1 as id',
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: main\n    tables: [{name: a}]\n',
    });
    const run = await sm('run', '--project-dir', dir);
    expect(run.code, run.err).toBe(0);
    expect(run.out + run.err).toContain('this=None model=demo-on-run-start-0 uid=operation.demo.demo-on-run-start-0 type=operation');
    const op = await sm('run-operation', 'show_this', '--project-dir', dir);
    expect(op.code, op.err).toBe(0);
    expect(op.out + op.err).toContain('this= model=show_this uid=macro.demo.show_this type=macro');
    const inline = await sm('compile', '--project-dir', dir, '-q', '--inline', "select '{{ this }}' as t, '{{ model.name }}' as m, '{{ model.unique_id }}' as u, '{{ model.resource_type }}' as r");
    expect(inline.code, inline.err).toBe(0);
    expect(inline.out.trim()).toBe(`select '"dev"."main"."inline_query"' as t, 'inline_query' as m, 'sql_operation.demo.inline_query' as u, 'sql_operation' as r`);
    // The entries name the target's database (dbt-duckdb: the file's name) though relation names leave it out.
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as Entry;
    expect(m.nodes['model.demo.a']).toMatchObject({ database: 'dev', schema: 'main', relation_name: '"dev"."main"."a"' });
    expect(m.nodes['operation.demo.demo-on-run-start-0'].database).toBe('dev');
    expect(m.sources['source.demo.raw.a'].database).toBe('dev');
    expect((await sm('docs', 'generate', '--project-dir', dir)).code).toBe(0);
    const cat = JSON.parse(readFileSync(join(dir, 'target', 'catalog.json'), 'utf8')) as Entry;
    expect(cat.nodes['model.demo.a'].metadata).toMatchObject({ database: 'dev', schema: 'main', name: 'a' });
  });
});
