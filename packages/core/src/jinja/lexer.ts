import { TemplateSyntaxError, type TemplateSource } from './errors.ts';

/**
 * Jinja's lexer: template text becomes data, `{{ }}`, `{% %}` (comments dropped, `{% raw %}`
 * kept as data) and, inside tags, names, strings, numbers and operators. It knows strings, so
 * a `%}` inside one does not end a tag, and brackets, so a `}}` inside a dict literal does not
 * either. Whitespace control (`{%-`, `-%}`, `+`) and the trim/lstrip settings work as in Jinja.
 */

export type TokenType = 'data' | 'var_begin' | 'var_end' | 'block_begin' | 'block_end' | 'name' | 'string' | 'int' | 'float' | 'op' | 'eof';

export interface Token {
  readonly type: TokenType;
  /** Data text, name, decoded string, operator; numbers as their value. */
  readonly value: string | number;
  /** Offset into the (normalised) source. */
  readonly pos: number;
}

export interface LexOptions {
  /** Jinja's trim_blocks: drop the first newline after a block tag. dbt: false. */
  trimBlocks?: boolean;
  /** Jinja's lstrip_blocks: strip spaces and tabs before a block tag at the start of a line. dbt: false. */
  lstripBlocks?: boolean;
  /** Jinja's keep_trailing_newline: keep a single newline at the end of the template. dbt: false. */
  keepTrailingNewline?: boolean;
}

const NAME_START = /[\p{L}_]/u;
const NAME_RE = /[\p{L}_][\p{L}\p{N}_]*/uy;
const FLOAT_RE = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const INT_RE = /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*/y;
const OPS3 = new Set(['//', '**', '==', '!=', '>=', '<=']);
const OPS1 = new Set(['+', '-', '/', '*', '%', '~', '[', ']', '(', ')', '{', '}', '>', '<', '=', '.', ':', '|', ',', ';']);
const RAW_RE = /\{%([-+]?)\s*raw\s*([-+]?)%\}/y;
const ENDRAW_RE = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;

/** Whether `text` can sit verbatim inside a `{% raw %}` block: it holds no `{% endraw %}` of its own. */
export function fitsInRaw(text: string): boolean {
  return !new RegExp(ENDRAW_RE.source).test(text);
}

/** Normalise newlines and drop the trailing one, as Jinja does before lexing. */
export function normaliseSource(src: string, opts: LexOptions = {}): string {
  let s = src.includes('\r') ? src.replace(/\r\n?/g, '\n') : src;
  if (!opts.keepTrailingNewline && s.endsWith('\n')) s = s.slice(0, -1);
  return s;
}

/**
 * The text of `raw` that [pos, end) of its normalised source ({@link normaliseSource}) came from:
 * with its `\r\n` and `\r` line ends as written (dbt's manifest keeps them in `macro_sql`).
 */
export function originalSlice(raw: string, pos: number, end: number): string {
  if (!raw.includes('\r')) return raw.slice(pos, end);
  let from = -1;
  let n = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (n === pos && from < 0) from = i;
    if (n === end) return raw.slice(from, i);
    if (raw[i] === '\r' && raw[i + 1] === '\n') i++;
    n++;
  }
  return raw.slice(Math.max(from, 0));
}

export function tokenize(t: TemplateSource, opts: LexOptions = {}): Token[] {
  const src = t.source;
  const out: Token[] = [];
  const n = src.length;
  let i = 0;
  /** Strip leading whitespace of the next data (after `-%}`), or one newline (trim_blocks). */
  let stripNext: 'all' | 'newline' | undefined;
  const fail = (msg: string, pos: number): never => {
    throw new TemplateSyntaxError(msg, t, pos);
  };
  const pushData = (text: string, pos: number) => {
    if (stripNext === 'all') {
      const before = text.length;
      text = text.replace(/^\s+/, '');
      pos += before - text.length;
    } else if (stripNext === 'newline' && text.startsWith('\n')) {
      text = text.slice(1);
      pos += 1;
    }
    stripNext = undefined;
    if (text) out.push({ type: 'data', value: text, pos });
  };
  while (i < n) {
    // Find the next tag opening.
    let j = src.indexOf('{', i);
    while (j !== -1 && j + 1 < n) {
      const c = src.charCodeAt(j + 1);
      if (c === 123 /* { */ || c === 37 /* % */ || c === 35 /* # */) break;
      j = src.indexOf('{', j + 1);
    }
    if (j === -1 || j + 1 >= n) {
      pushData(src.slice(i), i);
      break;
    }
    const kind = src[j + 1]!;
    const mod = src[j + 2];
    let text = src.slice(i, j);
    if (mod === '-') text = text.replace(/\s+$/, '');
    else if (opts.lstripBlocks && mod !== '+' && kind !== '{') text = lstripLine(text);
    // Raw blocks: the data up to {% endraw %} verbatim.
    if (kind === '%') {
      RAW_RE.lastIndex = j;
      const raw = RAW_RE.exec(src);
      if (raw) {
        pushData(text, i);
        ENDRAW_RE.lastIndex = RAW_RE.lastIndex;
        const end = ENDRAW_RE.exec(src);
        if (!end) fail('Missing end of raw directive ({% endraw %})', j);
        let body = src.slice(RAW_RE.lastIndex, end!.index);
        if (raw[2] === '-') body = body.replace(/^\s+/, '');
        if (end![1] === '-') body = body.replace(/\s+$/, '');
        if (body) out.push({ type: 'data', value: body, pos: RAW_RE.lastIndex });
        i = ENDRAW_RE.lastIndex;
        stripNext = end![2] === '-' ? 'all' : opts.trimBlocks && end![2] !== '+' ? 'newline' : undefined;
        continue;
      }
    }
    pushData(text, i);
    const bodyStart = j + 2 + (mod === '-' || mod === '+' ? 1 : 0);
    if (kind === '#') {
      const end = src.indexOf('#}', bodyStart);
      if (end === -1) fail('Missing end of comment tag', j);
      const dash = src[end - 1] === '-' && end - 1 >= bodyStart;
      i = end + 2;
      stripNext = dash ? 'all' : opts.trimBlocks && src[end - 1] !== '+' ? 'newline' : undefined;
      continue;
    }
    const isBlock = kind === '%';
    out.push({ type: isBlock ? 'block_begin' : 'var_begin', value: '', pos: j });
    i = lexTag(src, bodyStart, isBlock, out, fail);
    const endTok = out[out.length - 1]!;
    const endMod = src[endTok.pos];
    stripNext = endMod === '-' ? 'all' : isBlock && opts.trimBlocks && endMod !== '+' ? 'newline' : undefined;
  }
  out.push({ type: 'eof', value: '', pos: n });
  return out;
}

