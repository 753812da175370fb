/**
 * PyYAML (dbt's reader) lets a quoted scalar that spans lines continue on lines indented no more
 * than its key (`description: "a long text` / `  continued"`, even at column 0), which the YAML
 * spec and the `yaml` package refuse. Folding drops a continuation line's leading spaces, so
 * indenting those lines further gives the same value: this returns the text with each such line
 * indented two spaces past the line the scalar starts on, or undefined when there is none.
 *
 * Only called on text `yaml` refused; its answer is used only if `yaml` then reads it cleanly.
 */
export function indentQuotedContinuations(src: string): string | undefined {
  const lines = src.split('\n');
  let changed = false;
  /** Inside a quoted scalar: its quote and the indentation its continuation lines need. */
  let open: { quote: string; need: number } | undefined;
  /** Inside a block scalar (`|`, `>`): lines indented more than this belong to it. */
  let blockOver: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (open) {
      if (line.trim() !== '' && indent < open.need) {
        line = ' '.repeat(open.need) + line.trimStart();
        lines[i] = line;
        changed = true;
      }
      const end = closingQuote(line, 0, open.quote);
      if (end === -1) continue;
      const rest = scanLine(line, end + 1);
      open = rest.open ? { quote: rest.open, need: open.need } : undefined;
      continue;
    }
    if (blockOver !== undefined) {
      if (line.trim() === '' || indent > blockOver) continue;
      blockOver = undefined;
    }
    const r = scanLine(line, indent);
    if (r.open) open = { quote: r.open, need: indent + 2 };
    else if (r.block) blockOver = indent;
  }
  return changed ? lines.join('\n') : undefined;
}

/** Where the quote `q` that closes a scalar is on `line` from `from` (escapes and doubled quotes skipped), -1 if not on it. */
function closingQuote(line: string, from: number, q: string): number {
  for (let j = from; j < line.length; j++) {
    const c = line[j];
    if (q === '"' && c === '\\') j++;
    else if (c === q) {
      if (q === "'" && line[j + 1] === "'") j++;
      else return j;
    }
  }
  return -1;
}

/**
 * Read one line outside any quoted scalar from `from`: the quote of a scalar it opens and leaves
 * open, or whether it ends with a block scalar's indicator. A quote opens a scalar only where a
 * value starts (after indentation, `- `, `: `, `[`, `{` or `,`); `#` after a space starts a comment.
 */
function scanLine(line: string, from: number): { open?: string; block?: boolean } {
  let prev = from === 0 ? '' : line.slice(0, from).trimEnd().slice(-1);
  // Inside [ ] or { } a value also starts after a comma (in a block a comma is text).
  let flow = 0;
  for (let j = from; j < line.length; j++) {
    const c = line[j]!;
    if (c === '#' && (j === 0 || line[j - 1] === ' ')) break;
    if (c === '[' || c === '{') flow++;
    else if ((c === ']' || c === '}') && flow > 0) flow--;
    const starts = prev === '' || '-:[{'.includes(prev) || (prev === ',' && flow > 0);
    if ((c === '"' || c === "'") && starts && (j === 0 || line[j - 1] === ' ' || '[{,'.includes(line[j - 1]!))) {
      const end = closingQuote(line, j + 1, c);
      if (end === -1) return { open: c };
      j = end;
      prev = c;
      continue;
    }
    if (c !== ' ') prev = c;
  }
  const value = line.replace(/\s#.*$/, '').trimEnd();
  return { block: /(^|[\s:-])[|>][-+0-9]*$/.test(value) };
}
