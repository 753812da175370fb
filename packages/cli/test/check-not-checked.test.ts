import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

describe('sm check: what it could not check', () => {
  it('is told once per reason, with the first few nodes and a count, and is not an error', async () => {
    const files: Record<string, string> = { 'profiles.yml': PROFILE, 'seeds/s.csv': 'id,a\n1,2\n' };
    // Seven models built from the warehouse's answer (as dbt_utils.star and friends are): one reason, seven nodes.
    for (let i = 0; i < 7; i++) files[`models/m${i}.sql`] = "{% set cols = adapter.get_columns_in_relation(ref('s')) %}select {% for c in cols %}{{ c.name }}, {% endfor %}1 as one from {{ ref('s') }}";
    files['models/odd.sql'] = "pivot {{ ref('s') }} on a using sum(id)";
    const r = await sm('check', '--project-dir', writeProject(files));
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n').filter((l) => l.startsWith('not checked'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^not checked \(7\), its template asks the warehouse .*: model\.demo\.m0, model\.demo\.m1, model\.demo\.m2, model\.demo\.m3, model\.demo\.m4 and 2 more$/);
    expect(lines[1]).toMatch(/^not checked: model\.demo\.odd: its compiled SQL does not parse/);
    expect(r.out).toMatch(/Checked 1 node \(0 unchanged since the last check, 8 not checked\).*no errors/);
  });

  it("counts an installed package's warnings instead of listing them, unless a selection asks for them", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/mine.sql': 'select 1 as id',
      'models/mine.yml': 'version: 2\nmodels:\n  - name: mine\n    columns:\n      - name: gone\n',
      'dbt_packages/pkg/dbt_project.yml': "name: pkg\nversion: '1.0.0'\n",
      'dbt_packages/pkg/models/theirs.sql': 'select 1 as id',
      'dbt_packages/pkg/models/theirs.yml': 'version: 2\nmodels:\n  - name: theirs\n    columns:\n      - name: old_a\n      - name: old_b\n',
      'packages.yml': 'packages:\n  - local: dbt_packages/pkg\n',
    });
    const all = await sm('check', '--project-dir', dir);
    expect(all.code, all.err).toBe(0);
    const warned = (out: string) => out.split('\n').filter((l) => l.startsWith('warning')).map((l) => /documents column "(\w+)"/.exec(l)?.[1]);
    expect(warned(all.err + all.out)).toEqual(['gone']);
    expect(all.out).toMatch(/^2 warnings in installed packages \(pkg: 2\), not listed; `sm check -s package:<name>` lists them\.$/m);
    const asked = await sm('check', '--project-dir', dir, '-s', 'package:pkg');
    expect(warned(asked.err + asked.out)).toEqual(['old_a', 'old_b']);
    expect(asked.out).not.toMatch(/installed packages/);
  });
});