function lstripLine(text: string): string {
  const nl = text.lastIndexOf('\n');
  const tail = text.slice(nl + 1);
  return /^[ \t]*$/.test(tail) ? text.slice(0, nl + 1) : text;
}

/** Lex the inside of a tag starting at `i`; pushes its tokens and the end token; returns the offset after the tag. */
function lexTag(src: string, i: number, isBlock: boolean, out: Token[], fail: (m: string, p: number) => never): number {
  const n = src.length;
  const closer = isBlock ? '%' : '}';
  const brackets: string[] = [];
  const start = i;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (brackets.length === 0) {
      // `-%}` / `+%}` / `%}` (or `}}`) ends the tag unless inside brackets.
      if ((c === '-' || c === '+') && src[i + 1] === closer && src[i + 2] === '}') {
        out.push({ type: isBlock ? 'block_end' : 'var_end', value: c, pos: i });
        return i + 3;
      }
      if (c === closer && src[i + 1] === '}') {
        out.push({ type: isBlock ? 'block_end' : 'var_end', value: '', pos: i });
        return i + 2;
      }
    }
    if (c === '"' || c === "'") {
      const [value, end] = readString(src, i, fail);
      out.push({ type: 'string', value, pos: i });
      i = end;
      continue;
    }
    const code = src.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      FLOAT_RE.lastIndex = i;
      const f = FLOAT_RE.exec(src);
      if (f && src[i - 1] !== '.') {
        out.push({ type: 'float', value: Number(f[0].replace(/_/g, '')), pos: i });
        i = FLOAT_RE.lastIndex;
        continue;
      }
      INT_RE.lastIndex = i;
      const m = INT_RE.exec(src);
      if (m) {
        out.push({ type: 'int', value: parseInt_(m[0]), pos: i });
        i = INT_RE.lastIndex;
        continue;
      }
    }
    if (NAME_START.test(c)) {
      NAME_RE.lastIndex = i;
      const m = NAME_RE.exec(src)!;
      out.push({ type: 'name', value: m[0], pos: i });
      i = NAME_RE.lastIndex;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (OPS3.has(two)) {
      out.push({ type: 'op', value: two, pos: i });
      i += 2;
      continue;
    }
    if (OPS1.has(c)) {
      if (c === '(' || c === '[' || c === '{') brackets.push(c === '(' ? ')' : c === '[' ? ']' : '}');
      else if (c === ')' || c === ']' || c === '}') {
        if (!brackets.length) fail(`unexpected '${c}'`, i);
        const want = brackets.pop();
        if (want !== c) fail(`unexpected '${c}', expected '${want}'`, i);
      }
      out.push({ type: 'op', value: c, pos: i });
      i++;
      continue;
    }
    fail(`unexpected character ${JSON.stringify(c)}`, i);
  }
  return fail(isBlock ? 'unexpected end of template: a {% tag is never closed with %}' : 'unexpected end of template: a {{ is never closed with }}', start - 2);
}

function parseInt_(s: string): number {
  const t = s.replace(/_/g, '');
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  return Number(t);
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '\n': '' };

/** A string literal with Python's escapes (`\n`, `\xhh`, `\u`, octal, backslash-newline continues the line). */
function readString(src: string, i: number, fail: (m: string, p: number) => never): [string, number] {
  const q = src[i]!;
  let out = '';
  let k = i + 1;
  let chunk = k;
  while (k < src.length) {
    const c = src[k]!;
    if (c === q) return [out + src.slice(chunk, k), k + 1];
    if (c !== '\\') {
      k++;
      continue;
    }
    out += src.slice(chunk, k);
    const e = src[k + 1];
    if (e === undefined) break;
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      k += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = src.slice(k + 2, k + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail(`truncated \\${e} escape in a string`, k);
      out += String.fromCodePoint(parseInt(hex, 16));
      k += 2 + len;
    } else if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(src.slice(k + 1, k + 4))![0];
      out += String.fromCharCode(parseInt(m, 8));
      k += 1 + m.length;
    } else {
      // Python keeps unknown escapes as written.
      out += '\\' + e;
      k += 2;
    }
    chunk = k;
  }
  return fail('unterminated string', i);
}
