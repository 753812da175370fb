import { MapLoc, Result, SeqLoc, type FastYaml, type Loc } from './yaml-fast-loc.ts';
import { Decline, decline, doubleQuoted, plainValue, singleQuoted } from './yaml-fast-scalar.ts';

export type { FastYaml } from './yaml-fast-loc.ts';

/** Characters the reader leaves to `yaml`: tabs, CR, BOM, C0/C1 controls and the Unicode line separators. */
const UNREAD = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

/**
 * A fast reader for the block-style YAML that schema files are written in, giving exactly the
 * data and locations the `yaml` package gives (parseDocument with uniqueKeys, then toJS), or
 * nothing at all so the caller hands the text to `yaml`.
 *
 * What it reads: block mappings and sequences (a sequence may sit at its key's indentation, an
 * item may hold a mapping or another sequence on its own line), plain scalars typed by the YAML
 * 1.2 core schema, single- and double-quoted scalars on one line, one-line flow sequences and
 * mappings (`[a, b]`, `{name: x, data_type: y}`), `|` `|-` `>` `>-` block scalars, comments,
 * blank lines and one leading `---`. Everything else (anchors, aliases, tags, directives, more
 * documents, `?` keys, keys that are not strings or are repeated, multi-line plain, quoted or
 * flow values, tabs, carriage returns, control characters, and any syntax error) makes it
 * decline: `yaml` then reads the file, reporting errors as before.
 *
 * Returns the data and locations of `src`, or undefined when it is outside that subset.
 */
export function parseFastYaml(src: string): FastYaml | undefined {
  if (UNREAD.test(src)) return undefined;
  try {
    return new Reader(src).document();
  } catch (e) {
    // RangeError: nesting deeper than the stack; `yaml` reports that as before.
    if (e === Decline.it || e instanceof RangeError) return undefined;
    throw e;
  }
}

const BLANK = 0;
const COMMENT = 1;
const CONTENT = 2;
const SP = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;

/** Characters that cannot begin a plain scalar or key here ('-' is checked apart). */
const BAD_START = new Set([...',[]{}#&*!|>\'"%@`?:'].map((c) => c.charCodeAt(0)));
/** Flow indicators, which end a plain scalar inside [ ] and { }. */
const FLOW_END = new Set([...',[]{}'].map((c) => c.charCodeAt(0)));
/** Keys left to `yaml`: `__proto__` (toJS defines it as an own property) and the merge key `<<`. */
const ordinaryKey = (k: string): boolean => k !== '__proto__' && k !== '<<';
/** `yaml` refuses implicit keys longer than 1024 characters. */
const MAX_KEY = 1000;

class Reader {
  readonly src: string;
  /** Offset of each line's first character, and the length of the text plus one after the last line. */
  readonly starts: number[] = [0];
  readonly indents: number[] = [];
  readonly kinds: number[] = [];
  readonly count: number;
  /** The line of the first `---` or `...` at column 0, -1 if none; `markers` counts them. */
  marker = -1;
  markers = 0;
  /** Set by each value read: where it came from, and the next line with content after it. */
  loc: Loc = 0;
  line = 0;
  /** Set by plainEnd: the end of the scalar's text and why it stopped. */
  pEnd = 0;
  pStop: 'eol' | 'comment' | 'colon' = 'eol';
  pColon = false;

