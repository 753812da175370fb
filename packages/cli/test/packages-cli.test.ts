import { describe, expect, it } from 'vitest';
import { writeProject } from '../../core/test/fixture.ts';
import { sm } from './run-cli.ts';

describe('a project with packages', () => {
  it('stops every command, sm seed included, with exit 2 and "run sm deps" when packages.yml lists packages that are not installed', async () => {
    const dir = writeProject({
      'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.3\n',
      'seeds/s.csv': 'id\n1\n',
      'models/a.sql': "select {{ dbt_utils.generate_surrogate_key(['id']) }} as k from {{ ref('s') }}",
    });
    for (const cmd of ['seed', 'build', 'compile']) {
      const r = await sm(cmd, '--project-dir', dir);
      expect(r.code, `${cmd}: ${r.out}${r.err}`).toBe(2);
      expect(r.err).toContain('packages.yml lists 1 package(s), but 0 are installed in dbt_packages/: dbt_utils is missing');
      expect(r.err).toContain('Run `sm deps`');
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});
