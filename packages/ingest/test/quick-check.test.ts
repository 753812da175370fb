/**
 * The quick check may only say "certainly fine" for values the strict check accepts: a wrong
 * "yes" would land a record that should be a dead letter. Tricky values by hand, then many
 * deterministic mutations of real events, each checked against `mapRecord`.
 */
import { describe, expect, it } from 'vitest';
import { mapRecord } from '../src/kafka/map-record.ts';
import { QuickCheck } from '../src/quick-check.ts';
import { TOPIC_FIELDS } from '../src/raw-schema.ts';
import { serializeEvent } from '../src/serialize-event.ts';
import { Prng } from '../src/prng.ts';
import { sampleEvents } from './kafka/events.ts';

const T = 'page_view_events' as const;
const quick = new QuickCheck(TOPIC_FIELDS[T]);
const yes = (s: string | Buffer) => {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s);
  return quick.accepts(b, 0, b.length);
};
const base = { ts: 1717200117559, sessionId: 1, page: 'Home', auth: 'Guest', method: 'GET', status: 200, level: 'free', itemInSession: 0, city: 'Tulsa', zip: '74105', state: 'OK', userAgent: 'x', lon: -95.9, lat: 36.1 };
const ev = (over: Record<string, unknown>) => serializeEvent({ ...base, ...over });

