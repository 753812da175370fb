/**
 * Python's json.dumps: `, ` and `: ` between items, `indent` as its indent=, and every character
 * beyond ASCII escaped unless `ascii` is false (agate's JSON, which dbt's show preview is, keeps them).
 */
export function pythonJson(v: unknown, indent?: number, ascii = true): string {
  const text = JSON.stringify(v, null, indent) ?? 'null';
  const spaced = indent === undefined ? spaceJson(text) : text;
  return !ascii ? spaced : spaced.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Compact JSON with Python's separators: a space after each `,` and `:` outside strings. */
function spaceJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    out += ch;
    if (inString) {
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === ',' || ch === ':') out += ' ';
  }
  return out;
}
