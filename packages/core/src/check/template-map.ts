import { lineColumn } from './sql/lexer.ts';

/** A template position for a compiled-SQL offset; `exact` when the text came straight from the template, not from a macro or expression. */
export interface TemplatePosition {
  readonly line: number;
  readonly column: number;
  readonly exact: boolean;
}

interface Piece {
  /** Offset of the trimmed literal text in the template. */
  readonly raw: number;
  readonly text: string;
  /** Offset in the template of the first tag after the previous literal piece. */
  readonly tagBefore: number;
}

interface Segment {
  readonly c: number;
  readonly len: number;
  readonly raw: number;
  /** Where the tags that produced the text before this segment start in the template. */
  readonly gapRaw: number;
}

const TAG = /\{\{-?|\{%-?|\{#/g;

/**
 * Maps offsets of compiled SQL back to the Jinja template it came from, by finding the
 * template's literal text (everything outside `{{ }}`, `{% %}` and `{# #}`) in the output in
 * order. Text a tag produced maps to that tag. Independent of the template engine: it needs
 * only the template and what it rendered.
 */
export class TemplateMap {
  readonly #template: string;
  readonly #segments: Segment[] = [];
  #tail = 0;

  constructor(template: string, compiled: string, skip?: { from: number; to: number }) {
    this.#template = template;
    let cursor = 0;
    for (const p of pieces(template)) {
      let at = compiled.indexOf(p.text, cursor);
      if (skip && at >= skip.from && at < skip.to) at = compiled.indexOf(p.text, Math.max(cursor, skip.to));
      // Short pieces (a comma, `from`) are only trusted close by: a branch not rendered must not pull the map ahead.
      if (at < 0 || (p.text.length < 12 && at - cursor > 120)) continue;
      this.#segments.push({ c: at, len: p.text.length, raw: p.raw, gapRaw: p.tagBefore });
      cursor = at + p.text.length;
    }
    this.#tail = lastTag(template);
  }

  /** The template line and column of a compiled offset. */
  position(offset: number): TemplatePosition {
    const segs = this.#segments;
    let lo = 0;
    let hi = segs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid]!.c <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found >= 0) {
      const s = segs[found]!;
      if (offset < s.c + s.len) return { ...lineColumn(this.#template, s.raw + (offset - s.c)), exact: true };
      const next = segs[found + 1];
      return { ...lineColumn(this.#template, next ? next.gapRaw : this.#tail), exact: false };
    }
    return { ...lineColumn(this.#template, segs[0]?.gapRaw ?? 0), exact: false };
  }
}

/** The literal pieces of a template, trimmed, outside macro and set blocks (which render nothing where they stand). */
function pieces(template: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  let depth = 0; // inside {% macro %}, {% call %} or a block {% set x %}
  let firstTag: number | undefined;
  const literal = (from: number, text: string) => {
    const trimmed = text.trim();
    if (depth > 0 || !trimmed) return;
    const raw = from + (text.length - text.trimStart().length);
    out.push({ raw, text: trimmed, tagBefore: firstTag ?? raw });
    firstTag = undefined;
  };
  while (i <= template.length) {
    TAG.lastIndex = i;
    const m = TAG.exec(template);
    literal(i, template.slice(i, m ? m.index : template.length));
    if (!m) break;
    if (depth === 0 && firstTag === undefined) firstTag = m.index;
    const close = m[0].startsWith('{{') ? '}}' : m[0].startsWith('{%') ? '%}' : '#}';
    const stop = tagEnd(template, m.index + m[0].length, close);
    i = stop + close.length;
    if (close !== '%}') continue;
    const body = template.slice(m.index + m[0].length, stop).replace(/-$/, '').trim();
    const word = /^(\w+)/.exec(body)?.[1];
    if (word === 'macro' || word === 'call' || (word === 'set' && !body.includes('='))) depth++;
    else if ((word === 'endmacro' || word === 'endcall' || word === 'endset') && depth > 0) depth--;
    else if (word === 'raw') {
      // {% raw %}...{% endraw %}: literal text, tags and all.
      const endRaw = /\{%-?\s*endraw\s*-?%\}/g;
      endRaw.lastIndex = i;
      const e = endRaw.exec(template);
      literal(i, template.slice(i, e ? e.index : template.length));
      i = e ? e.index + e[0].length : template.length;
    }
  }
  return out;
}

/** Where a tag closes, skipping quoted strings inside it. */
function tagEnd(s: string, from: number, close: string): number {
  let q: string | undefined;
  for (let i = from; i < s.length; i++) {
    const ch = s[i]!;
    if (q) {
      if (ch === '\\') i++;
      else if (ch === q) q = undefined;
    } else if (ch === '"' || ch === "'") q = ch;
    else if (s.startsWith(close, i)) return i;
  }
  return s.length;
}

function lastTag(template: string): number {
  const i = Math.max(template.lastIndexOf('{{'), template.lastIndexOf('{%'));
  return i < 0 ? Math.max(0, template.length - 1) : i;
}
