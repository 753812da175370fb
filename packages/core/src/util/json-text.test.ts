import { describe, expect, it } from 'vitest';
import { jsonEntriesById, jsonKeyValueAt, jsonObjectEntriesAt, jsonStringEnd, jsonText, JsonText, objectText } from './json-text.ts';

describe('jsonText', () => {
  it('writes what JSON.stringify writes when there is no bigint', () => {
    const v = { a: [1, 'x', null, { b: true }], c: 'é"\n', d: undefined };
    expect(jsonText(v)).toBe(JSON.stringify(v));
  });

  it('writes bigints as their digits, wherever they are', () => {
    expect(jsonText({ n: 12345678901234567890n, list: [1n, { m: -2n }] })).toBe('{"n":"12345678901234567890","list":["1",{"m":"-2"}]}');
  });

  it('still refuses a cycle', () => {
    const v: Record<string, unknown> = {};
    v.self = v;
    expect(() => jsonText(v)).toThrow(TypeError);
  });

  it('writes an object whose values are JSON already written as jsonText writes the whole', () => {
    const inner = { b: [1, 'é"\n', null], c: { d: 2n } };
    const whole = { a: inner, skipped: undefined, e: 'x', f: [] };
    const spliced = { a: new JsonText(jsonText(inner)), skipped: undefined, e: 'x', f: new JsonText('[]') };
    expect(objectText(spliced)).toBe(jsonText(whole));
    expect(objectText({})).toBe('{}');
    expect(JSON.parse(objectText(spliced))).toEqual({ a: { b: [1, 'é"\n', null], c: { d: '2' } }, e: 'x', f: [] });
  });
});

describe('jsonKeyValueAt and jsonStringEnd', () => {
  it("find an object's own key, not one of an object within it or text inside a string", () => {
    const text = JSON.stringify({ a: { k: 'inner' }, s: '"k":"no" },"k":', k: 'outer \\ "q"', z: 1 });
    const at = jsonKeyValueAt(text, 0, 'k')!;
    expect(text.slice(at, jsonStringEnd(text, at))).toBe(JSON.stringify('outer \\ "q"'));
    expect(jsonKeyValueAt(text, 0, 'missing')).toBeUndefined();
    expect(jsonKeyValueAt(text, text.indexOf('{', 1), 'k')).toBe(text.indexOf('"inner"'));
  });
});


describe('jsonStringEnd and jsonObjectEntriesAt', () => {
  it('end a string at its closing quote after any run of backslashes, and find entries in one walk', () => {
    for (const v of ['', 'a\\', 'a\\\\', 'q"', '\\"', 'é\n"x\\']) {
      const text = `${JSON.stringify(v)},1`;
      expect(jsonStringEnd(text, 0), v).toBe(JSON.stringify(v).length);
    }
    const text = JSON.stringify({ nodes: { 'm.a': { x: { b: 'in' }, b: null, c: 'C\\' }, 'm.b': { s: '"m.a":{', b: 'B' } }, after: { 'm.a': {} } });
    const open = text.indexOf('"nodes":');
    const at = jsonObjectEntriesAt(text, open, ['m.a', 'm.b']);
    expect(at.get('m.a')).toBe(text.indexOf('{"x"'));
    expect(at.get('m.b')).toBe(text.indexOf('{"s"'));
    // One not found after the one before it is looked for again from the start.
    const nodesOnly = text.slice(0, text.indexOf(',"after"')) + '}';
    expect(jsonObjectEntriesAt(nodesOnly, open, ['m.b', 'm.a'])).toEqual(new Map([['m.b', at.get('m.b')], ['m.a', at.get('m.a')]]));
    expect(jsonObjectEntriesAt(text, open, ['m.none']).size).toBe(0);
  });
});

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
