import { locate } from './errors.ts';
import { normaliseSource } from './lexer.ts';
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
