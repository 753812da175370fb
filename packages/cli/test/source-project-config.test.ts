import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

const FILES = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': `name: demo
version: '1.0.0'
profile: demo
sources:
  +tags: ['proj_tag']
  +meta:
    owner: proj
  demo:
    staging:
      raw_b:
        +enabled: false
      raw_a:
        +tags: ['a_only']
        +meta: {lvl: a}
        tbl2:
          +tags: ['tbl2_tag']
          +meta: {lvl: t2}
`,
  'models/staging/src.yml': "sources:\n  - name: raw_a\n    tags: ['yml_src']\n    meta: {yml: 1}\n    tables:\n      - name: tbl1\n        tags: ['yml_tbl']\n      - name: tbl2\n  - name: raw_b\n    tables:\n      - name: tb\n",
  'models/m.sql': "select * from {{ source('raw_a', 'tbl1') }}\n",
};

type Entry = { fqn: string[]; tags: string[]; meta: Record<string, unknown>; source_meta: Record<string, unknown>; config: { tags: string[]; meta: Record<string, unknown>; enabled: boolean }; unrendered_config: Record<string, unknown> };

/**
 * The `sources:` configs of dbt_project.yml, as dbt-core 1.11.16 applied them (7 Dec 2026, same
 * files): by the source's fqn (the YAML file's folders first: demo.staging.raw_a), `+meta` under
 * the YAML's meta (on the node and its config; unrendered_config keeps the YAML's), `+enabled:
 * false` moving the source to `disabled`, and `+tags` not at all: tags come from the YAML alone,
 * so `tag:proj_tag` selects nothing.
 */
describe("dbt_project.yml's source configs, as dbt applies them", () => {
  it('meta and enabled by fqn path, tags not', async () => {
    const dir = writeProject(FILES);
    const p = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(p.code, p.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { sources: Record<string, Entry>; disabled: Record<string, Entry[]> };
    const shape = (e: Entry) => [e.fqn, e.tags, e.meta, e.source_meta, e.config.tags, e.config.meta, e.config.enabled, e.unrendered_config.meta];
    expect(Object.fromEntries(Object.entries(m.sources).map(([k, e]) => [k, shape(e)]))).toEqual({
      'source.demo.raw_a.tbl1': [['demo', 'staging', 'raw_a', 'tbl1'], ['yml_src', 'yml_tbl'], { owner: 'proj', lvl: 'a', yml: 1 }, { yml: 1 }, ['yml_src', 'yml_tbl'], { owner: 'proj', lvl: 'a', yml: 1 }, true, { yml: 1 }],
      'source.demo.raw_a.tbl2': [['demo', 'staging', 'raw_a', 'tbl2'], ['yml_src'], { owner: 'proj', lvl: 't2', yml: 1 }, { yml: 1 }, ['yml_src'], { owner: 'proj', lvl: 't2', yml: 1 }, true, { yml: 1 }],
    });
    expect(Object.keys(m.disabled)).toEqual(['source.demo.raw_b.tb']);
    expect(m.disabled['source.demo.raw_b.tb']!.map((e) => [e.tags, e.config.enabled])).toEqual([[[], false]]);
    const ls = async (sel: string) => (await sm('ls', '-s', sel, '-q', '--project-dir', dir, '--profiles-dir', dir)).out;
    expect(await ls('tag:yml_src')).toBe('source:demo.raw_a.tbl1\nsource:demo.raw_a.tbl2');
    for (const t of ['proj_tag', 'a_only', 'tbl2_tag']) expect(await ls(`tag:${t}`)).toBe('');
  });
});
