import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

// dbt-core 1.11.16 on the same files (6 Dec 2026): when a node runs, dbt compiles each ephemeral
// it inlines with execute true, so an ephemeral that asks the warehouse (here its parent's
// columns) is rendered with the answer, and writes its compiled SQL. `dbt build` PASS=2, top has
// id, x_extra, x_more, and target/compiled/demo/models/eph.sql selects them, as does the CTE of
// eph in eph2.sql, an ephemeral inlining it (PASS=3 with top2).
describe('an ephemeral model that asks the warehouse', () => {
  it('is rendered with the answer in the node that inlines it, as dbt compiles it', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/src.sql': "{{ config(materialized='table') }} select 1 as id, 'e' as x_extra, 'f' as x_more",
      'models/eph.sql': [
        "{{ config(materialized='ephemeral') }}",
        '{% set extra = [] %}',
        "{% if execute %}{% for c in adapter.get_columns_in_relation(ref('src')) %}{% if c.name.startswith('x_') %}{% do extra.append(c.name) %}{% endif %}{% endfor %}{% endif %}",
        "select id{% for c in extra %}, {{ c }}{% endfor %} from {{ ref('src') }}",
      ].join('\n'),
      'models/top.sql': "{{ config(materialized='table') }} select * from {{ ref('eph') }}",
      // An ephemeral that inlines it is written with its answer too.
      'models/eph2.sql': "{{ config(materialized='ephemeral') }} select * from {{ ref('eph') }}",
      'models/top2.sql': "{{ config(materialized='table') }} select * from {{ ref('eph2') }}",
    });
    const b = await sm('build', '--project-dir', dir);
    expect(b.code, b.err).toBe(0);
    const r = await sm('show', '--inline', "select * from {{ ref('top') }}", '--log-format', 'json', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(shownRows(r.out)).toEqual([{ id: 1, x_extra: 'e', x_more: 'f' }]);
    // dbt writes the ephemeral's compiled SQL, as rendered for the node that inlines it: select id, x_extra, x_more from ...
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'eph.sql'), 'utf8')).toMatch(/select id, x_extra, x_more from "demo"."main"."src"/);
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'eph2.sql'), 'utf8')).toMatch(/select id, x_extra, x_more from "demo"."main"."src"/);
  });
});
