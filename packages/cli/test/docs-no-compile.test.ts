import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

/**
 * `docs generate --no-compile`, as dbt-core 1.11.16 did it (7 Dec 2026, same steps): after a
 * run, with one model renamed (root_m.sql to root_x.sql, not built), it exited 0, wrote
 * catalog.json and index.html, left manifest.json and run_results.json as the run wrote them and
 * compiled nothing; the catalog held the nodes of the project as parsed now that the warehouse
 * has (other, not root_m, which is no longer a node, nor root_x, which has no table).
 */
describe('sm docs generate --no-compile', () => {
  it('parses, describes the warehouse for the project as it is, and compiles nothing', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\n",
      'models/root_m.sql': 'select 1 as id\n',
      'models/other.sql': 'select 3 as z\n',
    });
    const args = ['--project-dir', dir, '--profiles-dir', dir];
    expect((await sm('run', ...args)).code).toBe(0);
    const manifest = readFileSync(join(dir, 'target/manifest.json'), 'utf8');
    const runResults = readFileSync(join(dir, 'target/run_results.json'), 'utf8');
    rmSync(join(dir, 'target/compiled'), { recursive: true });
    renameSync(join(dir, 'models/root_m.sql'), join(dir, 'models/root_x.sql'));
    writeFileSync(join(dir, 'target/index.html'), 'old');
    const r = await sm('docs', 'generate', '--no-compile', ...args);
    expect(r.code, r.err).toBe(0);
    const catalog = JSON.parse(readFileSync(join(dir, 'target/catalog.json'), 'utf8')) as { nodes: Record<string, unknown> };
    expect(Object.keys(catalog.nodes)).toEqual(['model.demo.other']);
    expect(statSync(join(dir, 'target/index.html')).size).toBeGreaterThan(1000);
    expect(readFileSync(join(dir, 'target/manifest.json'), 'utf8')).toBe(manifest);
    expect(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).toBe(runResults);
    expect(existsSync(join(dir, 'target/compiled'))).toBe(false);

    // --compile (the default) compiles and writes both again.
    expect((await sm('docs', 'generate', '--compile', ...args)).code).toBe(0);
    expect(readFileSync(join(dir, 'target/manifest.json'), 'utf8')).toContain('model.demo.root_x');
    expect(JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).args.which).toBe('generate');
  });
});
