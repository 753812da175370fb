import { describe, expect, it } from 'vitest';
import { writeProject } from './fixture.ts';
import { loadProject } from '../src/project/load-project.ts';

/**
 * dbt renders a unit test's `config:` when it parses the YAML (UnitTestParser._build_unit_test_config:
 * render_entry), natively. Recorded with dbt 1.11.16 + dbt-duckdb 1.11.1, `dbt parse` then `dbt ls` on
 * this fixture: exit 0, manifest unit_tests ['unit_test.p.m.ut_on'], disabled ['unit_test.p.m.ut_off'];
 * ls lists `unit_test:p.ut_on`. The Tuva project gates its unit tests so; sm refused it (exit 2,
 * "`enabled` must be true or false, not the text ...").
 */
describe("a unit test's config: rendered as dbt renders it", () => {
  it('reads enabled from a var through as_bool, and renders the other keys', () => {
    const ut = (name: string, enabled: string) =>
      `  - name: ${name}\n    model: m\n    config:\n      enabled: "${enabled}"\n      tags: ["{{ 'claims' }}"]\n    given: []\n    expect:\n      rows:\n        - {a: 1}\n`;
    const dir = writeProject({
      'profiles.yml': "p:\n  target: d\n  outputs:\n    d: {type: duckdb, path: ':memory:', schema: main}\n",
      'dbt_project.yml': "name: p\nversion: '1.0'\nprofile: p\nvars:\n  on_var: true\n",
      'models/m.sql': 'select 1 as a\n',
      'models/u.yml': `unit_tests:\n${ut('ut_on', "{{ var('on_var', False) | as_bool }}")}${ut('ut_off', "{{ var('off_var', False) | as_bool }}")}`,
    });
    const p = loadProject({ projectDir: dir, profilesDir: dir, env: {}, noCache: true });
    expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const byName = Object.fromEntries([...p.unitTests, ...p.disabled].map((u) => [u.name, u]));
    expect(byName.ut_on!.config.enabled).toBe(true);
    expect(byName.ut_off!.config.enabled).toBe(false);
    expect(p.unitTests.map((u) => u.name)).toEqual(['ut_on']);
    expect(byName.ut_on!.tags).toEqual(['claims']);
  });
});
