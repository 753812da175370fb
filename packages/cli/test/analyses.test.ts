import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

const FILES = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\n",
  'models/m.sql': 'select 1 as id union all select 2\n',
  'analyses/sub/a1.sql': "{{ config(tags=['adhoc']) }}\nselect count(*) as n from {{ ref('m') }}\n",
  'analyses/schema.yml': 'analyses:\n  - name: a1\n    description: How many ids\n',
};

/**
 * Analyses: SQL under analysis-paths, compiled and never run. What dbt-core 1.11.16 did with the
 * same files (6 Dec 2026): `dbt compile` wrote target/compiled/demo/analyses/sub/a1.sql and the
 * manifest entry below; `dbt ls` leaves analyses out unless --resource-type asks; `dbt build`
 * ran only the model; `dbt show -s a1` ran the analysis's query (n = 2). The compiled file starts
 * with the newline the config() line leaves (dbt compile, 8 Dec 2026: '\nselect count(*) ...').
 */
describe('analyses', () => {
  it('are counted as analyses by sm parse', async () => {
    const dir = writeProject({ ...FILES, 'analyses/a2.sql': 'select 2 as n\n' });
    const p = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(p.code, p.err).toBe(0);
    expect(p.out).toContain('Parsed demo: 2 analyses, 1 model;');
  });

  it("compile as dbt's do, with dbt's manifest entry, and never run", async () => {
    const dir = writeProject(FILES);
    const c = await sm('compile', '--project-dir', dir);
    expect(c.code, c.err).toBe(0);
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'analyses', 'sub', 'a1.sql'), 'utf8')).toBe('\nselect count(*) as n from "dev"."main"."m"');
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>>; child_map: Record<string, string[]> };
    const a = manifest.nodes['analysis.demo.a1']!;
    expect(a).toMatchObject({
      resource_type: 'analysis',
      path: 'analysis/sub/a1.sql',
      original_file_path: 'analyses/sub/a1.sql',
      fqn: ['demo', 'analysis', 'sub', 'a1'],
      alias: 'a1',
      description: 'How many ids',
      patch_path: 'demo://analyses/schema.yml',
      tags: ['adhoc'],
      relation_name: null,
      depends_on: { macros: [], nodes: ['model.demo.m'] },
      checksum: { name: 'sha256', checksum: '1219f22c65ab17951bb4f5aa8b0ac3cef2f370eff6abe64db732756377d789b5' },
      raw_code: "{{ config(tags=['adhoc']) }}\nselect count(*) as n from {{ ref('m') }}",
    });
    expect((a.config as Record<string, unknown>).materialized).toBe('view');
    expect(Object.keys(a)).not.toContain('access');
    expect(manifest.child_map['model.demo.m']).toEqual(['analysis.demo.a1']);

    expect((await sm('ls', '--project-dir', dir, '-q')).out).toBe('demo.m');
    expect((await sm('ls', '--project-dir', dir, '--resource-type', 'analysis', '-q')).out).toBe('demo.analysis.sub.a1');
    expect((await sm('ls', '--project-dir', dir, '--resource-type', 'all', '-q')).out.split('\n').sort()).toEqual(['demo.analysis.sub.a1', 'demo.m']);

    const b = await sm('build', '--project-dir', dir);
    expect(b.code, b.err).toBe(0);
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string }[] }).results;
    expect(results.map((r) => r.unique_id)).toEqual(['model.demo.m']);

    const shown = await sm('show', '--project-dir', dir, '-s', 'a1', '--log-format', 'json');
    expect(shown.code, shown.err).toBe(0);
    expect(shownRows(shown.out)).toEqual([{ n: 2 }]);
  });

  it('no ref() names an analysis: a model that tries is exit 2', async () => {
    const dir = writeProject({ ...FILES, 'models/bad.sql': "select * from {{ ref('a1') }}\n" });
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SM_REF_NOT_FOUND.*models\/bad\.sql/);
  });
});
