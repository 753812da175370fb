import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const TWO = `
{% snapshot s_one %}
{{ config(strategy='check', unique_key='x', check_cols='all', target_schema='main') }}
select 1 as x
{% endsnapshot %}

{% snapshot s_two %}
{{ config(strategy='check', unique_key='x', check_cols='all', target_schema='main') }}
select 2 as x
{% endsnapshot %}

`;
const YAML = `snapshots:
  - name: s_yaml
    relation: ref('m')
    config: {strategy: check, unique_key: x, check_cols: all}
`;

/** Project sp on art.duckdb with a model m and `files`. */
const project = (files: Record<string, string>) =>
  writeProject({
    'profiles.yml': 'sp:\n  target: d\n  outputs:\n    d: {type: duckdb, path: art.duckdb, threads: 1}\n',
    'dbt_project.yml': "name: sp\nversion: '1.0'\nprofile: sp\n",
    'models/m.sql': 'select 1 as x\n',
    ...files,
  });

// dbt-core 1.11.16 + dbt-duckdb 1.11.1 `dbt parse` on the same files, 7 Dec 2026.
describe("the manifest of a DuckDB project, as dbt's", () => {
  it("renders target.database in schema YAML as dbt-duckdb names the file; a snapshot's checksum is its file's, stripped", async () => {
    const dir = project({
      // brooklyn-data/dbt_artifacts' integration project writes its sources so.
      'models/s.yml': `version: 2
sources:
  - name: a
    database: "{{ target.database }}"
    tables: [{name: t1}]
  - name: b
    database: "{% if target.type != 'spark' %}{{ var('zz', target.database) }}{% endif %}"
    tables: [{name: t2}]
`,
      'snapshots/two.sql': TWO,
      'snapshots/y.yml': YAML,
    });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { sources: Record<string, { database: string }>; nodes: Record<string, { checksum: { checksum: string } }> };
    // dbt: 'art' for both (sm wrote null and '' before).
    expect(Object.fromEntries(Object.entries(m.sources).map(([k, v]) => [k, v.database]))).toEqual({ 'source.sp.a.t1': 'art', 'source.sp.b.t2': 'art' });
    // dbt: 37b2d608... for both blocks of two.sql, 1e9658b6... for the YAML one.
    const sum = (id: string) => m.nodes[id]!.checksum.checksum;
    expect(sum('snapshot.sp.s_one')).toBe(sha(TWO.trim()));
    expect(sum('snapshot.sp.s_two')).toBe(sha(TWO.trim()));
    expect(sum('snapshot.sp.s_yaml')).toBe(sha(YAML.trim()));
    expect(sha(TWO.trim())).toBe('37b2d60864ffb68dd562d714a49f9600a4868ab0a1b97b215e70bc7df4365fe1');
    expect(sha(YAML.trim())).toBe('1e9658b6644dc4aa74cd6cc96f4371a752207106102ca0c41d8ac7b3b9e6858b');
  });

  it('renders target.database as the file is named in descriptions, YAML configs and the project file alike', async () => {
    const dir = project({
      'dbt_project.yml': "name: sp\nversion: '1.0'\nprofile: sp\nmodels:\n  sp:\n    +meta:\n      p: \"{{ target.database }}\"\n",
      'models/m.yml': 'models:\n  - name: m\n    description: "db is {{ target.database }}"\n    config:\n      meta:\n        y: "{{ target.database }}"\n',
    });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { description: string; config: { meta: unknown } }> };
    // dbt 1.11.16 + dbt-duckdb 1.11.1 on these files: 'db is art', {p: 'art', y: 'art'} (sm rendered the description 'db is ' before).
    expect(m.nodes['model.sp.m']!.description).toBe('db is art');
    expect(m.nodes['model.sp.m']!.config.meta).toEqual({ p: 'art', y: 'art' });
  });

  it("lists an exposure's tags sorted and its YAML config as its unrendered_config", async () => {
    const dir = project({
      'models/e.yml': `version: 2
exposures:
  - name: a
    type: dashboard
    owner: {name: x}
    tags: [atop, zz]
    meta: {m1: 1}
    depends_on: [ref('m')]
    config:
      tags: [zc1, bc]
      meta: {m2: 2}
      enabled: true
`,
    });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const e = (JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { exposures: Record<string, Record<string, unknown>> }).exposures['exposure.sp.a']!;
    // dbt: tags ['atop', 'bc', 'zc1', 'zz'] (config's too), unrendered_config {'meta': {'m2': 2}, 'tags': ['zc1', 'bc'], 'enabled': True}.
    expect(e.tags).toEqual(['atop', 'bc', 'zc1', 'zz']);
    expect((e.config as { tags: unknown }).tags).toEqual(['atop', 'bc', 'zc1', 'zz']);
    expect(e.unrendered_config).toEqual({ meta: { m2: 2 }, tags: ['zc1', 'bc'], enabled: true });
  });
});
