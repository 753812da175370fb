import { diag, type Diagnostic } from '../diagnostics.ts';
import { locate } from './errors.ts';
import { normaliseSource, tokenize } from './lexer.ts';
import { parseTemplate } from './parser.ts';

/** A top-level `{% snapshot name %}...{% endsnapshot %}` block of a file. */
export interface SnapshotBlock {
  name: string;
  /** The text between the tags, as written. */
  body: string;
  /** 1-based line where the body starts, so errors in it keep the file's line numbers. */
  bodyLine: number;
  /** The whole block, tags included. */
  text: string;
  /** 1-based line of the opening tag. */
  line: number;
}

/**
 * The snapshot blocks of a file, found by parsing it (so a `%}` in a string or a `{% raw %}`
 * block cannot confuse them). Throws TemplateSyntaxError with the file's line and column.
 */
export function snapshotBlocks(source: string, file: string): SnapshotBlock[] {
  const t = { file, source: normaliseSource(source) };
  const ast = parseTemplate(t);
  const out: SnapshotBlock[] = [];
  for (const s of ast.body) {
    if (s.kind !== 'snapshot') continue;
    out.push({ name: s.name, body: t.source.slice(s.bodyStart, s.bodyEnd), bodyLine: locate(t, s.bodyStart).line, text: t.source.slice(s.pos, s.end), line: locate(t, s.pos).line });
  }
  return out;
}

/** A top-level `{% docs name %}...{% enddocs %}` block of a Markdown file. */
export interface DocsBlock {
  /** The opening tag's text after `docs`, as written (the caller checks it is a name). */
  name: string;
  /** The text between the tags, as written. */
  body: string;
  /** 1-based line of the opening tag. */
  line: number;
}

/**
 * The docs blocks of a Markdown file, found among its tokens as dbt's block searcher finds
 * them: the text around them is not parsed (it need not be a template), and a `{% docs %}`
 * inside `{% raw %}`, a comment or a string is none. `unclosedAt` is the line of a block left
 * open at the end of the file. Throws TemplateSyntaxError for a tag the lexer cannot read.
 */
export function docsBlocks(source: string, file: string): { blocks: DocsBlock[]; unclosedAt?: number | undefined } {
  const t = { file, source: normaliseSource(source) };
  const tokens = tokenize(t);
  const blocks: DocsBlock[] = [];
  let open: { name: string; pos: number; bodyStart: number } | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const tag = tokens[i + 1];
    if (tokens[i]!.type !== 'block_begin' || tag?.type !== 'name' || (tag.value !== 'docs' && tag.value !== 'enddocs')) continue;
    let j = i + 2;
    while (tokens[j]!.type !== 'block_end' && tokens[j]!.type !== 'eof') j++;
    const end = tokens[j]!;
    if (tag.value === 'docs' && !open) open = { name: t.source.slice(tag.pos + 'docs'.length, end.pos).trim(), pos: tokens[i]!.pos, bodyStart: end.pos + (end.value ? 3 : 2) };
    else if (tag.value === 'enddocs' && open) {
      blocks.push({ name: open.name, body: t.source.slice(open.bodyStart, tokens[i]!.pos), line: locate(t, open.pos).line });
      open = undefined;
    }
    i = j;
  }
  return { blocks, ...(open ? { unclosedAt: locate(t, open.pos).line } : {}) };
}

/** The blocks dbt's block searcher looks for at the top of a macro or snapshot file. */
const TOP_BLOCKS = new Set(['macro', 'materialization', 'test', 'data_test', 'snapshot', 'docs']);

/**
 * A file's top-level end tags of those blocks (`{% endmacro %}`, `{% endsnapshot %}`) that close
 * none, blanked (same offsets, newlines kept), with their lines: dbt 1.11's block searcher skips
 * such a tag (parse exit 0), where a template parse refuses it. Undefined when there is none.
 */
export function withoutStrayEndTags(source: string, file: string): { text: string; stray: { tag: string; line: number }[] } | undefined {
  const t = { file, source: normaliseSource(source) };
  const tokens = tokenize(t);
  let open: string | undefined;
  let text = t.source;
  const stray: { tag: string; line: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tag = tokens[i + 1];
    if (tokens[i]!.type !== 'block_begin' || tag?.type !== 'name') continue;
    const name = String(tag.value);
    if (!open && TOP_BLOCKS.has(name)) open = name;
    else if (open && name === `end${open}`) open = undefined;
    else if (!open && name.startsWith('end') && TOP_BLOCKS.has(name.slice(3))) {
      let j = i + 2;
      while (tokens[j]!.type !== 'block_end' && tokens[j]!.type !== 'eof') j++;
      const from = tokens[i]!.pos;
      const to = tokens[j]!.pos + (tokens[j]!.type === 'eof' ? 0 : tokens[j]!.value ? 3 : 2);
      text = text.slice(0, from) + text.slice(from, to).replace(/[^\n]/g, ' ') + text.slice(to);
      stray.push({ tag: name, line: locate(t, from).line });
    }
  }
  return stray.length ? { text, stray } : undefined;
}

/**
 * `parse(source)`; when that fails and the file has end tags that close no block, `parse` of the
 * file without them, each told as a warning (dbt 1.11 skips them silently).
 */
export function parseSkippingStrayEndTags<T>(source: string, file: string, parse: (text: string) => T, diagnostics: Diagnostic[]): T {
  try {
    return parse(source);
  } catch (e) {
    const fixed = withoutStrayEndTags(source, file);
    if (!fixed) throw e;
    const out = parse(fixed.text);
    for (const s of fixed.stray) {
      diagnostics.push(diag('SM_TEMPLATE_SYNTAX', `{% ${s.tag} %} closes no block: it is ignored`, { file, line: s.line }, { severity: 'warning', hint: 'Remove it, or open the block it means to close.' }));
    }
    return out;
  }
}
