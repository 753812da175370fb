import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';
type Entry = Record<string, any>;
type Manifest = { nodes: Record<string, Entry>; sources: Record<string, Entry>; exposures: Record<string, Entry>; docs: Record<string, Entry> };
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as Manifest;

const SCHEMA = `version: 2
sources:
  - name: raw
    description: 'Raw: {{ doc("events_doc") }}'
    tables:
      - name: events
        description: '{{ doc("demo", "events_doc") }} Owned by {{ var("team") }}.'
        columns:
          - name: id
            description: "{{ doc('thing') }}"
  - name: land
    schema: "{{ target.schema }}_land"
    loaded_at_field: _ingested_at
    tags: [kafka]
    meta: {owner: ingest}
    quoting: {identifier: true}
    config:
      freshness:
        warn_after: {count: 1, period: hour}
    tables:
      - name: listens
        identifier: listen_events
        tags: [big]
        meta: {size: large}
        loaded_at_field: ts
models:
  - name: a
    description: '{{ doc("thing") }} and {{ doc("spaced") }}'
    columns:
      - name: id
        description: '{{ doc("thing") }}'
  - name: c
    description: '{{ doc("pkgdoc") }} {{ doc("pkg", "thing") }} {{ doc("thing") }}'
  - name: b
    description: 'plain {{ "text" | upper }} {{ target.name }} {{ env_var("SM_DOC_TEST_UNSET", "h") }}'
seeds:
  - name: s
    description: '{{ doc("thing") }}'
exposures:
  - name: dash
    type: dashboard
    owner: {name: me, email: me@x.io}
    description: '{{ doc("thing") }}'
    depends_on: [ref('a')]
`;

const FILES = {
  'profiles.yml': PROFILE,
  'sm_project.yml': 'name: demo\nprofile: demo\nvars:\n  team: data-eng\n',
  'packages.yml': 'packages:\n  - local: pkg\n',
  'models/a.sql': 'select 1 as id',
  'models/b.sql': "select * from {{ source('raw', 'events') }}",
  'models/c.sql': 'select 2 as y',
  'models/a.yml': SCHEMA,
  'models/docs.md': '{% docs thing %}\nThe **thing** column.\n{% enddocs %}\n\n{%- docs spaced -%}\n\n  Indented {{ 1 + 1 }} lines\n  {% raw %}{{ not rendered }}{% endraw %}\n\n{%- enddocs -%}\n',
  'models/sub/more.md': '{% docs events_doc %}\nEvents landed from Kafka.\n{% enddocs %}\n',
  // Not a docs path by default: dbt reads .md files in the resource folders only.
  'docs/outside.md': '{% docs outside %}only in docs/{% enddocs %}\n',
  'seeds/s.csv': 'id,name\n1,x\n',
  'pkg/dbt_project.yml': "name: pkg\nversion: '1.0'\nprofile: demo\n",
  'pkg/models/p.sql': 'select 1 as x',
  'pkg/models/p.yml': 'version: 2\nmodels:\n  - name: p\n    description: \'{{ doc("thing") }} / {{ doc("pkgdoc") }} / {{ doc("pkg", "thing") }}\'\n',
  'pkg/models/p.md': '{% docs thing %}package thing{% enddocs %}\n{% docs pkgdoc %}only in the package{% enddocs %}\n',
};

