import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// sm builds its own materializations only. A project's `{% materialization %}` fails the model
// that uses it with the macro's file named, not as an "unknown" name; the others still build.
describe('a custom materialization', () => {
  it('fails its model naming the macro file; the rest of the run goes on', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'macros/mat.sql': "{% materialization my_table, default %}\n  {% call statement('main') %}create table {{ this }} as ({{ sql }}){% endcall %}\n  {{ return({'relations': [this]}) }}\n{% endmaterialization %}\n",
      'models/custom.sql': "{{ config(materialized='my_table') }}\nselect 42 as answer",
      'models/plain.sql': 'select 1 as id',
      'models/typo.sql': "{{ config(materialized='tabel') }}\nselect 1 as id",
    });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('custom (models/custom.sql) uses the custom materialization "my_table" (macros/mat.sql), and sm builds only its own');
    expect(r.out).toContain('Unknown materialization "tabel" on typo (models/typo.sql)');
    expect(r.out).toMatch(/SUCCESS view plain/);
  });
});
