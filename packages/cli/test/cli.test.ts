import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm, smProcess } from './run-cli.ts';

const PROFILE = "demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n";

const query = (dir: string, sql: string) => queryDuckDb(join(dir, 'target/demo.duckdb'), sql);

function project(extra: Record<string, string> = {}): string {
  return writeProject({
    'profiles.yml': PROFILE,
    'seeds/codes.csv': 'code,name\na,Alpha\nb,"Be, ta"\n',
    'models/base.sql': "select 1 as id, 'a' as code union all select 2, 'b'",
    'models/mid.sql': "{{ config(materialized='table') }}select b.id, c.name from {{ ref('base') }} b join {{ ref('codes') }} c using (code)",
    'models/top.sql': "{{ config(materialized='table') }}select * from {{ ref('mid') }}",
    'models/other.sql': "{{ config(materialized='table') }}select 42 as answer",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: mid\n    columns:\n      - name: id\n        tests: [unique, not_null]\n',
    ...extra,
  });
}

describe('sm CLI', () => {
  it('builds seeds, models and tests in order and writes dbt-shaped artifacts', async () => {
    const dir = project();
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/seed codes/);
    expect(r.out).toMatch(/Done\. OK=7/);
    expect(await query(dir, 'select count(*)::int as n from main.top')).toEqual([{ n: 2 }]);
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    expect(rr.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/run-results/v6.json');
    expect(rr.results.map((x: { status: string }) => x.status).sort()).toEqual(['pass', 'pass', 'success', 'success', 'success', 'success', 'success']);
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    expect(m.parent_map['model.demo.top']).toEqual(['model.demo.mid']);
    expect(m.nodes['model.demo.mid'].relation_name).toBe('"demo"."main"."mid"');
    expect(existsSync(join(dir, 'target/compiled/demo/models/mid.sql'))).toBe(true);
    expect(existsSync(join(dir, 'target/run/demo/models/mid.sql'))).toBe(true);
  });

  // dbt 1.11.16 prints `main.mv_v1` and `main.mv_v2` (the relations); sm's line names the node, so
  // each version would read `mv`: it names them as selectors do.
  it("names each version of a versioned model on its progress line", async () => {
    const dir = project({ 'models/mv_v1.sql': 'select 1 as id', 'models/mv_v2.sql': 'select 2 as id', 'models/mv.yml': 'models:\n  - name: mv\n    latest_version: 2\n    versions:\n      - v: 1\n      - v: 2\n' });
    const r = await sm('run', '-s', 'mv', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/SUCCESS view mv\.v1 \./);
    expect(r.out).toMatch(/SUCCESS view mv\.v2 \./);
  });

  it('a SQL error fails that model (exit 1), skips its descendants and keeps the old table', async () => {
    const dir = project();
    expect((await sm('build', '--project-dir', dir)).code).toBe(0);
    writeFileSync(join(dir, 'models/mid.sql'), "{{ config(materialized='table') }}select nonsense from {{ ref('base') }}");
    const r = await sm('run', '--project-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Error in model mid (model.demo.mid)');
    expect(r.out).toContain('target/compiled/demo/models/mid.sql');
    expect(r.out).toMatch(/SKIPPED model top/);
    expect(r.out).toMatch(/SUCCESS table other/);
    // The failed rebuild left yesterday's table in place.
    expect(await query(dir, 'select count(*)::int as n from main.mid')).toEqual([{ n: 2 }]);
  });

  it('a failing test in build skips the descendants of the tested model; warn severity does not', async () => {
    const dir = project({ 'models/base.sql': "select 1 as id, 'a' as code union all select 1, 'b'" });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL\s+test unique_mid_id/);
    expect(r.out).toMatch(/SKIPPED model top/);
    writeFileSync(join(dir, 'models/schema.yml'), 'version: 2\nmodels:\n  - name: mid\n    columns:\n      - name: id\n        tests:\n          - unique:\n              config: {severity: warn}\n');
    const w = await sm('build', '--project-dir', dir);
    expect(w.code, w.out).toBe(0);
    expect(w.out).toMatch(/WARN\s+test unique_mid_id/);
    const retry = await sm('retry', '--project-dir', dir);
    expect(retry.out).toContain('Nothing to retry');
  });

  it('sm retry runs exactly what failed or was skipped', async () => {
    const dir = project({ 'models/mid.sql': "{{ config(materialized='table') }}select nonsense" });
    expect((await sm('build', '--project-dir', dir)).code).toBe(1);
    writeFileSync(join(dir, 'models/mid.sql'), "{{ config(materialized='table') }}select b.id from {{ ref('base') }} b");
    const r = await sm('retry', '--project-dir', dir, '--log-format', 'json');
    expect(r.code, r.out).toBe(0);
    const done = r.out.split('\n').map((l) => JSON.parse(l)).filter((e) => e.event === 'node_finished').map((e) => e.name).sort();
    expect(done).toEqual(['mid', 'not_null_mid_id', 'top', 'unique_mid_id']);
  });

  it('project and usage errors exit 2 and name the file', async () => {
    const dir = project({ 'models/bad.sql': "select * from {{ ref('nope') }}" });
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('models/bad.sql:1');
    expect((await sm('run', '--project-dir', dir, '--threads', 'x')).code).toBe(2);
    expect((await sm('run', '--no-such-flag')).code).toBe(2);
    expect((await sm('run', '--project-dir', '/nonexistent/dir')).err).toContain('SM_PROJECT_NOT_FOUND');
  });

  it('killed mid-run leaves no half-built table and the next run converges', async () => {
    const slow = "{{ config(materialized='table') }}select {{ var('v', 1) }} as v{% if var('slow', false) %}, (select count(*) from range(20000000000)) as n{% endif %}";
    const dir = project({ 'models/slowt.sql': slow, 'models/after.sql': "{{ config(materialized='table') }}select * from {{ ref('slowt') }}" });
    expect((await sm('build', '--project-dir', dir)).code).toBe(0);
    const child = smProcess(['run', '--project-dir', dir, '-s', 'slowt', '--vars', '{v: 2, slow: true}']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // Wait until the slow table has started building, then kill without warning.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (out.includes('run: 1 node')) {
          clearInterval(t);
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 700);
        }
      }, 50);
    });
    await new Promise((r) => child.on('exit', r));
    expect(await query(dir, 'select v::int as v from main.slowt')).toEqual([{ v: 1 }]);
    const tables = await query(dir, "select table_name from information_schema.tables where table_name like '%__sm_%'");
    expect(tables).toEqual([]);
    const again = await sm('run', '--project-dir', dir, '--vars', '{v: 3}');
    expect(again.code).toBe(0);
    expect(await query(dir, 'select v::int as v from main.after')).toEqual([{ v: 3 }]);
  });

  it('SIGINT cancels the running query, keeps the old table and exits 130', async () => {
    const slow = "{{ config(materialized='table') }}select {{ var('v', 1) }} as v{% if var('slow', false) %}, (select count(*) from range(20000000000)) as n{% endif %}";
    const dir = project({ 'models/slowt.sql': slow });
    expect((await sm('run', '--project-dir', dir, '-s', 'slowt')).code).toBe(0);
    const child = smProcess(['run', '--project-dir', dir, '-s', 'slowt', '--vars', '{v: 2, slow: true}']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (out.includes('run: 1 node')) {
          clearInterval(t);
          setTimeout(() => (child.kill('SIGINT'), resolve()), 500);
        }
      }, 50);
    });
    const code = await new Promise((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(out).toMatch(/CANCELLED|Interrupted/);
    expect(await query(dir, 'select v::int as v from main.slowt')).toEqual([{ v: 1 }]);
  });
});
