import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// dbt-core 1.11.16 on the same files (6 Dec 2026): `dbt parse` exits 2 with "dbt found two
// schema.yml entries for the same resource named m ... remove the resource entry for m in one of
// these files: models/s.yml, models/s2.yml" (and "in this file" for two entries in one file);
// the same for seeds. sm said nothing and kept the last entry.
describe('a resource described by two YAML entries', () => {
  it('in two files is a project error naming both, exit 2', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/m.sql': 'select 1 as x\n',
      'models/s.yml': 'version: 2\nmodels:\n  - name: m\n    description: first\n',
      'models/s2.yml': 'version: 2\nmodels:\n  - name: other\n  - name: m\n    description: second\n',
    });
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.out + r.err).toContain('error SM_SCHEMA_YAML at models/s2.yml:4:5: "m" is described under `models:` in models/s.yml:3 and models/s2.yml:4');
  });

  it('twice in one file, or a seed twice, is the same error', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/m.sql': 'select 1 as x\n',
      'seeds/sd.csv': 'a\n1\n',
      'models/s.yml': 'version: 2\nmodels:\n  - name: m\n    description: a\n  - name: m\n    description: b\n',
      'seeds/a.yml': 'version: 2\nseeds:\n  - name: sd\n',
      'models/b.yml': 'version: 2\nseeds:\n  - name: sd\n',
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code).toBe(2);
    const said = r.out + r.err;
    expect(said).toContain('"m" is described under `models:` twice in models/s.yml (lines 3 and 5)');
    expect(said).toMatch(/"sd" is described under `seeds:` in (seeds\/a\.yml:3 and models\/b\.yml:3|models\/b\.yml:3 and seeds\/a\.yml:3)/);
    expect(said).toContain('nothing was run');
  });
});
