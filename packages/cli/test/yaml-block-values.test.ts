import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

// Recorded from `dbt ls --output json --output-keys name alias config.column_types` (dbt-core
// 1.11.16, 6 Dec 2026) on the same files: dbt renders every YAML config value with Jinja, which
// drops a `|` block's trailing newline, Jinja or not: alias block_alias, column type bigint.
describe('a YAML config value written as a block', () => {
  it('loses its trailing newline, as dbt renders it', async () => {
    const dir = writeProject({
      'seeds/s.csv': 'id\n1\n',
      'seeds/s.yml': 'seeds:\n  - name: s\n    config:\n      column_types:\n        id: |\n          bigint\n',
      'models/m.sql': 'select 1 as id',
      'models/m.yml': 'models:\n  - name: m\n    config:\n      alias: |\n        block_alias\n',
    });
    const r = await sm('ls', '--output', 'json', '--output-keys', 'name', 'alias', 'config.column_types', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n').sort()).toEqual([
      '{"name": "m", "alias": "block_alias", "config.column_types": {}}',
      '{"name": "s", "alias": "s", "config.column_types": {"id": "bigint"}}',
    ]);
  });
});
