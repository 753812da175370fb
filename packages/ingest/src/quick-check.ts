/** A field as the check needs it (a `FieldMapping` or a core `LandingField`). */
interface Field {
  readonly field: string;
  readonly type: string;
  readonly required: boolean;
}

/**
 * A byte-level check of one JSON value against a topic's fields, several times cheaper than
 * `JSON.parse` because it allocates nothing. It answers only "certainly fine": `true` means the
 * value is one JSON object on one line whose fields have exactly their columns' JSON types
 * (strings for varchar, integers in range for integer and bigint, numbers for double, true or
 * false for boolean), with every required field present and not null. Such a value reads the
 * same through DuckDB's typed JSON reader, Kafka's strict `mapRecord` and file landing's
 * line-by-line checks, so it can be staged verbatim. `false` means "not sure" (a bad value, a
 * duplicate key, an escaped surrogate, an exponent, a line break inside): the caller then asks
 * the slower check, which decides and says why. The bytes must already be known to be UTF-8.
 */
export class QuickCheck {
  /** Per field: its name's bytes, column type code (see TYPE) and whether it is required. */
  readonly #names: Uint8Array[];
  readonly #types: Uint8Array;
  readonly #required: Uint8Array;
  readonly #requiredCount: number;
  /** Every name followed by its closing quote, one after another (the guess is compared in one loop over one array), and where each starts. */
  readonly #quoted: Uint8Array;
  readonly #quotedAt: Int32Array;
  /** For each name length, the fields with a name that long. */
  readonly #byLength: number[][] = [];
  /** `#seen[f] === #generation` when field f was set by the value being checked. */
  readonly #seen: Uint32Array;
  #generation = 0;

  /** Fields of the table; the names after them (see the constructor) are reserved. */
  readonly #fieldCount: number;

