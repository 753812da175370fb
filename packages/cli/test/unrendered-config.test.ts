import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'artp:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: sm.duckdb\n      schema: main\n      threads: 1\n';

/** manifest.json's unrendered_config, recorded from dbt 1.11 on these files. */
const DBT = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'unrendered-config.dbt-1.11.json'), 'utf8')) as {
  files: Record<string, string>;
  unrendered_config: Record<string, Record<string, unknown>>;
  sources_variant: { 'dbt_project.yml': string; unrendered_config: Record<string, Record<string, unknown>> };
};

type Entry = { unrendered_config: Record<string, unknown> };
function unrendered(dir: string): Record<string, Record<string, unknown>> {
  const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Entry>; sources: Record<string, Entry> };
  return Object.fromEntries([...Object.entries(m.nodes), ...Object.entries(m.sources)].map(([id, e]) => [id, e.unrendered_config]));
}

/** Each entry's unrendered_config as `want` has it, in dbt's key order too (a JSON text compare). */
function expectSame(got: Record<string, Record<string, unknown>>, want: Record<string, Record<string, unknown>>, when: string): void {
  for (const [id, config] of Object.entries(want)) expect(JSON.stringify(got[id]), `${when}: ${id}`).toBe(JSON.stringify(config));
}

// dbt fills unrendered_config by dict updates, in order: the project file's levels for the node as
// written (Jinja kept, a lower level's tags replacing a higher's), the YAML config (rendered), the
// config() calls' values (a value made with var() as rendered, a string with Jinja in it as given),
// and for a package's node the root project's levels. A source's YAML config goes over its
// project levels with tags first, then freshness (when set), loaded_at_field, loaded_at_query and
// meta; dbt_project.yml's tags for sources are not among them.
describe("manifest.json's unrendered_config, as dbt 1.11 writes it", () => {
  it('for models (project levels, YAML config, config() calls, a package model), a seed, a snapshot, generic and singular tests and sources; after parse, a build and a warm compile', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, ...DBT.files });
    const parsed = await sm('parse', '--project-dir', dir);
    expect(parsed.code, parsed.out + parsed.err).toBe(0);
    expect(Object.keys(unrendered(dir)).sort()).toEqual(Object.keys(DBT.unrendered_config).sort());
    expectSame(unrendered(dir), DBT.unrendered_config, 'parse');
    // m2 reads the seed through a source, so nothing orders it after the seed: dbt runs model.artp.m2
    // first (by unique id), and on a fresh database it fails there as in sm. The seed is loaded first.
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    const built = await sm('build', '--project-dir', dir);
    expect(built.code, built.out + built.err).toBe(0);
    expectSame(unrendered(dir), DBT.unrendered_config, 'build');
    // A compile of unchanged files reuses each model's render: its config() calls come from there.
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    expectSame(unrendered(dir), DBT.unrendered_config, 'warm compile');
  });

  it("for sources under project-level tags, meta and loaded_at_field", async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, ...DBT.files });
    writeFileSync(join(dir, 'dbt_project.yml'), DBT.sources_variant['dbt_project.yml']);
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    expectSame(unrendered(dir), DBT.sources_variant.unrendered_config, 'parse');
  });
});

// Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 (`dbt parse`, then manifest.json), found on
// 3DHubs/dbt-core-network: dbt records a model's first config() call as given (a string stays a
// string) under pre-hook/post-hook, and a later call's hooks and tags as lists appended; a model
// whose render asks the warehouse at parse (adapter.get_columns_in_relation) records its calls once.
// config() given both post_hook and post-hook fails: `Compilation Error in model d (models/d.sql)
// Invalid config, has conflicting keys "post_hook" and "post-hook"` (exit 2).
describe('config() calls in unrendered_config, as dbt 1.11 records them', () => {
  const files = {
    'profiles.yml': PROFILE,
    'dbt_project.yml': "name: artp\nversion: '1.0'\nconfig-version: 2\nprofile: artp\n",
    'models/a.sql': '{{ config(materialized=\'table\', post_hook="select 1", tags=["multirefresh"]) }}\nselect 1 as id\n',
    'models/b.sql': '{{ config(pre_hook=["select 2", "select 3"], tags="t") }}\n{{ config(post_hook="select 4") }}\nselect 1 as id\n',
    'models/e.sql': '{{ config(tags=["x"]) }}\n{% set cols = adapter.get_columns_in_relation(ref(\'a\')) %}\nselect {{ cols | length }} as n\n',
    'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    config:\n      tags: ["multirefresh"]\n  - name: b\n    config:\n      tags: ["y"]\n',
  };
  it('keeps the first call as given, hyphenates hook keys, appends later calls, and records a replayed render once', async () => {
    const dir = writeProject(files);
    const parsed = await sm('parse', '--project-dir', dir);
    expect(parsed.code, parsed.out + parsed.err).toBe(0);
    expectSame(unrendered(dir), {
      'model.artp.a': { tags: ['multirefresh'], materialized: 'table', 'post-hook': 'select 1' },
      'model.artp.b': { tags: 't', 'pre-hook': ['select 2', 'select 3'], 'post-hook': ['select 4'] },
      'model.artp.e': { tags: ['x'] },
    }, 'parse');
  });

  it('refuses post_hook and post-hook in one call (exit 2, naming the model and both keys)', async () => {
    const dir = writeProject({ ...files, 'models/d.sql': '{{ config({"post_hook": "select 1", "post-hook": "select 2"}) }}\nselect 1 as id\n' });
    const parsed = await sm('parse', '--project-dir', dir);
    expect(parsed.code).toBe(2);
    expect(parsed.out + parsed.err).toMatch(/models\/d\.sql[\s\S]*conflicting keys "post_hook" and "post-hook"/);
  });
});
