import { PY_BOOL } from '../util/yaml-lib.ts';

/**
 * Scalars for the fast YAML reader (yaml-fast.ts): plain scalars typed by the YAML 1.2 core
 * schema as the `yaml` package (v2, default options) types them, and one-line quoted scalars.
 * Anything these do not read exactly as `yaml` does makes them throw DECLINE.
 */

/** Thrown when the text is outside the subset read here; the caller hands the file to `yaml`. */
export class Decline {
  static readonly it = new Decline();
}
export const decline = (): never => {
  throw Decline.it;
};

// The core schema's tests, in the order `yaml` tries them (null, bool, octal, decimal and hex
// ints, then .inf/.nan, floats with an exponent, plain floats); the first match decides.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
// Booleans are PyYAML's (yes/no/on/off too), as yaml-file.ts configures `yaml` (util/yaml-lib.ts).
const BOOL = PY_BOOL;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** First characters that can begin a non-string plain scalar: ~ . + - digits and n N t T f F y Y o O. */
const TYPED_START = /^[~.+\-0-9nNtTfFyYoO]/;

/** The value of a plain scalar's text (already trimmed, on one line). */
export function plainValue(s: string): unknown {
  if (s === '') return null;
  if (!TYPED_START.test(s)) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return /^(?:yes|true|on)$/i.test(s);
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT_NAN.test(s)) return s.endsWith('nan') || s.endsWith('NaN') || s.endsWith('NAN') ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

/**
 * A single-quoted scalar starting at `at` (the quote) that closes before `eol`; `''` stands for
 * one quote. Returns the value and the offset after the closing quote.
 */
export function singleQuoted(src: string, at: number, eol: number): [string, number] {
  let out = '';
  let from = at + 1;
  for (;;) {
    const q = src.indexOf("'", from);
    if (q < 0 || q >= eol) return decline();
    if (src.charCodeAt(q + 1) === 0x27) {
      out += src.slice(from, q + 1);
      from = q + 2;
      continue;
    }
    return [out + src.slice(from, q), q + 1];
  }
}

/** Escapes of one character after a backslash in a double-quoted scalar, as YAML 1.2 defines them. */
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};
const HEX_LEN: Record<string, number> = { x: 2, u: 4, U: 8 };
const HEX = /^[0-9a-fA-F]+$/;

/**
 * A double-quoted scalar starting at `at` (the quote) that closes before `eol`, with its escapes.
 * Returns the value and the offset after the closing quote.
 */
export function doubleQuoted(src: string, at: number, eol: number): [string, number] {
  let out = '';
  let from = at + 1;
  for (let i = from; ; i++) {
    if (i >= eol) return decline();
    const c = src.charCodeAt(i);
    if (c === 0x22) return [out + src.slice(from, i), i + 1];
    if (c !== 0x5c) continue;
    out += src.slice(from, i);
    const e = src[i + 1];
    if (e === undefined || i + 1 >= eol) return decline();
    const one = Object.hasOwn(ESCAPES, e) ? ESCAPES[e] : undefined;
    if (one !== undefined) {
      out += one;
      i += 1;
    } else {
      const n = Object.hasOwn(HEX_LEN, e) ? HEX_LEN[e]! : decline();
      const hex = src.slice(i + 2, i + 2 + n);
      if (hex.length !== n || i + 2 + n > eol || !HEX.test(hex)) return decline();
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return decline();
      out += String.fromCodePoint(code);
      i += 1 + n;
    }
    from = i + 1;
  }
}
