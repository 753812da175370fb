import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'hp:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

// Recorded from `dbt compile` and `dbt docs generate` (dbt-core 1.11.16, dbt-duckdb 1.11.1, one
// thread) on the same files, 7 Dec 2026: results in the order dbt's queue hands the nodes on, by
// depth then id as each becomes ready (from_src, of a source only, before the seed; e2, two deep
// through an ephemeral, between t and t's tests).
const DBT_ORDER = [
  'model.hp.from_src', 'seed.hp.raw', 'model.hp.inc', 'model.hp.v', 'snapshot.hp.snap', 'model.hp.t', 'model.hp.e2',
  'test.hp.not_null_t_id.a3af787eb8', 'test.hp.sing', 'test.hp.unique_t_id.8ad39b758b',
];

describe("compile's run_results.json order, as dbt 1.11's", () => {
  it('lists the compiled nodes in the order of dbt’s queue for compile and docs generate', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: hp\nversion: '1.0'\nprofile: hp\n",
      'seeds/raw.csv': 'id,name,updated_at\n1,a,2024-01-01 00:00:00\n',
      'models/v.sql': "{{ config(materialized='view') }}\nselect * from {{ ref('raw') }}\n",
      'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect id, name from {{ ref('v') }}\n",
      'models/t.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('v') }}\n",
      'models/e2.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('eph') }}\n",
      'models/inc.sql': "{{ config(materialized='incremental', unique_key='id') }}\nselect * from {{ ref('raw') }}\n",
      'models/from_src.sql': "select * from {{ source('src', 'raw') }}\n",
      'models/schema.yml': 'sources:\n  - name: src\n    schema: main\n    tables: [{name: raw}]\nmodels:\n  - name: t\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
      'tests/sing.sql': "select * from {{ ref('t') }} where id > 1\n",
      'snapshots/snap.yml': "snapshots:\n  - name: snap\n    relation: ref('raw')\n    config: {unique_key: id, strategy: timestamp, updated_at: updated_at}\n",
    });
    for (const command of [['compile'], ['docs', 'generate']]) {
      const r = await sm(...command, '--project-dir', dir);
      expect(r.code, r.err).toBe(0);
      const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string }[] };
      expect(rr.results.map((x) => x.unique_id), command.join(' ')).toEqual(DBT_ORDER);
    }
  });
});
