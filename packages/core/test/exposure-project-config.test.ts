import { describe, expect, it } from 'vitest';
import { writeProject } from './fixture.ts';
import { loadProject } from '../src/project/load-project.ts';

/**
 * The project file's `exposures:` config, as dbt-core 1.11.16 (+ dbt-duckdb 1.11.1) settles it on
 * these files (`dbt parse`, recorded 7 Dec 2026): down the tree a deeper level's key replaces the
 * one above it whole (stg's `+meta` drops the project's `owner`); an exposure's own `config:`
 * replaces the project file's key by key; its own `tags:` and `meta:` are added to the result
 * (tags sorted, its meta first); `+enabled: false` on a folder disables what is in it unless the
 * exposure's config says `enabled: true`; a path that names no exposure is reported unused.
 */
const files = {
  'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: demo.duckdb, schema: main}\n',
  'dbt_project.yml': `name: demo
version: '1.0'
profile: demo
exposures:
  demo:
    +tags: ['proj']
    +meta: {owner: team, level: 1}
    marts:
      +enabled: false
    stg:
      +meta: {level: 2}
    nothere:
      +tags: x
`,
  'models/stg/a.sql': 'select 1 as id\n',
  'models/stg/e.yml': `exposures:
  - name: e_stg
    type: dashboard
    owner: {email: a@b.c}
    tags: ['own']
    meta: {mine: 1, level: 9}
    config:
      meta: {cfgk: 1}
    depends_on: [ref('a')]
  - name: e_stg2
    type: dashboard
    owner: {email: a@b.c}
    config:
      meta: {level: 3}
    depends_on: [ref('a')]
  - name: e_stg3
    type: dashboard
    owner: {email: a@b.c}
    tags: ['top']
    config:
      tags: ['cfg']
    depends_on: [ref('a')]
`,
  'models/marts/e.yml': `exposures:
  - name: e_mart
    type: dashboard
    owner: {email: a@b.c}
    depends_on: [ref('a')]
  - name: e_mart2
    type: dashboard
    owner: {email: a@b.c}
    config:
      meta: {x: 1}
    depends_on: [ref('a')]
  - name: e_mart3
    type: dashboard
    owner: {email: a@b.c}
    config:
      enabled: true
    depends_on: [ref('a')]
`,
};

describe("the project file's exposures: config", () => {
  it('settles each exposure as dbt 1.11 does', () => {
    const p = loadProject({ projectDir: writeProject(files), env: {}, noCache: true });
    const got = Object.fromEntries(p.exposures.map((e) => [e.name, { fqn: e.fqn, tags: e.tags, meta: e.meta, config: e.config, unrendered: e.unrenderedConfig }]));
    expect(got).toEqual({
      e_stg: {
        fqn: ['demo', 'stg', 'e_stg'],
        tags: ['own', 'proj'],
        meta: { mine: 1, level: 9, cfgk: 1 },
        config: { enabled: true, tags: ['own', 'proj'], meta: { mine: 1, level: 9, cfgk: 1 } },
        unrendered: { tags: ['proj'], meta: { cfgk: 1 } },
      },
      e_stg2: { fqn: ['demo', 'stg', 'e_stg2'], tags: ['proj'], meta: { level: 3 }, config: { enabled: true, tags: ['proj'], meta: { level: 3 } }, unrendered: { tags: ['proj'], meta: { level: 3 } } },
      e_stg3: { fqn: ['demo', 'stg', 'e_stg3'], tags: ['cfg', 'top'], meta: { level: 2 }, config: { enabled: true, tags: ['cfg', 'top'], meta: { level: 2 } }, unrendered: { tags: ['cfg'], meta: { level: 2 } } },
      e_mart3: {
        fqn: ['demo', 'marts', 'e_mart3'],
        tags: ['proj'],
        meta: { owner: 'team', level: 1 },
        config: { enabled: true, tags: ['proj'], meta: { owner: 'team', level: 1 } },
        unrendered: { tags: ['proj'], meta: { owner: 'team', level: 1 }, enabled: true },
      },
    });
    // Key order as dbt writes them.
    expect(Object.keys(got.e_stg!.meta)).toEqual(['mine', 'level', 'cfgk']);
    expect(Object.keys(got.e_mart3!.unrendered!)).toEqual(['tags', 'meta', 'enabled']);
    expect(p.disabled.filter((n) => n.resourceType === 'exposure').map((n) => n.uniqueId).sort()).toEqual(['exposure.demo.e_mart', 'exposure.demo.e_mart2']);
    const unused = p.diagnostics.filter((d) => /unused configuration path/.test(d.message));
    expect(unused.map((d) => d.message).join('\n')).toContain('- exposures.demo.nothere');
    expect(unused.map((d) => d.message).join('\n')).not.toMatch(/exposures\.demo\.(stg|marts)/);
  });
});