// Every expected value was recorded from `dbt deps && dbt parse` (dbt-core 1.11.16, dbt-duckdb
// 1.11.1) on the same files, 5 Dec 2026.
describe('docs blocks and rendered descriptions, as dbt 1.11', () => {
  it('renders doc(), var(), env_var() and target in descriptions, lists doc_blocks, and writes the docs to manifest.json', async () => {
    const dir = writeProject(FILES);
    expect((await sm('deps', '--project-dir', dir)).code).toBe(0);
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const m = manifestOf(dir);
    const node = (id: string) => m.nodes[id] ?? m.sources[id] ?? m.exposures[id]!;
    expect(node('model.demo.a').description).toBe('The **thing** column. and Indented 2 lines\n  {{ not rendered }}');
    expect(node('model.demo.a').doc_blocks).toEqual(['doc.demo.thing', 'doc.demo.spaced']);
    expect(node('model.demo.a').columns.id).toMatchObject({ description: 'The **thing** column.', doc_blocks: ['doc.demo.thing'] });
    expect(node('model.demo.b')).toMatchObject({ description: 'plain TEXT dev h', doc_blocks: [] });
    // The root project's block wins over the package's of the same name, in the package's own models too.
    expect(node('model.demo.c')).toMatchObject({ description: 'only in the package package thing The **thing** column.', doc_blocks: ['doc.pkg.pkgdoc', 'doc.pkg.thing', 'doc.demo.thing'] });
    expect(node('model.pkg.p')).toMatchObject({ description: 'The **thing** column. / only in the package / package thing', doc_blocks: ['doc.demo.thing', 'doc.pkg.pkgdoc', 'doc.pkg.thing'] });
    expect(node('seed.demo.s')).toMatchObject({ description: 'The **thing** column.', doc_blocks: ['doc.demo.thing'] });
    expect(node('source.demo.raw.events')).toMatchObject({
      description: 'Events landed from Kafka. Owned by data-eng.',
      source_description: 'Raw: Events landed from Kafka.',
      doc_blocks: ['doc.demo.events_doc'],
    });
    expect(node('source.demo.raw.events').columns.id).toMatchObject({ description: 'The **thing** column.', doc_blocks: ['doc.demo.thing'] });
    expect(node('exposure.demo.dash').description).toBe('The **thing** column.');
    expect(m.docs).toEqual({
      'doc.demo.thing': { name: 'thing', resource_type: 'doc', package_name: 'demo', path: 'docs.md', original_file_path: 'models/docs.md', unique_id: 'doc.demo.thing', block_contents: 'The **thing** column.' },
      'doc.demo.spaced': { name: 'spaced', resource_type: 'doc', package_name: 'demo', path: 'docs.md', original_file_path: 'models/docs.md', unique_id: 'doc.demo.spaced', block_contents: 'Indented 2 lines\n  {{ not rendered }}' },
      'doc.demo.events_doc': { name: 'events_doc', resource_type: 'doc', package_name: 'demo', path: 'sub/more.md', original_file_path: 'models/sub/more.md', unique_id: 'doc.demo.events_doc', block_contents: 'Events landed from Kafka.' },
      'doc.pkg.thing': { name: 'thing', resource_type: 'doc', package_name: 'pkg', path: 'p.md', original_file_path: 'models/p.md', unique_id: 'doc.pkg.thing', block_contents: 'package thing' },
      'doc.pkg.pkgdoc': { name: 'pkgdoc', resource_type: 'doc', package_name: 'pkg', path: 'p.md', original_file_path: 'models/p.md', unique_id: 'doc.pkg.pkgdoc', block_contents: 'only in the package' },
    });
    // dbt's source entry: every key in its order, the YAML's schema before rendering, quoting and the source's own meta.
    const land = node('source.demo.land.listens');
    expect(Object.keys(land)).toEqual([
      'database', 'schema', 'name', 'resource_type', 'package_name', 'path', 'original_file_path', 'unique_id', 'fqn', 'source_name', 'source_description', 'loader', 'identifier',
      'quoting', 'loaded_at_field', 'loaded_at_query', 'freshness', 'external', 'description', 'columns', 'meta', 'source_meta', 'tags', 'config', 'patch_path', 'unrendered_config',
      'relation_name', 'created_at', 'unrendered_database', 'unrendered_schema', 'doc_blocks',
    ]);
    expect(land).toMatchObject({
      schema: 'main_land',
      quoting: { database: null, schema: null, identifier: true, column: null },
      loaded_at_field: 'ts',
      loaded_at_query: null,
      meta: { owner: 'ingest', size: 'large' },
      source_meta: { owner: 'ingest' },
      tags: ['big', 'kafka'],
      patch_path: null,
      unrendered_config: { freshness: { warn_after: { count: 1, period: 'hour' }, error_after: { count: null, period: null }, filter: null }, loaded_at_field: 'ts', loaded_at_query: null, meta: { owner: 'ingest', size: 'large' }, tags: ['big', 'kafka'] },
      unrendered_database: null,
      unrendered_schema: '{{ target.schema }}_land',
      doc_blocks: [],
    });
    expect(node('source.demo.raw.events')).toMatchObject({ unrendered_schema: null, quoting: { database: null, schema: null, identifier: null, column: null }, unrendered_config: { loaded_at_field: null, loaded_at_query: null, meta: {}, tags: [] } });
  });

  it('a doc that does not exist, two blocks of one name, or doc() with three arguments stop the command (exit 2) naming the node and the file', async () => {
    const dir = writeProject(FILES);
    expect((await sm('deps', '--project-dir', dir)).code).toBe(0);
    const yml = join(dir, 'models', 'a.yml');
    writeFileSync(yml, SCHEMA.replace('doc("thing") }} and', 'doc("nope") }} and'));
    let r = await sm('compile', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain("error SM_DOC_NOT_FOUND at models/a.yml: The description of model.demo.a reads doc 'nope', which is not defined");
    expect(r.err).toContain('{% docs nope %}');
    writeFileSync(yml, SCHEMA.replace('doc("demo", "events_doc")', 'doc("other", "events_doc")'));
    r = await sm('parse', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain("The description of source.demo.raw.events reads doc 'events_doc' in package 'other', which is not defined");
    writeFileSync(yml, SCHEMA.replace('doc("thing") }} and', 'doc("a", "b", "c") }} and'));
    r = await sm('parse', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('The description of model.demo.a in models/a.yml could not be rendered: doc() takes a name, or a package and a name (got 3 arguments)');
    writeFileSync(yml, SCHEMA);
    writeFileSync(join(dir, 'models', 'sub', 'dup.md'), 'intro\n\n{% docs thing %}again{% enddocs %}\n');
    r = await sm('run', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain("error SM_DOC_DUPLICATE at models/sub/dup.md:3: Two docs blocks are named 'thing' in demo: models/docs.md and models/sub/dup.md");
    rmSync(join(dir, 'models', 'sub', 'dup.md'));
    // dbt: "Reached EOF without finding a close tag for docs".
    writeFileSync(join(dir, 'models', 'sub', 'open.md'), 'intro\n{% docs never_closed %}\ntext\n');
    r = await sm('parse', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error SM_DOC_INVALID at models/sub/open.md:2: The docs block opened at models/sub/open.md:2 has no {% enddocs %}');
    // Where sm differs on purpose: dbt files `{% docs 1bad %}` as a doc named None; sm says what is wrong.
    writeFileSync(join(dir, 'models', 'sub', 'open.md'), '{% docs 1bad %}x{% enddocs %}\n');
    r = await sm('parse', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain("The docs block name '1bad' in models/sub/open.md is not a name");
    rmSync(join(dir, 'models', 'sub', 'open.md'));
    // Found by the template's tokens, as dbt's block searcher: a docs tag inside {% raw %} or a comment is no block;
    // doc_blocks lists only whole `{{ doc(...) }}` expressions (not one in a comment, nor one under a filter).
    writeFileSync(join(dir, 'models', 'sub', 'raw.md'), 'Example:\n{% raw %}{% docs example_only %}not a block{% enddocs %}{% endraw %}\n{# {% docs commented %}x{% enddocs %} #}\n');
    writeFileSync(yml, SCHEMA.replace(`'{{ doc("thing") }} and {{ doc("spaced") }}'`, `'{{ doc("thing") }} {# {{ doc("spaced") }} #} and {{ doc("thing") | upper }}'`));
    r = await sm('parse', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const parsed = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as Manifest;
    expect(Object.keys(parsed.docs).filter((k) => k.startsWith('doc.demo.'))).toEqual(['doc.demo.thing', 'doc.demo.spaced', 'doc.demo.events_doc']);
    expect(parsed.nodes['model.demo.a']).toMatchObject({ description: 'The **thing** column.  and THE **THING** COLUMN.', doc_blocks: ['doc.demo.thing'] });
    rmSync(join(dir, 'models', 'sub', 'raw.md'));
    // `docs-paths:` replaces the default: docs/ is read, the models' blocks are not.
    writeFileSync(join(dir, 'sm_project.yml'), 'name: demo\nprofile: demo\nvars:\n  team: data-eng\ndocs-paths: [docs]\n');
    writeFileSync(yml, "version: 2\nmodels:\n  - name: a\n    description: '{{ doc(\"outside\") }}'\n");
    rmSync(join(dir, 'models', 'b.sql'));
    r = await sm('parse', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const m = manifestOf(dir);
    expect(m.nodes['model.demo.a']!.description).toBe('only in docs/');
    expect(Object.keys(m.docs).filter((k) => k.startsWith('doc.demo.'))).toEqual(['doc.demo.outside']);
    // The package keeps its own default docs paths: its doc("thing") now finds its own block.
    expect(m.nodes['model.pkg.p']!.description).toBe('package thing / only in the package / package thing');
  });
});
