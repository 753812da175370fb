import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// What dbt-core 1.11.16 printed for `dbt compile -s ...` on the same models (5 Dec 2026): the
// SQL of each selected node whose name is part of the first --select value, after
// "Compiled node '<name>' is:"; with -q the SQL alone. dbt's SQL names the database
// ("demo"."main"."a"), as dbt-duckdb (and sm on DuckDB) writes every relation.
describe('sm compile -s prints the selected SQL as dbt compile does', () => {
  const files = {
    'profiles.yml': PROFILE,
    'models/a.sql': 'select 1 as id',
    'models/b.sql': "select * from {{ ref('a') }}",
    'models/b.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
  };

  it('the node the selection names, headed; alone with -q; only the first --select value counts', async () => {
    const dir = writeProject(files);
    const b = await sm('compile', '--project-dir', dir, '-s', 'b');
    expect(b.code).toBe(0);
    expect(b.out).toContain(`Compiled node 'b' is:\nselect * from "demo"."main"."a"`);
    expect(b.out).not.toContain('not_null_b_id');
    expect((await sm('compile', '--project-dir', dir, '-s', 'b', '-q')).out).toBe('select * from "demo"."main"."a"');
    expect((await sm('compile', '--project-dir', dir, '-s', 'b+', '-q')).out).toBe('select * from "demo"."main"."a"');
    const two = await sm('compile', '--project-dir', dir, '-s', 'a', 'b');
    expect(two.out).toContain(`Compiled node 'a' is:\nselect 1 as id`);
    expect(two.out).not.toContain("Compiled node 'b'");
    const all = await sm('compile', '--project-dir', dir);
    expect(all.code).toBe(0);
    expect(all.out).not.toContain('Compiled node');
    expect(all.out).toContain('Compiled 3 nodes (2 models)');
  });

  // dbt 1.11.16, 8 Dec 2026: `dbt -q compile` (no node shown) and `dbt -q parse` print nothing, exit 0.
  it('-q prints nothing when no node is shown, for compile and parse', async () => {
    const dir = writeProject(files);
    const all = await sm('-q', 'compile', '--project-dir', dir);
    expect(all.code).toBe(0);
    expect(all.out.trim()).toBe('');
    const parsed = await sm('parse', '--project-dir', dir, '-q');
    expect(parsed.code).toBe(0);
    expect(parsed.out.trim()).toBe('');
    expect((await sm('parse', '--project-dir', dir)).out).toContain('Parsed demo');
  });
});
