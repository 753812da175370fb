import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

const FILES = {
  'profiles.yml': PROFILE,
  'models/a.sql': "select 1 as id, 'x' as label",
  'models/a.yml': [
    'models:',
    '  - name: a',
    '    columns:',
    '      - name: id',
    '        meta: {owner: ann, pk: false}',
    '        tags: [key]',
    '        config:',
    '          meta: {pk: true}',
    '          tags: [ident]',
    '        mapping_note: map the id here',
    '      - name: label',
  ].join('\n'),
  'models/b.sql': [
    "{% set cols = graph.nodes['model.demo.a'].columns if execute else {} %}",
    "{% set id = cols.get('id') %}",
    'select \'{{ id.config.meta.pk if id else "" }}\' as config_pk, \'{{ id.meta.owner if id else "" }}\' as owner, \'{{ id.meta.pk if id else "" }}\' as meta_pk,',
    '  \'{{ (id.tags | sort | join(",")) if id else "" }}\' as tags, \'{{ (id.config.tags | sort | join(",")) if id else "" }}\' as config_tags, \'{{ id.mapping_note if id else "" }}\' as note,',
    '  \'{{ (cols.get("label").config.meta | length) if id else "" }}\' as label_meta_count',
  ].join('\n'),
};

// Recorded from `dbt show -s b --output json` and dbt's manifest.json (dbt-core 1.11.16, dbt-duckdb
// 1.11.1) on the same files, 6 Dec 2026: dbt merges a column's `config:` meta over its `meta:` and
// its config tags with its tags, gives both as the column's meta/tags and config, and keeps keys
// it does not read (`mapping_note`) on the column, in the manifest and in `graph`.
describe("a YAML column's config, as dbt 1.11 lists it", () => {
  it('merges config meta and tags, and keeps other keys, in graph and manifest.json', async () => {
    const dir = writeProject(FILES);
    const r = await sm('show', '-s', 'b', '--log-format', 'json', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(shownRows(r.out)).toEqual([{ config_pk: 'True', owner: 'ann', meta_pk: 'True', tags: 'ident,key', config_tags: 'ident,key', note: 'map the id here', label_meta_count: '0' }]);
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { columns: Record<string, { tags: string[]; config: { tags: string[] } }> }> };
    const id = m.nodes['model.demo.a']!.columns.id!;
    // dbt lists the tags in a Python set's order.
    expect({ ...id, tags: [...id.tags].sort(), config: { ...id.config, tags: [...id.config.tags].sort() } }).toEqual({
      name: 'id',
      description: '',
      meta: { owner: 'ann', pk: true },
      data_type: null,
      constraints: [],
      quote: null,
      config: { meta: { owner: 'ann', pk: true }, tags: ['ident', 'key'] },
      tags: ['ident', 'key'],
      granularity: null,
      doc_blocks: [],
      mapping_note: 'map the id here',
    });
  });
});
