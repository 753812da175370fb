import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/**
 * dbt 1.11.16 (recorded) refuses each of these files at parse, exit 2 ("Invalid models config
 * given in models/s.yml ... at path ['config']: [{'materialized': 'table'}] is not of type
 * 'object'"); sm read past the value and built `a` as a view, exit 0.
 */
describe('a schema entry whose config, meta, docs or constraints is the wrong kind of value', () => {
  it.each([
    ['config written as a list', 'models:\n  - name: a\n    config:\n      - materialized: table\n', 'models/s.yml:3:5: model "a": `config:` must be a mapping, not a list', 'Write the keys of `config:` indented under it'],
    ['materialized as a list', 'models:\n  - name: a\n    config:\n      materialized: [table]\n', 'models/s.yml:4:7: model "a": `config.materialized:` must be a name, not a list', 'as one name'],
    ['meta as a list', 'models:\n  - name: a\n    meta: [1]\n', 'models/s.yml:3:5: model "a": `meta:` must be a mapping, not a list', '`meta:`'],
    ["config's meta as a list", 'models:\n  - name: a\n    config:\n      meta: [1]\n', 'models/s.yml:4:7: model "a": `config.meta:` must be a mapping, not a list', '`meta:`'],
    ['docs as a number', 'models:\n  - name: a\n    docs: 5\n', 'models/s.yml:3:5: model "a": `docs:` must be a mapping, not the value 5', '`docs:`'],
    ['constraints as a number', 'models:\n  - name: a\n    constraints: 5\n', 'models/s.yml:3:5: model "a": `constraints:` must be a list, not the value 5', 'as a list'],
    ["a column's meta as a list", 'models:\n  - name: a\n    columns:\n      - name: id\n        meta: [1]\n', 'models/s.yml:5:9: model "a", column "id": `meta:` must be a mapping, not a list', '`meta:`'],
    ['config left empty', 'models:\n  - name: a\n    config:\n', 'models/s.yml:3:5: model "a": `config:` must be a mapping, not empty', 'Give `config:` a value, or remove the line'],
    ["a column's meta left empty", 'models:\n  - name: a\n    columns:\n      - name: id\n        meta:\n', 'models/s.yml:5:9: model "a", column "id": `meta:` must be a mapping, not empty', 'Give `meta:` a value'],
    ["a seed's config as a list", 'seeds:\n  - name: a\n    config: []\n', 'models/s.yml:3:5: seed "a": `config:` must be a mapping, not a list', '`config:`'],
  ])('%s is exit 2 naming the file, line and key, cold and warm', async (_what, yml, message, hint) => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', 'models/s.yml': yml });
    for (let i = 0; i < 2; i++) {
      const r = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code, r.out).toBe(2);
      expect(r.err).toContain(`error SM_SCHEMA_YAML at ${message}`);
      expect(r.err).toContain(hint);
      expect(r.err).toContain('dbt refuses the file as it is');
    }
  });

  // dbt 1.11.16 parses this file (exit 0).
  it('well-formed values parse as before', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id',
      'models/s.yml': 'models:\n  - name: a\n    config: {materialized: table, meta: {a: 1}}\n    docs: {show: false}\n    constraints: []\n    columns:\n      - name: id\n        meta: {owner: x}\n        config: {tags: [t]}\n',
    });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.err).toBe(0);
  });
});