describe('QuickCheck', () => {
  it.each([
    ['a plain event', ev({}), true],
    ['padded and ending with a newline', `  ${ev({})} \t\r\n`, true],
    ['optional user fields, null', ev({ userId: null, firstName: null }), true],
    ['unknown fields, nested', ev({ extra: { a: [1, { b: null }], c: 'd' } }), true],
    ['escapes in strings', ev({ page: 'a\\"b\\\\c\\u00e9\\n' }), true],
    ['a required field missing', serializeEvent({ ...base, ts: undefined }), false],
    ['a required field null', ev({ ts: null }), false],
    ['a number in a string field', ev({ zip: 74105 }), false],
    ['a string in a number field', ev({ ts: '1717200117559' }), false],
    ['a fraction in an integer field', ev({ status: 200.5 }), false],
    ['1.0 in an integer field (JSON.parse says 1: the slow check decides)', ev({}).replace('"status":200', '"status":200.0'), false],
    ['an exponent (the slow check decides)', ev({ lon: 1e300 }), false],
    ['an integer past 32 bits', ev({ status: 2 ** 31 }), false],
    ['the smallest 32-bit integer', ev({ status: -(2 ** 31) }), true],
    ['a bigint past 2^53', ev({}).replace('"ts":1717200117559', '"ts":90071992547409930'), false],
    ['a boolean as 1', ev({}).replace('"status":200', '"status":true'), false],
    ['a duplicate field', ev({}).replace('"page":"Home"', '"page":"Home","page":"Away"'), false],
    ['a duplicate unknown field', ev({}).replace('{', '{"x":1,"x":2,'), false],
    ['an escaped key', ev({}).replace('"page"', '"pa\\u0067e"'), false],
    // Keys are matched against the field expected next in one pass: a longer key that starts with its name is another key.
    ['an unknown key that starts with the next field\'s name', ev({}).replace('"sessionId":1', '"sessionIdx":"a","sessionId":1'), true],
    ['a value cut inside the next field\'s name', ev({}).slice(0, ev({}).indexOf('"sessionId"') + 5), false],
    ['a lone surrogate escape', ev({}).replace('Home', 'a\\ud800b'), false],
    ['a raw control character in a string', ev({}).replace('Home', 'Ho\tme'), false],
    ['a line break between tokens', ev({}).replace(',"page"', ',\n"page"'), false],
    ['an array', '[1,2]', false],
    ['not JSON', '{"ts": 1', false],
    ['trailing garbage', `${ev({})} x`, false],
    ['two objects', `${ev({})}${ev({})}`, false],
    ['a trailing comma', ev({}).replace(/}$/, ',}'), false],
    ['a leading zero', ev({}).replace('"status":200', '"status":0200'), false],
    ['empty', '', false],
  ])('%s', (_name, value, expected) => {
    expect(yes(value)).toBe(expected);
    if (expected) expect(mapRecord(T, Buffer.from(value)).ok).toBe(true);
  });

  // Strings are scanned four bytes at a time from aligned words: a quote, backslash or control
  // byte must be found at every position within a word, wherever the value starts in its buffer.
  it.each([
    ['a raw control character', '\x01', false],
    ['a raw tab', '\t', false],
    ['a raw line break', '\n', false],
    ['an escaped quote', '\\"', true],
    ['an escaped backslash', '\\\\', true],
    ['an escaped surrogate', '\\udc00', false],
    ['an unescaped quote', '"', false],
    ['two-byte UTF-8', '\u00e9', true],
    ['DEL and a byte past 0x7f', '\x7f\u0080', true],
  ])('%s at every position of a long string', (_name, piece, expected) => {
    for (let pad = 0; pad < 4; pad++) {
      for (let k = 0; k < 24; k++) {
        const text = ev({ userAgent: `${'a'.repeat(k)}\u2603${'b'.repeat(24 - k)}` }).replace('\u2603', piece);
        const inside = Buffer.from(`${' '.repeat(pad)}${text}`);
        // A fresh ArrayBuffer, so that the value's offset in it is `pad` and the words align as the loop says.
        const b = new Uint8Array(inside.length);
        b.set(inside);
        expect(quick.accepts(b, pad, b.length), `${JSON.stringify(text)} at ${pad}`).toBe(expected);
        expect(quick.accepts(b.subarray(pad), 0, b.length - pad), `${JSON.stringify(text)} in a view at ${pad}`).toBe(expected);
        if (expected) expect(mapRecord(T, Buffer.from(text)).ok).toBe(true);
      }
    }
  });

  it('is not sure of a value that has a reserved key, wherever it stands', () => {
    const reserving = new QuickCheck(TOPIC_FIELDS[T], ['_sm_offset', '_sm_partition']);
    const ok = (s: string) => reserving.accepts(Buffer.from(s), 0, Buffer.byteLength(s));
    expect(ok(ev({}))).toBe(true);
    expect(ok(ev({}).replace('{', '{"_sm_offset":1,'))).toBe(false);
    expect(ok(ev({}).replace(/}$/, ',"_sm_partition":"x"}'))).toBe(false);
    // Nested, the key is only part of an unknown field's value.
    expect(ok(ev({ extra: { _sm_offset: 1 } }))).toBe(true);
  });

  it('never accepts what mapRecord rejects, over many mutations of real events', () => {
    const events = sampleEvents({ users: 20, hours: 6, seed: 4 }).events.filter((e) => e.topic === T).slice(0, 200).map((e) => serializeEvent(e.event));
    const prng = new Prng(99);
    const rnd = () => prng.nextUint32() / 2 ** 32;
    const pieces = ['"', '\\', ',', ':', '{', '}', '[', ']', '-', '.', 'e', '0', '9', ' ', '\n', '\t', 'null', 'true', '"x"', '\\u', 'ffff', '\u00e9', '\ud83c\udfb5'];
    let accepted = 0;
    let checked = 0;
    for (let n = 0; n < 20_000; n++) {
      let s = events[n % events.length]!;
      for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
        const at = Math.floor(rnd() * s.length);
        const op = rnd();
        if (op < 0.4) s = s.slice(0, at) + pieces[Math.floor(rnd() * pieces.length)] + s.slice(at);
        else if (op < 0.8) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 4));
        else s = s.slice(0, at) + pieces[Math.floor(rnd() * pieces.length)] + s.slice(at + 1);
      }
      const b = Buffer.from(s);
      if (!quick.accepts(b, 0, b.length)) continue;
      accepted++;
      checked++;
      const m = mapRecord(T, b);
      expect(m.ok, s).toBe(true);
    }
    // The mutations must leave enough accepted values for the check to mean something.
    expect(accepted).toBeGreaterThan(1000);
    expect(checked).toBe(accepted);
  });
});
