import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonFormat } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

/**
 * dbt-duckdb's external sources: `external_location` in a source's meta or config is what
 * compiled SQL reads, as recorded from dbt-duckdb 1.11.1 on the same files (6 Dec 2026): a reader
 * call kept as written, a path quoted, `{name}`-style fields filled; Jinja in the YAML (meta,
 * freshness counts) rendered at parse as dbt renders schema YAML.
 */
describe('external sources (DuckDB)', () => {
  it('reads files in place of the relation, in compiled SQL, relation_name and freshness', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\n",
      'models/src.yml': `version: 2
sources:
  - name: ext
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: "{{ env_var('SM_TEST_WARN_DAYS', '2') | int }}", period: day}
    meta:
      external_location: "{{ env_var('SM_TEST_DATA') }}/{name}.csv"
    tables:
      - name: people
      - name: pets
        meta:
          external_location: "read_csv('{{ env_var('SM_TEST_DATA') }}/{identifier}.csv', header = true)"
      - name: toys
        identifier: pets
        config:
          external_location: "$schema/$$/\${identifier}"
          formatter: template
`,
      'models/everyone.sql': "select id, name from {{ source('ext', 'people') }} union all select id, name from {{ source('ext', 'pets') }}\n",
    });
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'people.csv'), 'id,name,loaded_at\n1,ann,2020-01-01 00:00:00\n2,bob,2020-01-02 00:00:00\n');
    writeFileSync(join(dir, 'data', 'pets.csv'), 'id,name\n3,rex\n');
    process.env.SM_TEST_DATA = join(dir, 'data');
    try {
      const r = await sm('build', '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code, r.err).toBe(0);
      const compiled = readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'everyone.sql'), 'utf8');
      expect(compiled).toBe(`select id, name from '${join(dir, 'data')}/people.csv' union all select id, name from read_csv('${join(dir, 'data')}/pets.csv', header = true)`);
      const shown = await sm('show', '--project-dir', dir, '--profiles-dir', dir, '-s', 'everyone', '--log-format', 'json', '--limit', '-1');
      expect(shownRows(shown.out).map((x) => x.name).sort()).toEqual(['ann', 'bob', 'rex']);
      const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { sources: Record<string, { relation_name: string; meta: Record<string, unknown>; freshness: { warn_after: { count: unknown } } }> };
      const people = manifest.sources['source.demo.ext.people']!;
      expect(people.relation_name).toBe(`'${join(dir, 'data')}/people.csv'`);
      expect(people.meta).toEqual({ external_location: `${join(dir, 'data')}/{name}.csv` });
      expect(people.freshness.warn_after.count).toBe(2);
      expect(manifest.sources['source.demo.ext.toys']!.relation_name).toBe("'ext/$/pets'");
      const fresh = await sm('source', 'freshness', '--project-dir', dir, '--profiles-dir', dir, '-s', 'source:ext.people');
      expect(fresh.code, fresh.err).toBe(0);
      expect(fresh.out).toContain('more than warn_after 2 days');
    } finally {
      delete process.env.SM_TEST_DATA;
    }
  });

  it('a location whose field names nothing is exit 2 naming the YAML file', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\n",
      'models/src.yml': 'sources:\n  - name: ext\n    tables:\n      - name: people\n        meta: {external_location: "data/{nope}.csv"}\n',
      'models/m.sql': "select * from {{ source('ext', 'people') }}\n",
    });
    const r = await sm('compile', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/models\/src\.yml.*ext\.people: source people's external_location "data\/\{nope\}\.csv" cannot be filled: "nope" is not one of name, identifier, schema, database, tags, external_location/);
  });

  it("fills templates as Python's three formatters do", () => {
    const v = { name: 'n', tags: ['a', 'b'], database: null, flag: true };
    expect(pythonFormat('{name}/{{x}}/{tags}/{database}/{flag}', v)).toBe("n/{x}/['a', 'b']/None/True");
    expect(pythonFormat('%(name)s-%%', v, 'oldstyle')).toBe('n-%');
    expect(pythonFormat('$name/${name}x/$$', v, 'template')).toBe('n/nx/$');
    expect(() => pythonFormat('{name!r}', v)).toThrow('the field {name!r} is not a plain name');
  });
});
