/**
 * `JSON.stringify` with bigints written as their digits. A replacer function is called for every
 * key and value and takes V8 off its fast serializer (a 45 MB manifest: 0.42 s with one, 0.28 s
 * without), so it is used only when the value holds a bigint, which the plain call refuses with
 * a TypeError. Anything else that call refuses (a cycle) the second one refuses too.
 */
export function jsonText(data: unknown): string {
  try {
    return JSON.stringify(data);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(data, bigintDigits);
  }
}

const bigintDigits = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/** JSON already written, for {@link objectText} to splice in as it is. */
export class JsonText {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/**
 * The JSON of an object whose values may be {@link JsonText}: what {@link jsonText} writes for
 * the same object with those values parsed, each value written once (JSON of `{a, b}` is the
 * JSONs of a and b joined).
 */
export function objectText(record: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const [k, v] of Object.entries(record)) {
    const text: string | undefined = v instanceof JsonText ? v.text : jsonText(v);
    if (text !== undefined) out += `${out ? ',' : ''}${JSON.stringify(k)}:${text}`;
  }
  return `{${out}}`;
}

/** In JSON text, the index just past the string that starts with the quote at `from`. */
export function jsonStringEnd(text: string, from: number): number {
  // From quote to quote (native indexOf: most of a manifest's bytes are long strings of SQL); a quote after an odd run of backslashes is escaped.
  for (let i = from + 1; ; ) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    let b = q - 1;
    while (text.charCodeAt(b) === 0x5c) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/** Where the value of `key` starts in the JSON object whose `{` is at `open`, among its own keys only (not those of objects within it); undefined when it has none. */
export function jsonKeyValueAt(text: string, open: number, key: string): number | undefined {
  const want = JSON.stringify(key);
  let depth = 0;
  for (let i = open; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = jsonStringEnd(text, i);
      // A key of this object: a string at depth 1 followed by a colon.
      if (depth === 1 && text.charCodeAt(end) === 0x3a && text.slice(i, end) === want) return end + 1;
      i = end;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return undefined;
    }
    i++;
  }
  return undefined;
}

/**
 * Where each of `ids`' entries starts (its `{`), given in the order the text has them: the first
 * `"<id>":{` after the one before it, in one forward sweep (one not found there is looked for
 * again from `from`). A quote inside a JSON string is always escaped, so no string matches.
 */
export function jsonObjectEntriesAt(text: string, from: number, ids: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  let at = from;
  for (const id of ids) {
    const key = `${JSON.stringify(id)}:{`;
    let i = text.indexOf(key, at);
    if (i < 0 && at > from) i = text.indexOf(key, from);
    if (i < 0) continue;
    out.set(id, i + key.length - 1);
    at = i + key.length;
  }
  return out;
}

/**
 * The entries of `ids` in the JSON object text `bytes` (a manifest), each parsed from its own
 * bytes: the first `"<id>":{` in the text, up to its closing brace. A quote inside a JSON
 * string is always escaped, so no string matches; an entry found elsewhere (an object keyed by
 * the same id, before it) is told apart by its `unique_id`. Undefined when any id is not found
 * so: then parse the whole text.
 */
export function jsonEntriesById(bytes: Buffer, ids: readonly string[]): Map<string, Record<string, unknown>> | undefined {
  const out = new Map<string, Record<string, unknown>>();
  for (const id of ids) {
    const key = Buffer.from(`${JSON.stringify(id)}:{`);
    const at = bytes.indexOf(key);
    if (at < 0) return undefined;
    const open = at + key.length - 1;
    const end = objectEnd(bytes, open);
    if (end < 0) return undefined;
    const entry = JSON.parse(bytes.toString('utf8', open, end)) as Record<string, unknown>;
    if (entry.unique_id !== id) return undefined;
    out.set(id, entry);
  }
  return out;
}

/** Just past the `}` that closes the object whose `{` is at `open` in JSON bytes; -1 if the text ends first. */
function objectEnd(bytes: Buffer, open: number): number {
  let depth = 0;
  for (let i = open; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x22) {
      // Past the string: a quote preceded by an even number of backslashes ends it.
      for (i++; i < bytes.length; i++) {
        const d = bytes[i]!;
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
