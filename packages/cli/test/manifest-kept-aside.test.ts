import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

interface Entry { compiled_path?: string | null; compiled_code?: string }

/**
 * compile, run and ls write different manifests of the same project (compiled paths, hook
 * numbering, the SQL a run ran). Each one replaced is kept aside under what it was made from and
 * taken back by the next command with the same inputs: the same file (its inode), not a rebuild,
 * and never one made from other inputs.
 */
describe('manifests kept aside', () => {
  it('are taken back when compile and run alternate, and not after an edit', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\non-run-start: [\"select 1\"]\n",
      'models/a.sql': 'select 1 as id\n',
      'models/inc.sql': "{{ config(materialized='incremental') }}\nselect id from {{ ref('a') }}\n{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}\n",
    });
    const target = join(dir, 'target');
    const step = async (...argv: string[]) => {
      const r = await sm(...argv, '--project-dir', dir);
      expect(r.code, r.err + r.out).toBe(0);
      const m = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8')) as { nodes: Record<string, Entry>; metadata: { invocation_id: string } };
      expect(existsSync(join(target, 'semantic_manifest.json'))).toBe(true);
      return { ino: statSync(join(target, 'manifest.json')).ino, m };
    };
    const compiled = await step('compile');
    expect(compiled.m.nodes['model.demo.a']!.compiled_path).toBe('target/compiled/demo/models/a.sql');
    const run1 = await step('run');
    expect(run1.ino).not.toBe(compiled.ino);
    expect(run1.m.nodes['model.demo.a']!.compiled_path).toBeNull();
    // The second run's incremental SQL is patched into the manifest (a new file); the third takes
    // back the unpatched one and patches it again.
    const run2 = await step('run');
    expect(run2.m.nodes['model.demo.inc']!.compiled_code).toMatch(/where id > \(select max\(id\)/);
    // compile now finds inc's table: it takes back its manifest and patches the incremental SQL in
    // (compile-introspect.test.ts); with --full-refresh nothing is patched and the file is the one kept.
    const live = await step('compile');
    expect(live.m.nodes['model.demo.inc']!.compiled_code).toMatch(/where id > \(select max\(id\)/);
    expect(live.m.nodes['model.demo.a']!.compiled_path).toBe('target/compiled/demo/models/a.sql');
    await step('run');
    const again = await step('compile', '--full-refresh');
    expect(again.ino).toBe(compiled.ino);
    expect(again.m.nodes['model.demo.a']!.compiled_path).toBe('target/compiled/demo/models/a.sql');
    expect(again.m.metadata.invocation_id).not.toBe(compiled.m.metadata.invocation_id);
    const run3 = await step('run');
    expect(run3.m.nodes['model.demo.a']!.compiled_path).toBeNull();
    expect(run3.m.nodes['model.demo.inc']!.compiled_code).toMatch(/where id > \(select max\(id\)/);
    // ls writes its own; compile's is still kept and comes back.
    await step('ls');
    expect((await step('compile', '--full-refresh')).ino).toBe(compiled.ino);

    // After an edit nothing kept matches: a new manifest with the new SQL, and the old one is not
    // taken back for the edited inputs.
    writeFileSync(join(dir, 'models/a.sql'), 'select 2 as id\n');
    const edited = await step('compile', '--full-refresh');
    expect(edited.ino).not.toBe(compiled.ino);
    expect(edited.m.nodes['model.demo.a']!.compiled_code).toBe('select 2 as id');
    // Back to the first text: the manifest made from it comes back, with its SQL.
    writeFileSync(join(dir, 'models/a.sql'), 'select 1 as id\n');
    const back = await step('compile', '--full-refresh');
    expect(back.ino).toBe(compiled.ino);
    expect(back.m.nodes['model.demo.a']!.compiled_code).toBe('select 1 as id');
  });
});
