import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';
const PY = 'def model(dbt, session):\n    dbt.config(materialized="table")\n    return dbt.ref("a").df()\n';

// dbt-duckdb runs Python models; sm does not run Python. Before, a models/*.py file was skipped
// without a word and a ref() to it said "not a model". Now the file is named, and so is what to do.
describe('a dbt Python model in the project', () => {
  it('is named in a warning; the SQL models build; its YAML is not an orphan', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', 'models/py/b.py': PY, 'models/s.yml': 'models:\n  - name: b\n    columns:\n      - name: id\n        data_tests: [not_null]\n' });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out + r.err).toContain('models/py/b.py is a Python model, and sm builds SQL models only');
    expect(r.out + r.err).not.toContain('YAML documents model "b"');
    expect(r.out).toContain('OK=1');
  });

  it('a ref() to it is an error that names the Python file', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', 'models/b.py': PY, 'models/c.sql': "select * from {{ ref('b') }}" });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('models/b.py is a Python model, which sm does not build: rewrite it as SQL (models/b.sql).');
  });

  it('disabled in YAML, it is left out without a warning', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', 'models/b.py': PY, 'models/s.yml': 'models:\n  - name: b\n    config:\n      enabled: false\n' });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out + r.err).not.toContain('Python model');
  });
});
