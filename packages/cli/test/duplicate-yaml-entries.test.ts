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

// dbt 1.11.16 (recorded 7 Dec 2026): a table listed twice under one source, in one file or in two,
// is parse exit 2: "dbt found two sources with the name "app_a" ... change the name of one of these
// resources: - source.demo.app.a (models/s2.yml) - source.demo.app.a (models/s1.yml)". The same
// source name in two files with different tables parses (exit 0). sm kept both entries, exit 0.
describe('a source table declared twice', () => {
  const src = (tables: string[]) => `version: 2\nsources:\n  - name: app\n    tables:\n${tables.map((t) => `      - name: ${t}\n`).join('')}`;
  it('in one file or in two is a project error naming both, and different tables are fine', async () => {
    const one = writeProject({ 'profiles.yml': PROFILE, 'models/m.sql': 'select 1 as x\n', 'models/s.yml': src(['a', 'b', 'a']) });
    const r1 = await sm('parse', '--project-dir', one);
    expect(r1.code).toBe(2);
    expect(r1.out + r1.err).toContain('error SM_SCHEMA_YAML at models/s.yml:7:9: Table "a" of source "app" is declared twice in models/s.yml (lines 5 and 7)');
    const two = writeProject({ 'profiles.yml': PROFILE, 'models/m.sql': 'select 1 as x\n', 'models/s1.yml': src(['a']), 'models/s2.yml': src(['a']) });
    const r2 = await sm('parse', '--project-dir', two);
    expect(r2.code).toBe(2);
    expect(r2.out + r2.err).toMatch(/Table "a" of source "app" is declared in models\/s1\.yml:5 and models\/s2\.yml:5/);
    const apart = writeProject({ 'profiles.yml': PROFILE, 'models/m.sql': 'select 1 as x\n', 'models/s1.yml': src(['a']), 'models/s2.yml': src(['b']) });
    expect((await sm('parse', '--project-dir', apart)).code).toBe(0);
  });
});