  constructor(src: string) {
    this.src = src;
    for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) this.starts.push(i + 1);
    this.count = this.starts.length;
    this.starts.push(src.length + 1);
    for (let li = 0; li < this.count; li++) {
      const s = this.starts[li]!;
      const eol = this.starts[li + 1]! - 1;
      let i = s;
      while (i < eol && src.charCodeAt(i) === SP) i++;
      this.indents.push(i - s);
      this.kinds.push(i === eol ? BLANK : src.charCodeAt(i) === HASH ? COMMENT : CONTENT);
      if (i === s && (src.startsWith('---', s) || src.startsWith('...', s))) {
        if (this.marker < 0) this.marker = li;
        this.markers++;
      }
    }
  }

  eolOf(li: number): number {
    return this.starts[li + 1]! - 1;
  }

  /** The first line at or after `li` with content (not blank, not only a comment), or `count`. */
  nextContent(li: number): number {
    while (li < this.count && this.kinds[li] !== CONTENT) li++;
    return li;
  }

  /** Whether `at` holds a block sequence indicator: '-' then a space or the end of the line. */
  isDash(at: number): boolean {
    if (this.src.charCodeAt(at) !== DASH) return false;
    const c = this.src.charCodeAt(at + 1);
    return c === SP || c === 0x0a || Number.isNaN(c);
  }

  skipSpaces(i: number): number {
    while (this.src.charCodeAt(i) === SP) i++;
    return i;
  }

  document(): FastYaml {
    let li = this.nextContent(0);
    if (this.markers > 0) {
      // Only a lone `---` line before the content, with content after it.
      if (this.markers > 1 || this.marker !== li || this.eolOf(li) - this.starts[li]! !== 3 || !this.src.startsWith('---', this.starts[li]!)) decline();
      li = this.nextContent(li + 1);
      if (li === this.count) decline();
    }
    if (li === this.count) return new Result(null, undefined, this.starts);
    const data = this.block(li, -1);
    if (this.line !== this.count) decline();
    return new Result(data, this.loc, this.starts);
  }

  /** A block mapping or sequence starting at line `li` (its first content), inside a parent indented `parent`. */
  block(li: number, parent: number): unknown {
    const n = this.indents[li]!;
    if (n <= parent) decline();
    const at = this.starts[li]! + n;
    return this.isDash(at) ? this.seq(n, li, at) : this.map(n, li, at);
  }

  /** A block mapping whose keys sit at column `n`; the first key is at offset `at` on line `li`. */
  map(n: number, li: number, at: number): Record<string, unknown> {
    const src = this.src;
    const obj: Record<string, unknown> = {};
    const loc = new MapLoc(at);
    for (;;) {
      const eol = this.eolOf(li);
      const c0 = src.charCodeAt(at);
      const [key, end] = this.key(at, eol, false);
      let p = end;
      if ((c0 === 0x22 || c0 === 0x27) && src.charCodeAt(p) !== COLON) decline();
      if (p - at > MAX_KEY || !ordinaryKey(key) || loc.keys.has(key)) decline();
      p++;
      const c = src.charCodeAt(p);
      if (p < eol && c !== SP) decline();
      const v = this.skipSpaces(p);
      let value: unknown;
      if (v >= eol || src.charCodeAt(v) === HASH) {
        const j = this.nextContent(li + 1);
        if (j < this.count && this.indents[j]! > n) value = this.block(j, n);
        else if (j < this.count && this.indents[j] === n && this.isDash(this.starts[j]! + n)) value = this.seq(n, j, this.starts[j]! + n);
        else {
          value = null;
          this.loc = v;
          this.line = j;
        }
      } else value = this.inline(v, li, eol, n);
      obj[key] = value;
      loc.keys.set(key, { at, v: this.loc });
      const j = this.line;
      if (j >= this.count || this.indents[j]! < n) break;
      if (this.indents[j]! > n) decline();
      li = j;
      at = this.starts[j]! + n;
      if (this.isDash(at)) decline();
    }
    this.loc = loc;
    return obj;
  }

  /** A block sequence whose '-' sit at column `n`; the first is at offset `at` on line `li`. */
  seq(n: number, li: number, at: number): unknown[] {
    const src = this.src;
    const arr: unknown[] = [];
    const loc = new SeqLoc(at);
    for (;;) {
      const eol = this.eolOf(li);
      const v = this.skipSpaces(at + 1);
      const col = v - this.starts[li]!;
      let value: unknown;
      if (v >= eol || src.charCodeAt(v) === HASH) {
        const j = this.nextContent(li + 1);
        if (j < this.count && this.indents[j]! > n) value = this.block(j, n);
        else {
          value = null;
          this.loc = v;
          this.line = j;
        }
      } else if (this.isDash(v)) value = this.seq(col, li, v);
      else if (this.isKey(v, eol)) value = this.map(col, li, v);
      else value = this.inline(v, li, eol, n);
      arr.push(value);
      loc.items.push(this.loc);
      const j = this.line;
      if (j >= this.count || this.indents[j]! < n) break;
      if (this.indents[j]! > n) decline();
      li = j;
      at = this.starts[j]! + n;
      // A key at the sequence's own column: the next entry of the mapping holding it.
      if (!this.isDash(at)) break;
    }
    this.loc = loc;
    return arr;
  }

  /** Whether the text at `v` is a mapping key (a scalar then ':' and a space or the line's end). */
  isKey(v: number, eol: number): boolean {
    const src = this.src;
    const c0 = src.charCodeAt(v);
    let p: number;
    if (c0 === 0x22 || c0 === 0x27) p = (c0 === 0x22 ? doubleQuoted(src, v, eol) : singleQuoted(src, v, eol))[1];
    else if (c0 === 0x5b || c0 === 0x7b || c0 === 0x7c || c0 === 0x3e) return false;
    else {
      this.plainStart(v);
      this.plainEnd(v, eol, false);
      return this.pStop === 'colon';
    }
    if (src.charCodeAt(p) !== COLON) return false;
    const c = src.charCodeAt(p + 1);
    return p + 1 >= eol || c === SP;
  }

  /**
   * A value on the rest of line `li` from `v`: a scalar, a flow collection or a block scalar
   * (which goes on over the next lines). Nothing may follow but a comment, and the next line with
   * content may not be indented deeper than `parent` (that would continue the value).
   */
  inline(v: number, li: number, eol: number, parent: number): unknown {
    const src = this.src;
    const c0 = src.charCodeAt(v);
    let value: unknown;
    let end: number;
    if (c0 === 0x22 || c0 === 0x27) {
      [value, end] = c0 === 0x22 ? doubleQuoted(src, v, eol) : singleQuoted(src, v, eol);
      this.loc = v;
    } else if (c0 === 0x5b || c0 === 0x7b) {
      value = this.flow(v, eol);
      end = this.pEnd;
    } else if (c0 === 0x7c || c0 === 0x3e) {
      return this.blockScalar(v, li, eol, parent);
    } else {
      this.plainStart(v);
      this.plainEnd(v, eol, false);
      if (this.pStop === 'colon') decline();
      value = plainValue(src.slice(v, this.pEnd));
      this.loc = v;
      end = eol;
    }
    const e = this.skipSpaces(end);
    if (e < eol && (src.charCodeAt(e) !== HASH || e === end)) decline();
    const j = this.nextContent(li + 1);
    if (j < this.count && this.indents[j]! > parent) decline();
    this.line = j;
    return value;
  }

  /** Refuse a plain scalar or key starting at `at` with an indicator. */
  /** A mapping key starting at `at`: quoted, or plain up to its colon (declined unless a plain string); its text and where it ends. */
  key(at: number, eol: number, flow: boolean): [string, number] {
    const src = this.src;
    const c0 = src.charCodeAt(at);
    if (c0 === 0x22 || c0 === 0x27) return c0 === 0x22 ? doubleQuoted(src, at, eol) : singleQuoted(src, at, eol);
    this.plainStart(at);
    this.plainEnd(at, eol, flow);
    if (this.pStop !== 'colon' || this.pColon) decline();
    const key = src.slice(at, this.pEnd);
    if (typeof plainValue(key) !== 'string') decline();
    return [key, this.pEnd];
  }

  plainStart(at: number): void {
    const c = this.src.charCodeAt(at);
    if (BAD_START.has(c)) decline();
    if (c === DASH) {
      const d = this.src.charCodeAt(at + 1);
      if (d === SP || d === 0x0a || Number.isNaN(d) || FLOW_END.has(d)) decline();
    }
  }

  /**
   * Scan a plain scalar from `at` to `eol`: it stops at ': ' (or ':' ending the line), at ' #',
   * at the line's end, and in flow also at ',[]{}'. Sets pEnd (after its last non-space),
   * pStop, and pColon (a ':' inside it).
   */
  plainEnd(at: number, eol: number, flow: boolean): void {
    const src = this.src;
    let end = at;
    this.pColon = false;
    for (let i = at; i < eol; i++) {
      const c = src.charCodeAt(i);
      if (c === COLON) {
        const d = src.charCodeAt(i + 1);
        if (i + 1 >= eol || d === SP || (flow && FLOW_END.has(d))) {
          this.pEnd = i;
          this.pStop = 'colon';
          if (end !== i) decline();
          return;
        }
        this.pColon = true;
        end = i + 1;
      } else if (c === SP) {
        if (src.charCodeAt(i + 1) === HASH) {
          this.pEnd = end;
          this.pStop = 'comment';
          return;
        }
      } else if (flow && FLOW_END.has(c)) {
        this.pEnd = end;
        this.pStop = 'eol';
        return;
      } else end = i + 1;
    }
    if (flow) decline();
    this.pEnd = end;
    this.pStop = 'eol';
  }

  /** A flow sequence or mapping on one line from `at` ('[' or '{'); sets pEnd after it. */
  flow(at: number, eol: number): unknown {
    const src = this.src;
    const open = src.charCodeAt(at);
    const close = open === 0x5b ? 0x5d : 0x7d;
    const arr: unknown[] = [];
    const obj: Record<string, unknown> = {};
    const seqLoc = new SeqLoc(at);
    const mapLoc = new MapLoc(at);
    let i = this.skipSpaces(at + 1);
    if (src.charCodeAt(i) !== close) {
      for (;;) {
        if (i >= eol) decline();
        if (open === 0x5b) {
          arr.push(this.flowValue(i, eol));
          seqLoc.items.push(this.loc);
        } else {
          const [key, p] = this.key(i, eol, true);
          if (src.charCodeAt(p) !== COLON || src.charCodeAt(p + 1) !== SP || p + 1 >= eol) decline();
          if (!ordinaryKey(key) || mapLoc.keys.has(key)) decline();
          obj[key] = this.flowValue(this.skipSpaces(p + 1), eol);
          mapLoc.keys.set(key, { at: i, v: this.loc });
        }
        i = this.skipSpaces(this.pEnd);
        const c = src.charCodeAt(i);
        if (c === close) break;
        if (c !== 0x2c) decline();
        i = this.skipSpaces(i + 1);
        if (src.charCodeAt(i) === close) decline();
      }
    }
    this.pEnd = i + 1;
    if (open === 0x5b) {
      this.loc = seqLoc;
      return arr;
    }
    this.loc = mapLoc;
    return obj;
  }

  /** One value inside a flow collection at `i`; sets loc and pEnd after it. */
  flowValue(i: number, eol: number): unknown {
    const src = this.src;
    const c0 = src.charCodeAt(i);
    if (i >= eol) decline();
    if (c0 === 0x5b || c0 === 0x7b) return this.flow(i, eol);
    this.loc = i;
    if (c0 === 0x22 || c0 === 0x27) {
      const [value, end] = c0 === 0x22 ? doubleQuoted(src, i, eol) : singleQuoted(src, i, eol);
      this.pEnd = end;
      return value;
    }
    this.plainStart(i);
    this.plainEnd(i, eol, true);
    if (this.pStop !== 'eol' || this.pColon) decline();
    const end = this.pEnd;
    // pEnd is after the text; the scan stopped at a flow indicator (spaces may come before it).
    return plainValue(src.slice(i, end));
  }

  /**
   * A `|`, `|-`, `>` or `>-` block scalar whose header is at `v` on line `li`, in a collection
   * indented `parent`. Its indentation is its first non-blank line's, which must be deeper than
   * `parent`; blank lines may not hold more spaces than that, and a folded scalar may not have
   * more-indented lines (their folding differs).
   */
  blockScalar(v: number, li: number, eol: number, parent: number): string {
    const src = this.src;
    const folded = src.charCodeAt(v) === 0x3e;
    let i = v + 1;
    const strip = src.charCodeAt(i) === DASH;
    if (strip) i++;
    if (i < eol) {
      if (src.charCodeAt(i) !== SP) decline();
      i = this.skipSpaces(i);
      if (i < eol && src.charCodeAt(i) !== HASH) decline();
    }
    let first = li + 1;
    while (first < this.count && this.kinds[first] === BLANK) first++;
    if (first === this.count || this.indents[first]! <= parent) decline();
    const indent = this.indents[first]!;
    let k = first;
    let last = first;
    for (; k < this.count; k++) {
      const blank = this.kinds[k] === BLANK;
      if (!blank && this.indents[k]! < indent) break;
      if (blank && this.indents[k]! > indent) decline();
      if (!blank) {
        last = k;
        if (folded && this.indents[k]! > indent) decline();
      }
    }
    for (let b = li + 1; b < first; b++) if (this.indents[b]! > indent) decline();
    let value = '';
    let sep = '';
    for (let x = li + 1; x <= last; x++) {
      const text = this.kinds[x] === BLANK ? '' : src.slice(this.starts[x]! + indent, this.eolOf(x));
      if (!folded) value += (x === li + 1 ? '' : '\n') + text;
      else if (x < first) value += '\n';
      else if (text === '') {
        if (sep === '\n') value += '\n';
        else sep = '\n';
      } else {
        value += sep + text;
        sep = ' ';
      }
    }
    // Clip keeps the last line's break, when the file has one after it.
    if (!strip && this.eolOf(last) < src.length) value += '\n';
    this.loc = v;
    const j = this.nextContent(k);
    if (j < this.count && this.indents[j]! > parent) decline();
    this.line = j;
    return value;
  }
}
