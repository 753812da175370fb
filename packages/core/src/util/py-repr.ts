/** Python's `repr` of plain data: None, bools, numbers, strings, lists and dicts. */
export function pythonRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return pyString(v);
  if (v instanceof Date) return pyString(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${pythonRepr(k)}: ${pythonRepr(x)}`).join(', ')}}`;
  return pyString(String(v));
}

function pyNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e16) return String(v);
  // Python writes the exponent with a sign and at least two digits: 1e-05, 1.5e+16.
  const [m, e] = v.toExponential().split('e');
  const ex = Number(e);
  return `${m}e${ex < 0 ? '-' : '+'}${String(Math.abs(ex)).padStart(2, '0')}`;
}

/** Most names and arguments need no escape: quoted as they are (every generic test's id hashes several). */
const NEEDS_ESCAPE = /[\\'"\x00-\x1f\x7f]/;

function pyString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `'${s}'`;
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + q;
}
