import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * A unit test its config disables (literally or through a rendered var) is among the manifest's
 * disabled, with no schema, and `ls` leaves it out. Recorded with dbt 1.11.16 + dbt-duckdb 1.11.1
 * on this fixture: `dbt parse` exit 0, manifest unit_tests ['unit_test.demo.m.ut_on'], disabled
 * ['unit_test.demo.m.ut_off', 'unit_test.demo.m.ut_lit'] (schema null, config.enabled false);
 * `dbt ls` prints demo.m and unit_test:demo.ut_on. sm listed and ran the disabled ones.
 */
describe('a disabled unit test', () => {
  it('is listed among the disabled and not by ls', async () => {
    const ut = (name: string, enabled: string) => `  - name: ${name}\n    model: m\n    config:\n      enabled: ${enabled}\n    given: []\n    expect:\n      rows:\n        - {a: 1}\n`;
    const dir = writeProject({
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/demo.duckdb', schema: main, threads: 1}\n",
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nvars:\n  on_var: true\n",
      'models/m.sql': 'select 1 as a\n',
      'models/u.yml': `unit_tests:\n${ut('ut_on', `"{{ var('on_var', False) | as_bool }}"`)}${ut('ut_off', `"{{ var('off_var', False) | as_bool }}"`)}${ut('ut_lit', 'false')}`,
    });
    const ls = await sm('ls', '--project-dir', dir);
    expect(ls.code, ls.err).toBe(0);
    expect(ls.out.trim().split('\n').sort()).toEqual(['demo.m', 'unit_test:demo.ut_on']);
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { unit_tests: Record<string, unknown>; disabled: Record<string, { schema: unknown; config: { enabled: unknown } }[]> };
    expect(Object.keys(m.unit_tests)).toEqual(['unit_test.demo.m.ut_on']);
    expect(Object.keys(m.disabled).sort()).toEqual(['unit_test.demo.m.ut_lit', 'unit_test.demo.m.ut_off']);
    for (const [e] of Object.values(m.disabled)) expect([e!.schema, e!.config.enabled]).toEqual([null, false]);
  });
});
