import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

// dbt-core 1.11.16, `dbt build` on these files (6 Dec 2026): a data test whose template asks the
// warehouse has in manifest.json the SQL it ran, whether it passed or failed:
// t_fail '\nselect * from "dev"."main"."m" where id + 6 = 7', t_pass '\n... where id = 8'
// (the newline the set line leaves included). sm kept the compile's `= 0`.
describe('manifest.json after a build', () => {
  it("holds the SQL a data test ran when its template asked the warehouse (the Tuva Project's 528 such tests)", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: p\nversion: '1.0'\nprofile: p\n",
      'models/m.sql': 'select 1 as id\n',
      'tests/t_fail.sql': "{% set r = run_query('select 7 as n') %}\nselect * from {{ ref('m') }} where id + 6 = {{ r.columns[0].values()[0] if execute else 0 }}\n",
      'tests/t_pass.sql': "{% set r = run_query('select 8 as n') %}\nselect * from {{ ref('m') }} where id = {{ r.columns[0].values()[0] if execute else 0 }}\n",
    });
    const b = await sm('build', '--project-dir', dir, '--profiles-dir', dir);
    expect(b.code).toBe(1);
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_code: string }> };
    expect(m.nodes['test.p.t_fail']!.compiled_code).toBe('\nselect * from "dev"."main"."m" where id + 6 = 7');
    expect(m.nodes['test.p.t_pass']!.compiled_code).toBe('\nselect * from "dev"."main"."m" where id = 8');
  });
});
