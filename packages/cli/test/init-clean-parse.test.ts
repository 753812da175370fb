import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './run-cli.ts';

function sm(cwd: string, argv: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SM_PROFILES_DIR: '', DBT_PROFILES_DIR: '', SM_PROJECT_DIR: '' } });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => !f.startsWith('target')).sort();
}

describe('sm init, then build, test, parse and clean outside any repository', () => {
  let root: string;
  let demo: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sm-init-'));
    demo = join(root, 'demo');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('init makes a project that builds and tests green on the embedded DuckDB', () => {
    const init = sm(root, ['init', 'demo']);
    expect(init.code, init.out).toBe(0);
    expect(filesUnder(demo)).toEqual(
      expect.arrayContaining(['sm_project.yml', 'profiles.yml', '.gitignore', 'README.md', 'models/staging/stg_orders.sql', 'models/staging/_staging.yml', 'models/marts/customer_orders.sql', 'models/marts/_marts.yml', 'seeds/raw_orders.csv', 'seeds/raw_customers.csv']),
    );
    expect(readFileSync(join(demo, 'profiles.yml'), 'utf8')).toMatch(/type: duckdb[\s\S]*#\s+type: snowflake/);
    const build = sm(demo, ['build']);
    expect(build.code, build.out).toBe(0);
    expect(build.out).toMatch(/PASS.*unique_customer_orders_customer_id/);
    const test = sm(demo, ['test']);
    expect(test.code, test.out).toBe(0);
    const show = sm(demo, ['show', 'customer_orders']);
    expect(show.code, show.out).toBe(0);
    expect(show.out).toMatch(/Grace.*2/);
  });

  it('parse validates and writes the manifest without compiled SQL or a database', () => {
    rmSync(join(demo, 'target'), { recursive: true, force: true });
    const r = sm(demo, ['parse']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/3 models, 2 seeds, \d+ tests/);
    const manifest = JSON.parse(readFileSync(join(demo, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { depends_on: { nodes: string[] } }> };
    expect(manifest.nodes['model.demo.customer_orders']!.depends_on.nodes.sort()).toEqual(['model.demo.stg_customers', 'model.demo.stg_orders']);
    expect(existsSync(join(demo, 'target', 'compiled'))).toBe(false);
    expect(existsSync(join(demo, 'target', 'demo.duckdb'))).toBe(false);
    // An error anywhere is reported by parse, as by compile.
    writeFileSync(join(demo, 'models', 'broken.sql'), "select * from {{ ref('nope') }}\n");
    const bad = sm(demo, ['parse']);
    expect(bad.code, bad.out).toBe(2);
    expect(bad.out).toMatch(/broken\.sql[\s\S]*nope|nope[\s\S]*broken/);
    rmSync(join(demo, 'models', 'broken.sql'));
  });

  it('clean removes the clean-targets and nothing else, and refuses folders outside the project or holding sources', () => {
    mkdirSync(join(demo, 'dbt_packages', 'x'), { recursive: true });
    const before = filesUnder(demo).filter((f) => !f.startsWith('dbt_packages'));
    const r = sm(demo, ['clean']);
    expect(r.code, r.out).toBe(0);
    expect(existsSync(join(demo, 'target'))).toBe(false);
    expect(existsSync(join(demo, 'dbt_packages'))).toBe(false);
    expect(filesUnder(demo)).toEqual(before);
    const file = join(demo, 'sm_project.yml');
    const text = readFileSync(file, 'utf8');
    for (const bad of ['[../outside]', '[models]', '[.]']) {
      mkdirSync(join(root, 'outside'), { recursive: true });
      writeFileSync(file, text.replace('clean-targets: [target, dbt_packages]', `clean-targets: ${bad}`));
      const refused = sm(demo, ['clean']);
      expect(refused.code, refused.out).toBe(2);
      expect(refused.out).toContain('clean-targets');
      expect(existsSync(join(root, 'outside'))).toBe(true);
      expect(existsSync(join(demo, 'models', 'staging', 'stg_orders.sql'))).toBe(true);
    }
    writeFileSync(file, text);
  });

  it('init refuses an existing folder, a missing name off a terminal, and a bad name, writing nothing', () => {
    const again = sm(root, ['init', 'demo']);
    expect(again.code).toBe(2);
    expect(again.out).toContain('already exists');
    const noName = sm(root, ['init']);
    expect(noName.code).toBe(2);
    expect(noName.out).toContain('sm init my_project');
    const badName = sm(root, ['init', 'my-project']);
    expect(badName.code).toBe(2);
    expect(badName.out).toContain('my_project');
    expect(existsSync(join(root, 'my-project'))).toBe(false);
  });

  it('asks for the name on a terminal, and again after a bad answer', () => {
    // `script` gives the CLI a real pseudo-terminal; the answers come through it.
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} init --skip-profile-setup`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: root, input: 'bad-name\nasked_name\n', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('Project name');
    expect(r.stdout).toContain('"bad-name" is not a valid name');
    expect(existsSync(join(root, 'asked_name', 'sm_project.yml'))).toBe(true);
    expect(existsSync(join(root, 'asked_name', 'profiles.yml'))).toBe(false);
  });
});
