import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dbtTestHash, genericTestName, pyStr } from '../src/project/test-nodes.ts';
import type { TestDecl } from '../src/project/schema-yaml.ts';
import type { SourceNode } from '../src/types.ts';
import { renderKey } from '../src/render/render-cache.ts';
import { pythonRepr } from '../src/util/py-repr.ts';
import type { NodeConfig } from '../src/types.ts';

/** The definition dbtTestHash had before it wrote the repr in one pass: a sorted copy of the metadata, then pythonRepr of it. */
function sortedCopyHash(name: string, metadata: Record<string, unknown>): string {
  const hashable = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(hashable) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, hashable((v as Record<string, unknown>)[k])])) : pyStr(v);
  return createHash('md5').update(name + pythonRepr(hashable(metadata))).digest('hex').slice(-10);
}

describe('generic test hash', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['not_null_a_id', { name: 'not_null', kwargs: { column_name: 'id', model: "{{ get_where_subquery(ref('a')) }}" }, namespace: null }],
    ['accepted_values_a_s__x__y', { name: 'accepted_values', kwargs: { column_name: 's', values: ['x', "it's", 'q"uote', 1, 2.5, true, null], quote: false }, namespace: null }],
    ['rel', { name: 'relationships', kwargs: { to: "ref('b')", field: 'id', nested: { z: 1, a: [{ d: 2, c: 'é\n' }], '10': 'ten', '2': 'two', '01': 'lead', b: undefined } }, namespace: 'dbt_utils' }],
    ['dates', { name: 'x', kwargs: { at: new Date(0), big: 12345678901234567890n, n: -0.000001, e: {}, l: [] }, namespace: null }],
  ];
  it('is the hash of the sorted copy of its metadata (keys as an object made from them orders them)', () => {
    for (const [name, meta] of cases) expect(dbtTestHash(name, meta)).toBe(sortedCopyHash(name, meta));
  });
  it('is dbt-core 1.11\'s for a not_null test', () => {
    // dbt's id for not_null on a.id in project dm (depends-on-macros.test.ts holds the whole id).
    expect(dbtTestHash('not_null_a_id', { name: 'not_null', kwargs: { column_name: 'id', model: "{{ get_where_subquery(ref('a')) }}" }, namespace: null })).toBe('c1cebc1440');
  });
});

describe('generic test name', () => {
  it("puts a namespaced test's package before source_, as dbt-core 1.11.16 named it (Mattermost's cws source)", () => {
    const decl = { testName: 'unique_combination_of_columns', namespace: 'dbt_utils', kwargs: { combination_of_columns: ['licenseid', 'trialrequestid'] }, config: {}, location: { file: 'x.yml' } } as TestDecl;
    const source = { resourceType: 'source', sourceName: 'cws', name: 'trialrequestlicenses' } as SourceNode;
    const { name, alias } = genericTestName(decl, source);
    // dbt's recorded node: test.mattermost_analytics.<name>.8126a6618f, alias dbt_utils_source_unique_combin_d656c60508167e5b6392e43cb6eefd84.
    expect(name).toBe('dbt_utils_source_unique_combination_of_columns_cws_trialrequestlicenses_licenseid__trialrequestid');
    expect(alias).toBe('dbt_utils_source_unique_combin_d656c60508167e5b6392e43cb6eefd84');
    const meta = { name: 'unique_combination_of_columns', kwargs: { combination_of_columns: ['licenseid', 'trialrequestid'], model: "{{ get_where_subquery(source('cws', 'trialrequestlicenses')) }}" }, namespace: 'dbt_utils' };
    expect(dbtTestHash(name, meta)).toBe('8126a6618f');
  });
});

describe('render key', () => {
  const old = (config: object) => createHash('sha1').update(JSON.stringify(config, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).digest('hex').slice(0, 16);
  it('digests the config as before, bigints included', () => {
    for (const config of [{ materialized: 'view', tags: ['a'], meta: { x: 1 } }, { materialized: 'table', meta: { big: 10n ** 20n } }]) {
      expect(renderKey({ checksum: 'c', rawCode: 'select 1', config: config as unknown as NodeConfig })).toBe(`c:8:${old(config)}`);
    }
  });
});
