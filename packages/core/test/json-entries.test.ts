import { describe, expect, it } from 'vitest';
import { jsonEntriesById } from '../src/util/json-text.ts';

describe('jsonEntriesById (ls --output json of a few nodes)', () => {
  const manifest = {
    metadata: { note: 'a "model.p.a":{ in a string', braces: '}}{[' },
    nodes: {
      'model.p.a': { unique_id: 'model.p.a', raw_code: 'select \'{"x": 1}\' as "}"\\\\', config: { meta: { k: [1, { z: '\\"' }] } } },
      'model.p.b': { unique_id: 'model.p.b', name: 'b', tags: ['é', '🎵'] },
    },
    sources: { 'source.p.s.t': { unique_id: 'source.p.s.t', name: 't' } },
    exposures: { 'exposure.p.e': { unique_id: 'exposure.p.e' } },
  };
  const bytes = Buffer.from(JSON.stringify(manifest));

  it('reads each entry from its own bytes, strings with quotes, braces and backslashes included', () => {
    const got = jsonEntriesById(bytes, ['exposure.p.e', 'model.p.a', 'source.p.s.t', 'model.p.b']);
    expect(got && Object.fromEntries(got)).toEqual({
      'exposure.p.e': manifest.exposures['exposure.p.e'],
      'model.p.a': manifest.nodes['model.p.a'],
      'source.p.s.t': manifest.sources['source.p.s.t'],
      'model.p.b': manifest.nodes['model.p.b'],
    });
  });

  it('gives up (the caller parses the whole file) when an id is missing or its first match is not its entry', () => {
    expect(jsonEntriesById(bytes, ['model.p.a', 'model.p.nope'])).toBeUndefined();
    const shadowed = Buffer.from(JSON.stringify({ nodes: { 'model.p.x': { unique_id: 'model.p.x', meta: { 'model.p.y': { unique_id: 'other' } } }, 'model.p.y': { unique_id: 'model.p.y' } } }));
    expect(jsonEntriesById(shadowed, ['model.p.y'])).toBeUndefined();
    expect(jsonEntriesById(Buffer.from('{"nodes":{"model.p.a":{"unique_id":"model.p.a"'), ['model.p.a'])).toBeUndefined();
  });
});