  /**
   * `reserved`: keys a value must not have (the caller adds keys of those names to the line it
   * stages, and a duplicate would be read one way or the other); a value with one is "not sure".
   */
  constructor(fields: readonly Field[], reserved: readonly string[] = []) {
    this.#fieldCount = fields.length;
    this.#names = [...fields.map((f) => f.field), ...reserved].map((n) => new Uint8Array(Buffer.from(n, 'utf8')));
    // The one-pass match of a key against the guessed name relies on names being plain bytes, as keys without escapes are.
    for (const n of this.#names) if (n.some((c) => c === 0x22 || c === 0x5c || c < 0x20)) throw new Error(`internal: field name ${JSON.stringify(Buffer.from(n).toString())} needs escaping in JSON`);
    this.#types = Uint8Array.from(fields, (f) => TYPE[f.type] ?? 0);
    this.#required = Uint8Array.from(fields, (f) => (f.required ? 1 : 0));
    this.#requiredCount = fields.filter((f) => f.required).length;
    this.#names.forEach((n, i) => (this.#byLength[n.length] ??= []).push(i));
    this.#seen = new Uint32Array(this.#names.length);
    this.#quotedAt = new Int32Array(this.#names.length + 1);
    this.#names.forEach((n, i) => (this.#quotedAt[i + 1] = this.#quotedAt[i]! + n.length + 1));
    this.#quoted = new Uint8Array(this.#quotedAt[this.#names.length]!);
    this.#names.forEach((n, i) => {
      this.#quoted.set(n, this.#quotedAt[i]!);
      this.#quoted[this.#quotedAt[i + 1]! - 1] = 0x22;
    });
  }

  /** Whether `b[start, end)` is certainly fine (see the class). */
  accepts(b: Uint8Array, start: number, end: number): boolean {
    const gen = ++this.#generation;
    const seen = this.#seen;
    const names = this.#names;
    let required = 0;
    /** Unknown keys seen, as [start, end) pairs, to refuse duplicates (DuckDB and JSON.parse disagree on them). */
    let unknown: number[] | undefined;
    /** The field after the last one matched: producers write keys in the same order every time. */
    let guess = 0;
    useWords(b);
    let i = ws(b, start, end);
    if (b[i] !== 0x7b) return false; // {
    i = ws(b, i + 1, end);
    if (b[i] === 0x7d) i++; // {} : no fields
    else {
      for (;;) {
        if (b[i] !== 0x22) return false;
        const ks = ++i;
        let field = -1;
        // The guess first, in one pass that reads and matches the key (field names are plain bytes, so the
        // key is too); this is most keys, and a fifth of the check's time went to reading them twice.
        if (guess < this.#fieldCount) {
          // The name and its closing quote.
          const quoted = this.#quoted;
          let k = this.#quotedAt[guess]!;
          const stop = this.#quotedAt[guess + 1]!;
          const d = ks - k;
          if (stop + d <= end) {
            while (k < stop && quoted[k] === b[k + d]) k++;
            if (k === stop) {
              field = guess;
              i = stop + d - 1;
            }
          }
        }
        if (field < 0) {
          // A key: plain bytes up to its quote. An escaped key could spell a field name another way: not sure.
          while (i < end) {
            const c = b[i]!;
            if (c === 0x22 || c === 0x5c || c < 0x20) break;
            i++;
          }
          if (i >= end || b[i] !== 0x22) return false;
          // Every field of that name length.
          const candidates = this.#byLength[i - ks];
          if (candidates) for (const c of candidates) if (same(names[c]!, b, ks)) field = c;
        }
        const ke = i++;
        // Spaces are rare between tokens: looked for only where the expected byte is not there.
        if (b[i] !== 0x3a) {
          i = ws(b, i, end);
          if (b[i] !== 0x3a) return false; // :
        }
        i++;
        if (b[i] === 0x20 || b[i] === 0x09) i = ws(b, i, end);
        const v = i;
        // Strings first: most values are.
        let kind: number;
        if (b[i] === 0x22) {
          kind = STRING;
          i = stringEnd(b, i + 1, end);
          if (i < 0) return false;
          i++;
        } else {
          kind = valueKind(b, i, end);
          i = valueEnd(b, i, end, kind);
          if (i < 0) return false;
        }
        if (field >= this.#fieldCount) return false;
        if (field >= 0) {
          if (seen[field] === gen) return false;
          seen[field] = gen;
          guess = field + 1;
          if (kind === NULL) {
            if (this.#required[field]) return false;
          } else {
            if (kind === STRING ? this.#types[field] !== VARCHAR : !fits(this.#types[field]!, kind, b, v, i)) return false;
            required += this.#required[field]!;
          }
        } else {
          for (let u = 0; unknown && u < unknown.length; u += 2) if (sameBytes(b, unknown[u]!, unknown[u + 1]!, ks, ke)) return false;
          (unknown ??= []).push(ks, ke);
        }
        if (b[i] === 0x20 || b[i] === 0x09) i = ws(b, i, end);
        if (b[i] === 0x2c) {
          i++;
          if (b[i] === 0x20 || b[i] === 0x09) i = ws(b, i, end);
          continue;
        }
        if (b[i] === 0x7d) {
          i++;
          break;
        }
        return false;
      }
    }
    // Trailing spaces, tabs and line breaks are what a producer may end a value with; anything else is not one object.
    for (; i < end; i++) if (b[i] !== 0x20 && b[i] !== 0x09 && b[i] !== 0x0a && b[i] !== 0x0d) return false;
    return required === this.#requiredCount;
  }
}

const VARCHAR = 1;
const TYPE: Readonly<Record<string, number>> = { varchar: VARCHAR, bigint: 2, integer: 3, double: 4, boolean: 5 };

function same(name: Uint8Array, b: Uint8Array, at: number): boolean {
  for (let k = 0; k < name.length; k++) if (name[k] !== b[at + k]) return false;
  return true;
}

const STRING = 1;
const NUMBER = 2;
const TRUE = 3;
const FALSE = 4;
const NULL = 5;
const NESTED = 6;
const BAD = 0;

/** Spaces and tabs only: a line break inside a value would split its staged line. */
function ws(b: Uint8Array, i: number, end: number): number {
  while (i < end && (b[i] === 0x20 || b[i] === 0x09)) i++;
  return i;
}

function valueKind(b: Uint8Array, i: number, end: number): number {
  if (i >= end) return BAD;
  const c = b[i]!;
  if (c === 0x22) return STRING;
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return NUMBER;
  if (c === 0x74) return TRUE;
  if (c === 0x66) return FALSE;
  if (c === 0x6e) return NULL;
  if (c === 0x7b || c === 0x5b) return NESTED;
  return BAD;
}

/** The index after the value that starts at `i`, or -1 when it is not one this check is sure of. */
function valueEnd(b: Uint8Array, i: number, end: number, kind: number): number {
  switch (kind) {
    case STRING: {
      const e = stringEnd(b, i + 1, end);
      return e < 0 ? -1 : e + 1;
    }
    case NUMBER:
      return numberEnd(b, i, end);
    case TRUE:
      return literal(b, i, end, 'true');
    case FALSE:
      return literal(b, i, end, 'false');
    case NULL:
      return literal(b, i, end, 'null');
    case NESTED:
      return nestedEnd(b, i, end);
    default:
      return -1;
  }
}

function literal(b: Uint8Array, i: number, end: number, word: string): number {
  if (i + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

/**
 * `b`'s bytes four at a time (little-endian or not: a word that may hold a byte of interest is
 * read again byte by byte), over the whole of its ArrayBuffer from offset 0 so that a word index is
 * `(b.byteOffset + i) >> 2`. One per buffer, kept while the same buffer is checked.
 */
let wordsOf: ArrayBufferLike | undefined;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);
let wordBase = 0;

function useWords(b: Uint8Array): void {
  if (b.buffer !== wordsOf) {
    wordsOf = b.buffer;
    words = new Int32Array(b.buffer, 0, b.buffer.byteLength >> 2);
  }
  wordBase = b.byteOffset;
}

/**
 * The index of the closing quote of a string whose content starts at `i`, or -1: unterminated,
 * a raw control character, an unknown escape, or an escaped surrogate (lone ones break readers).
 */
function stringEnd(b: Uint8Array, i: number, end: number): number {
  for (;;) {
    // Plain bytes are nearly all of a string: four at a time, a word at once past every one that
    // holds no quote, backslash or byte below 0x20 (the bit tricks answer exactly whether one does).
    let p = wordBase + i;
    while (p & 3 && i < end) {
      const c = b[i]!;
      if (c === 0x22 || c === 0x5c || c < 0x20) break;
      i++;
      p++;
    }
    if (!(p & 3)) {
      const stop = wordBase + end - 4;
      while (p <= stop) {
        const w = words[p >> 2]!;
        const q = w ^ 0x22222222;
        const s = w ^ 0x5c5c5c5c;
        if ((((w - 0x20202020) & ~w) | ((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s)) & 0x80808080) break;
        p += 4;
      }
      i = p - wordBase;
    }
    while (i < end) {
      const c = b[i]!;
      if (c === 0x22 || c === 0x5c || c < 0x20) break;
      i++;
    }
    if (i >= end) return -1;
    const c = b[i]!;
    if (c === 0x22) return i;
    if (c < 0x20) return -1;
    // A backslash.
    const n = b[i + 1];
    if (n === 0x75) {
      // \uXXXX: four hex digits, not a surrogate
      if (i + 5 >= end) return -1;
      let v = 0;
      for (let k = 2; k <= 5; k++) {
        const h = hex(b[i + k]!);
        if (h < 0) return -1;
        v = v * 16 + h;
      }
      if (v >= 0xd800 && v <= 0xdfff) return -1;
      i += 6;
    } else if (n === 0x22 || n === 0x5c || n === 0x2f || n === 0x62 || n === 0x66 || n === 0x6e || n === 0x72 || n === 0x74) i += 2;
    else return -1;
  }
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Whether the number numberEnd last read has a fraction (`fits` then need not read it again). */
let fraction = false;

/** JSON's number grammar; -1 for anything else, and for exponents (their range is left to `mapRecord`). */
function numberEnd(b: Uint8Array, i: number, end: number): number {
  fraction = false;
  if (b[i] === 0x2d) i++;
  if (i >= end) return -1;
  if (b[i] === 0x30) i++;
  else if (b[i]! >= 0x31 && b[i]! <= 0x39) while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
  else return -1;
  if (b[i] === 0x2e) {
    i++;
    const s = i;
    while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    if (i === s) return -1;
    fraction = true;
  }
  if (b[i] === 0x65 || b[i] === 0x45) return -1;
  return i;
}

/** Objects and arrays of any depth (up to 1,000 levels), checked for JSON's grammar with an explicit stack. */
function nestedEnd(b: Uint8Array, i: number, end: number): number {
  const stack: number[] = [];
  for (;;) {
    // At the start of a value.
    const kind = valueKind(b, i, end);
    if (kind === NESTED) {
      const open = b[i]!;
      if (stack.length >= 1000) return -1;
      stack.push(open);
      i = ws(b, i + 1, end);
      if (b[i] === (open === 0x7b ? 0x7d : 0x5d)) {
        i++;
        stack.pop();
      } else {
        if (open === 0x7b && (i = keyEnd(b, i, end)) < 0) return -1;
        continue;
      }
    } else if ((i = valueEnd(b, i, end, kind)) < 0) return -1;
    // After a value: a comma and the next element, or the container's end.
    for (;;) {
      if (!stack.length) return i;
      const top = stack[stack.length - 1]!;
      i = ws(b, i, end);
      if (b[i] === 0x2c) {
        i = ws(b, i + 1, end);
        if (top === 0x7b && (i = keyEnd(b, i, end)) < 0) return -1;
        break;
      }
      if (b[i] !== (top === 0x7b ? 0x7d : 0x5d)) return -1;
      i++;
      stack.pop();
    }
  }
}

/** Past `"key" :` and the spaces after it, or -1. */
function keyEnd(b: Uint8Array, i: number, end: number): number {
  if (b[i] !== 0x22) return -1;
  const ke = stringEnd(b, i + 1, end);
  if (ke < 0) return -1;
  i = ws(b, ke + 1, end);
  if (b[i] !== 0x3a) return -1;
  return ws(b, i + 1, end);
}

/** Whether a value of `kind` at `b[s, e)` is what `mapRecord` accepts for a column of type code `type`. */
function fits(type: number, kind: number, b: Uint8Array, s: number, e: number): boolean {
  switch (type) {
    case 1: // varchar
      return kind === STRING;
    case 5: // boolean
      return kind === TRUE || kind === FALSE;
    case 4: // double: beyond 300 digits JSON.parse gives Infinity, which mapRecord rejects
      return kind === NUMBER && e - s <= 300;
    case 2: // bigint
    case 3: {
      // integer
      // The number was read just before (numberEnd): digits and a minus sign, or a fraction.
      if (kind !== NUMBER || fraction) return false;
      const digits = b[s] === 0x2d ? e - s - 1 : e - s;
      if (type === 2) return digits <= 15;
      if (digits <= 9) return true;
      if (digits > 10) return false;
      let v = 0;
      for (let i = s; i < e; i++) if (b[i] !== 0x2d) v = v * 10 + (b[i]! - 0x30);
      return b[s] === 0x2d ? v <= 2 ** 31 : v <= 2 ** 31 - 1;
    }
  }
  return false;
}

function sameBytes(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let k = 0; k < e1 - s1; k++) if (b[s1 + k] !== b[s2 + k]) return false;
  return true;
}
