import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintOfConfig, unitTestChecksum } from './state-fingerprint.ts';

/** The definition the fingerprints must keep (sm-state.json files written earlier are compared with new ones): SHA-256 of JSON.stringify of a copy with sorted keys. */
function reference(v: unknown): string {
  const norm = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(norm) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, norm((x as Record<string, unknown>)[k])])) : x;
  return createHash('sha256').update(JSON.stringify(norm(v ?? {}))).digest('hex');
}

/** What fingerprintOfConfig must answer: the config without what state:modified ignores, and the relation keys. */
function expected(cfg: Record<string, unknown>) {
  const compared = Object.fromEntries(Object.entries(cfg).filter(([k, v]) => !['tags', 'alias', 'schema', 'database', 'group', 'meta', 'docs', 'description'].includes(k) && v !== null && v !== undefined && !(k === 'enabled' && v === true)));
  const relation = { database: cfg.database ?? null, schema: cfg.schema ?? null, alias: cfg.alias ?? null };
  return { checksum: 'c', configHash: reference(compared), relationHash: reference(relation) };
}

describe('state fingerprints', () => {
  const configs: Record<string, unknown>[] = [
    {},
    { materialized: 'table', tags: ['a'], schema: 'x' },
    { materialized: 'incremental', unique_key: ['id', 'ts'], on_schema_change: 'append_new_columns', post_hook: [{ sql: 'select 1', transaction: true }] },
    { b: 1, a: { d: [1, 'two', null, undefined, () => 0, { z: 1, y: [true, false] }], c: undefined }, e: -0.5e-7, f: 'é"\\\n\u2028', g: 12345678901234567890 },
    { nested: { when: new Date(0), set: new Set([1]), map: new Map([[1, 2]]), sym: Symbol('s') }, '10': 1, '9': 2, ' ': [[], {}] },
    { enabled: true, persist_docs: { relation: true, columns: false }, grants: { select: ['r1', 'r2'] }, meta: { owner: 'x' } },
  ];

  it('hash configs and relations exactly as the sorted-copy definition does', () => {
    for (const cfg of configs) expect(fingerprintOfConfig('c', cfg)).toEqual(expected(cfg));
  });

  it('answer the same from the texts a pass has already hashed', () => {
    const hashed = new Map<string, string>();
    for (const round of [1, 2]) for (const cfg of configs) expect(fingerprintOfConfig('c', cfg, hashed), `round ${round}`).toEqual(expected(cfg));
    expect(hashed.size).toBeGreaterThan(0);
  });

  it("leave out a seed's, snapshot's and test's own materialization, which dbt's unrendered_config lacks", () => {
    // dbt 1.11's manifest for a seed configured only with +tags: unrendered_config {tags: [raw]}; sm loads materialized: seed.
    expect(fingerprintOfConfig('c', { materialized: 'seed', tags: ['raw'] })).toEqual(fingerprintOfConfig('c', { tags: ['raw'] }));
    expect(fingerprintOfConfig('c', { materialized: 'snapshot', strategy: 'check' })).toEqual(fingerprintOfConfig('c', { strategy: 'check' }));
    expect(fingerprintOfConfig('c', { materialized: 'test', alias: 'x' })).toEqual(fingerprintOfConfig('c', { alias: 'x' }));
    expect(fingerprintOfConfig('c', { materialized: 'table' })).not.toEqual(fingerprintOfConfig('c', {}));
  });

  it('hash unit tests as the definition does, and tell apart what differs', () => {
    const u = { given: [{ input: "ref('a')", rows: [{ id: 1, b: null }] }], expect: { rows: [{ id: 1 }] }, overrides: { vars: { x: [1, { b: 2, a: 1 }] } } };
    // Fixtures as a manifest writes them: format dict and fixture null when unset (dbt's unit_tests entries).
    expect(unitTestChecksum(u)).toBe(reference([u.given.map((g) => ({ ...g, format: 'dict', fixture: null })), { ...u.expect, format: 'dict', fixture: null }, u.overrides]));
    expect(unitTestChecksum({ ...u, given: [{ ...u.given[0]!, format: 'dict', fixture: null }] })).toBe(unitTestChecksum(u));
    expect(unitTestChecksum({})).toBe(reference([[], {}, null]));
    expect(unitTestChecksum({ ...u, expect: { rows: [{ id: 2 }] } })).not.toBe(unitTestChecksum(u));
    // Key order does not matter; array order does.
    expect(unitTestChecksum({ ...u, overrides: { vars: { x: [1, { a: 1, b: 2 }] } } })).toBe(unitTestChecksum(u));
    expect(unitTestChecksum({ ...u, overrides: { vars: { x: [{ b: 2, a: 1 }, 1] } } })).not.toBe(unitTestChecksum(u));
  });

  it('agree with the definition on 500 random configs (keys that look like numbers included)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const keys = ['a', 'b', 'B', '1', '01', '10', '2', '-1', '4294967294', '4294967295', '1.5', '', 'é', 'z z'];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.3) return [1, -2.5, 'x', '', null, undefined, true, 1e21][Math.floor(rand() * 8)];
      if (r < 0.55) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 5) }, () => [keys[Math.floor(rand() * keys.length)]!, value(depth + 1)]));
    };
    for (let i = 0; i < 500; i++) {
      const cfg = { x: value(0), [keys[i % keys.length]!]: value(1) };
      expect(fingerprintOfConfig('c', cfg), JSON.stringify(cfg)).toEqual(expected(cfg));
    }
  });
});
