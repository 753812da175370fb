import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

/**
 * A dict literal keyed by refs (Mattermost's int_daily_usage_per_user_full passes each key to
 * dbt_utils.get_filtered_columns_in_relation, which checks it is a Relation). dbt-core 1.11.16 +
 * dbt-duckdb 1.11.1 compiled model b below (6 Dec 2026) to `a|True|x|a|a|x`: iterating the dict,
 * keys() and items() give back the relations, and lookup by ref finds the value.
 */
describe('a dict keyed by relations', () => {
  it('gives back the relation objects as keys, as dbt does', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\n",
      'models/a.sql': 'select 1 as id\n',
      'models/b.sql':
        "{%- set m = {ref('a'): 'x'} -%}\n{%- for r, alias in m.items() %}{{ r.identifier }}|{{ r is mapping }}|{{ alias }}{% endfor -%}\n|{%- for r in m %}{{ r.identifier }}{% endfor -%}\n|{%- for r in m.keys() %}{{ r.identifier }}{% endfor %}|{{ m[ref('a')] }}\n",
    });
    const c = await sm('compile', '--project-dir', dir, '--profiles-dir', dir, '-s', 'b');
    expect(c.code, c.err).toBe(0);
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'b.sql'), 'utf8').trim()).toBe('a|True|x|a|a|x');
  });
});
