import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
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

  it('sm deps installs a local package without profiles.yml, after which the project compiles with its macros; a bad entry is exit 2', async () => {
    const dir = writeProject({
      'packages.yml': 'packages:\n  - local: vendor/util\n',
      'vendor/util/dbt_project.yml': 'name: util\n',
      'vendor/util/macros/twice.sql': '{% macro twice(x) %}{{ x }} * 2{% endmacro %}',
      // A root model calls a package's macro through the package's name; unqualified it is undefined, as in dbt 1.11.
      'models/a.sql': 'select {{ util.twice(21) }} as v',
    });
    const d = await sm('deps', '--project-dir', dir);
    expect(d.code, d.err).toBe(0);
    expect(d.out).toContain('Installed from <local @ vendor/util>');
    const c = await sm('compile', '--project-dir', dir);
    expect(c.code, c.err).toBe(0);
    const bad = writeProject({ 'packages.yml': 'packages:\n  - package: not-a-hub-name\n    version: 1.0.0\n' });
    const r = await sm('deps', '--project-dir', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('packages.yml:2');
    expect(r.err).toContain('`package:` must be `namespace/name`');
  });

  // dbt-core 1.11.16 (6 Dec 2026): `dbt ls --output path` prints each node's original_file_path,
  // a package's node's relative to the package: models/m.sql, models/h.sql.
  it("ls --output path names a package's file relative to the package, as dbt does", async () => {
    const dir = writeProject({
      'packages.yml': 'packages:\n  - local: helper\n',
      'helper/dbt_project.yml': "name: helper\nversion: '1.0'\n",
      'helper/models/h.sql': 'select 1 as x',
      'models/m.sql': 'select 2 as y',
    });
    expect((await sm('deps', '--project-dir', dir)).code).toBe(0);
    const r = await sm('ls', '--output', 'path', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n').sort()).toEqual(['models/h.sql', 'models/m.sql']);
  });

  // dbt-core 1.11.16 (6 Dec 2026): a package's node's compiled SQL and what it ran go under
  // compiled/<package>/ and run/<package>/, by its path in the package, in build and compile alike.
  it("writes a package's compiled and run files under the package's name, as dbt does", async () => {
    const dir = writeProject({
      'packages.yml': 'packages:\n  - local: helper\n',
      'helper/dbt_project.yml': "name: helper\nversion: '1.0'\n",
      'helper/models/h.sql': 'select 1 as x',
      'helper/models/h.yml': 'models:\n  - name: h\n    columns:\n      - name: x\n        data_tests: [not_null]\n',
      'models/m.sql': 'select 2 as y',
    });
    expect((await sm('deps', '--project-dir', dir)).code).toBe(0);
    const files = () => readdirSync(join(dir, 'target'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /^(compiled|run)\b/.test(relative(join(dir, 'target'), e.parentPath))).map((e) => relative(join(dir, 'target'), join(e.parentPath, e.name))).sort();
    const b = await sm('build', '--project-dir', dir);
    expect(b.code, b.err).toBe(0);
    expect(files()).toEqual(['compiled/demo/models/m.sql', 'compiled/helper/models/h.sql', 'compiled/helper/models/h.yml/not_null_h_x.sql', 'run/demo/models/m.sql', 'run/helper/models/h.sql', 'run/helper/models/h.yml/not_null_h_x.sql']);
    rmSync(join(dir, 'target'), { recursive: true });
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    expect(files()).toEqual(['compiled/demo/models/m.sql', 'compiled/helper/models/h.sql', 'compiled/helper/models/h.yml/not_null_h_x.sql']);
  });
});
