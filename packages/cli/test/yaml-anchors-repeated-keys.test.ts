import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

interface ManifestNode {
  description: string;
  tags: string[];
  config: { materialized: string };
}
const node = (dir: string, id: string, targetPath = 'target'): ManifestNode =>
  (JSON.parse(readFileSync(join(dir, targetPath, 'manifest.json'), 'utf8')) as { nodes: Record<string, ManifestNode> }).nodes[id]!;

// Each answer recorded from dbt-core 1.11.16 (dbt-duckdb 1.11.1) on the same files.
describe('schema YAML as PyYAML reads it for dbt', () => {
  it('`<<: *anchor` merges a mapping in; the keys a model sets itself win', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id',
      'models/b.sql': 'select 2 as id',
      'models/schema.yml':
        'x-defaults: &defaults\n  description: shared\n  config:\n    tags: [from_anchor]\n    materialized: table\nmodels:\n  - name: a\n    <<: *defaults\n  - name: b\n    <<: *defaults\n    description: its own\n',
    });
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code).toBe(0);
    // dbt: a "shared" ['from_anchor'] table; b "its own", same tags (before, sm gave both '' and [] and a view).
    expect(node(dir, 'model.demo.a')).toMatchObject({ description: 'shared', tags: ['from_anchor'], config: { materialized: 'table' } });
    expect(node(dir, 'model.demo.b')).toMatchObject({ description: 'its own', tags: ['from_anchor'] });
    // dbt warns of b's own description: PyYAML puts merged keys first, so it repeats one (not when `<<` comes first).
    expect(r.out).toContain("models/schema.yml:11:5: Duplicate key 'description'");
    expect(r.out.match(/Duplicate key/g)).toHaveLength(1);
  });

  it('no warning when the mapping starts with `<<`, as dbt', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id',
      'models/schema.yml': 'x: &d\n  description: shared\nmodels:\n  - <<: *d\n    name: a\n    description: its own\n',
    });
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code).toBe(0);
    expect(`${r.out}${r.err}`).not.toContain('Duplicate key');
    expect(node(dir, 'model.demo.a').description).toBe('its own');
  });

  it('a key repeated in a schema file: the last one is used, with dbt warning DuplicateYAMLKeysDeprecation; --warn-error makes it exit 2', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id',
      'models/schema.yml': 'models:\n  - name: a\n    description: one\n    description: two\n',
    });
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain("models/schema.yml:4:5: Duplicate key 'description'");
    expect(node(dir, 'model.demo.a').description).toBe('two');
    const json = await sm('parse', '--project-dir', dir, '--log-format', 'json', '--no-partial-parse');
    const events = json.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { info: { name: string } });
    expect(events.map((e) => e.info.name)).toContain('DuplicateYAMLKeysDeprecation');
    for (const cmd of ['parse', 'compile']) {
      const strict = await sm(cmd, '--project-dir', dir, '--warn-error');
      expect([cmd, strict.code]).toEqual([cmd, 2]);
      expect(strict.err).toContain("Duplicate key 'description'");
    }
  });

  it('a key repeated in dbt_project.yml warns too; in profiles.yml the last is used silently', async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: demo\nprofile: demo\nvars:\n  a: 1\nvars:\n  b: 2\n",
      'profiles.yml': PROFILE.replace('target: dev\n', 'target: nope\n  target: dev\n'),
      'models/a.sql': "select {{ var('b') }} as id",
    });
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain("dbt_project.yml:5:1: Duplicate key 'vars'");
    expect(r.out).not.toContain('profiles.yml');
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'a.sql'), 'utf8')).toContain('select 2 as id');
  });

  it('sm parse reads the flags every command reads: --target-path', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id' });
    const r = await sm('parse', '--project-dir', dir, '--target-path', 'elsewhere');
    expect(r.code).toBe(0);
    expect(node(dir, 'model.demo.a', 'elsewhere').config.materialized).toBe('view');
  });
});
