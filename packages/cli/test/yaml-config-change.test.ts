import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
const yaml = (materialized: string) => `models:\n  - name: a\n    meta: {team: "{{ env_var('SM_TEST_TEAM', 'none') }}"}\n    config:\n      materialized: ${materialized}\n`;

/**
 * A model's config set in schema YAML alone, or read there from the environment, takes effect on
 * the next command: the render cache and the manifest written from the same inputs kept the
 * earlier config until the model's SQL changed.
 */
describe('a config changed in schema YAML only', () => {
  it('is what the next compile and build use', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id\n', 'models/s.yml': yaml('table') });
    const entry = () => (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { config: { materialized: string }; meta: Record<string, unknown> }> }).nodes['model.demo.a']!;
    expect((await sm('build', '--project-dir', dir)).code).toBe(0);
    expect(entry().config.materialized).toBe('table');
    // The same size, a later time: the edit is seen as an edit.
    writeFileSync(join(dir, 'models', 's.yml'), yaml('view '));
    utimesSync(join(dir, 'models', 's.yml'), new Date(), new Date(Date.now() + 5000));
    expect((await sm('build', '--project-dir', dir)).code).toBe(0);
    expect(entry().config.materialized).toBe('view');
    const kind = await sm('show', '--project-dir', dir, '--inline', "select table_type from information_schema.tables where table_name = 'a'", '-q', '--output', 'json');
    expect(kind.out).toContain('VIEW');
    process.env.SM_TEST_TEAM = 'red';
    try {
      expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
      expect(entry().meta).toEqual({ team: 'red' });
      process.env.SM_TEST_TEAM = 'blue';
      expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
      expect(entry().meta).toEqual({ team: 'blue' });
    } finally {
      delete process.env.SM_TEST_TEAM;
    }
  });
});
