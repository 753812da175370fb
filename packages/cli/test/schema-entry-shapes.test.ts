import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/**
 * dbt 1.11.16 (recorded) refuses each of these files at parse, exit 2 ("Invalid models config
 * given in models/s.yml ... at path ['config']: [{'materialized': 'table'}] is not of type
 * 'object'"); sm read past the value and built `a` as a view, exit 0.
 */
describe('a schema entry whose config, meta, docs, constraints, tags, freshness, given or expect is the wrong kind of value', () => {
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
    // dbt 1.11.16: "at path ['columns'][0]['tags']: 5 is not of type 'array'" ('x' and None too).
    ["a column's tags as a number", 'models:\n  - name: a\n    columns:\n      - name: id\n        tags: 5\n', 'models/s.yml:5:9: model "a", column "id": `tags:` must be a list of names, not the value 5', 'as a list of names'],
    ["a column's tags as one name", 'models:\n  - name: a\n    columns:\n      - name: id\n        tags: x\n', 'models/s.yml:5:9: model "a", column "id": `tags:` must be a list of names, not the text "x"', 'as a list of names'],
    // dbt 1.11.16 (8 Dec 2026): "at path ['columns'][0]['tags'][0]: True is not of type 'string'";
    // `config: {tags: [true]}`: "at path ['tags']: [True] is not valid under any of the given schemas"; exit 2.
    ["a column's tags holding true", 'models:\n  - name: a\n    columns:\n      - name: id\n        tags: [true]\n', 'models/s.yml:5:9: model "a", column "id": `tags:` must be a list of names, not a list holding the value true', 'quoting a name YAML reads as something else'],
    ["config tags holding on", 'models:\n  - name: a\n    config: {tags: [on]}\n', 'models/s.yml:3:14: model "a": `config.tags:` must be a name or a list of names, not a list holding the value true', 'quoting a name YAML reads as something else'],
    // "at path ['freshness']: 5 is not valid under any of the given schemas" (source and table; a list or a name too).
    ["a source's freshness as a number", 'sources:\n  - name: src\n    freshness: 5\n    tables:\n      - name: t\n', 'models/s.yml:3:5: source "src": `freshness:` must be a mapping (or null), not the value 5', '`freshness: null` to turn it off'],
    ["a source table's freshness as a list", 'sources:\n  - name: src\n    tables:\n      - name: t\n        freshness: []\n', 'models/s.yml:5:9: source "src", table "t": `freshness:` must be a mapping (or null), not a list', 'warn_after'],
    // dbt stops on "Argument for ...FreshnessThreshold... should be a dict instance", exit 2.
    ["a source table's config freshness as a number", 'sources:\n  - name: src\n    tables:\n      - name: t\n        config:\n          freshness: 5\n', 'models/s.yml:6:11: source "src", table "t": `config.freshness:` must be a mapping (or null), not the value 5', 'warn_after'],
    // "at path ['given']: 5 is not of type 'array'", "at path ['expect']: 5 is not of type 'object'", "'given' is a required property".
    ["a unit test's given as a number", 'unit_tests:\n  - name: u\n    model: a\n    given: 5\n    expect:\n      rows: [{id: 1}]\n', 'models/s.yml:4:5: unit test "u": `given:` must be a list, not the value 5', 'as a list'],
    ["a unit test's given left empty", 'unit_tests:\n  - name: u\n    model: a\n    given:\n    expect:\n      rows: [{id: 1}]\n', 'models/s.yml:4:5: unit test "u": `given:` must be a list, not empty', 'as a list'],
    ["a unit test's expect as a number", 'unit_tests:\n  - name: u\n    model: a\n    given: []\n    expect: 5\n', 'models/s.yml:5:5: unit test "u": `expect:` must be a mapping, not the value 5', 'Write the keys of `expect:`'],
    ['a unit test without given', 'unit_tests:\n  - name: u\n    model: a\n    expect:\n      rows: [{id: 1}]\n', 'models/s.yml:2:5: unit test "u" has no `given:`', '`given: []` if it reads none'],
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

  // dbt 1.11.16 parses this file (exit 0): a model's own `tags: 5` it drops, a freshness of null turns it off.
  it('a model tags number, a null freshness and given: [] parse', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id',
      'models/s.yml':
        'models:\n  - name: a\n    tags: 5\nsources:\n  - name: src\n    freshness:\n    tables:\n      - name: t\n        freshness: null\n        config: {freshness: {warn_after: {count: 1, period: hour}}}\nunit_tests:\n  - name: u\n    model: a\n    given: []\n    expect: {rows: [{id: 1}]}\n',
    });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.err).toBe(0);
  });
});
