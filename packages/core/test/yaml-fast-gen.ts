/**
 * Mechanically made YAML for the fast reader's differential test: random documents in the styles
 * schema files are written in (indentation widths, compact and indented sequences, flow
 * collections, quoting, block scalars, comments, blank lines) with scalars and keys on and just
 * past every edge of the core schema's typing, and small random edits of real files.
 */

/** A small seeded generator (mulberry32), so every run makes the same texts. */
export function rng(seed: number): { next(): number; int(n: number): number; pick<T>(a: readonly T[]): T; chance(p: number): boolean } {
  let s = seed | 0;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (a) => a[int(a.length)]!, chance: (p) => next() < p };
}
type Rng = ReturnType<typeof rng>;

/** Scalar texts around the core schema's rules (written plain, they type as null, bool, int, float or string) and indicators. */
export const EDGE_SCALARS = [
  'word', 'two words', 'é ünï', 'CamelCase', 'snake_case_name', 'a.b.c', 'x-y', '+x', '-foo', '-1', '+12', '0', '-0', '007', '012', '0o17', '0o8', '0O17',
  '0x1F', '0xg', '0X1F', '1_000', '0b101', '1.5', '.5', '1.', '-.5', '+1.0', '1e3', '1E+3', '-2.5e-3', '.5e1', '1e', 'e3', '1.2.3', '.inf', '-.Inf', '+.INF',
  '.InF', '.nan', '.NaN', '.NAN', '.Nan', 'inf', 'nan', 'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n', 'null',
  'Null', 'NULL', 'nuLL', '~', '~x', '12:30', '12:30:45', '2024-01-01', '2024-01-01T00:00:00Z', 'http://x.y/z?a=1', 'a # b', 'a#b', 'a: b', 'a:b', 'a:',
  "it's", 'say "hi"', '- foo', '-', '--', '---', '...', '?x', '? x', ':x', '%x', '@x', '`x', '!x', '!!str x', '&x', '*x', '|', '>', '|-', 'a, b', '[a]',
  '{a: 1}', 'a]', 'a}', ' lead', 'trail ', '', '12345678901234567890', '0x7fffffffffffffff', '1e400', '\\', 'a\\nb', '"', "'", '#', 'a\u00a0b',
  '{{ var("x") }}', "{{ config(materialized='table') }}", 'select * from t where a = 1', '<<', '__proto__', 'constructor',
];
const KEYS = ['name', 'description', 'columns', 'data_tests', 'tests', 'config', 'meta', 'tags', 'a', 'b', 'c', '+materialized', 'data_type', 'two words', 'x-y', 'é'];
const ODD_KEYS = ['1', 'true', 'null', '~', '0x1F', '1.5', '-1', '<<', '__proto__', 'constructor', 'toString', 'a:b', 'a b ', '-x', '? x', '', 'name'];
const ESCAPES = ['\\\\', '\\"', '\\t', '\\n', '\\/', '\\0', '\\a', '\\e', '\\N', '\\_', '\\L', '\\P', '\\ ', '\\x41', '\\u00e9', '\\uD83D', '\\U0001F600', '\\U00110000', '\\q', '\\x4', '\\u12'];

/** Edge scalars that read the same plain and quoted: what tame documents use. */
const TAME_SCALARS = EDGE_SCALARS.filter((s) => s !== '' && !/^[?:,[\]{}#&*!|>'"%@` ]|^-( |$)|: |:$| #|^\.\.\.$|^---$|\s$/.test(s) && !s.includes('\\'));

/** One scalar written in a random style (plain, quoted, or on rare draws something stranger). */
function scalar(r: Rng, tame = false): string {
  if (tame) {
    const s = r.chance(0.5) ? r.pick(TAME_SCALARS) : r.pick(KEYS);
    const style = r.int(10);
    return style < 6 ? s : style < 8 ? `'${s.replaceAll("'", "''")}'` : `"${s.replaceAll('"', '\\"')}"`;
  }
  const s = r.chance(0.6) ? r.pick(EDGE_SCALARS) : r.pick(KEYS);
  const style = r.int(10);
  if (style < 5) return s;
  if (style < 7) return `'${s.replaceAll("'", "''")}'`;
  let out = s.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
  if (r.chance(0.4)) out += r.pick(ESCAPES);
  return `"${out}"`;
}

/** A key; tame documents give each mapping distinct keys (`used` holds the mapping's so far). */
function key(r: Rng, tame = false, used?: Set<string>): string {
  let k = !tame && r.chance(0.04) ? r.pick(ODD_KEYS) : r.pick(KEYS);
  if (tame && used) {
    for (let i = 0; used.has(k) && i < 50; i++) k = `${r.pick(KEYS)}${i}`;
    used.add(k);
  }
  const style = r.int(12);
  if (style === 0) return `'${k.replaceAll("'", "''")}'`;
  if (style === 1) return `"${k}"`;
  return k;
}

function flow(r: Rng, depth: number, tame: boolean): string {
  const n = r.int(4);
  const items: string[] = [];
  const map = r.chance(0.4);
  for (let i = 0; i < n; i++) {
    const v = depth < 2 && r.chance(0.15) ? flow(r, depth + 1, tame) : scalar(r, tame);
    items.push(map ? `${key(r, tame)}: ${v}` : v);
  }
  const sp = r.chance(0.3) ? ' ' : '';
  const body = items.join(r.chance(0.8) ? ', ' : ',') + (!tame && r.chance(0.05) ? ',' : '');
  return map ? `{${sp}${body}${sp}}` : `[${sp}${body}${sp}]`;
}

/** Lines of a block scalar's content, some blank, some more indented, some with '#'. */
function blockBody(r: Rng, indent: number, even: boolean): string[] {
  const out: string[] = [];
  const n = 1 + r.int(4);
  if (r.chance(0.15)) out.push(' '.repeat(r.int(indent + 2)));
  for (let i = 0; i < n; i++) {
    const extra = !even && r.chance(0.15) ? ' '.repeat(1 + r.int(2)) : '';
    out.push(' '.repeat(indent) + extra + r.pick(['text here', '# not a comment', 'a: b', '- item', 'x', "it's", 'trail ']));
    if (r.chance(0.2)) out.push(r.chance(0.7) ? '' : ' '.repeat(r.int(indent + 2)));
  }
  return out;
}

interface Ctx {
  r: Rng;
  /** Only what the fast reader should take (mostly): scalars that read the same in every style, usual keys and headers. */
  tame: boolean;
  lines: string[];
}

/** A value after `key:` or `- ` at column `col` in a collection indented `indent`: inline, or on the next lines. */
function value(c: Ctx, head: string, indent: number, depth: number): void {
  const { r, tame } = c;
  const kind = depth > 4 ? r.int(4) : r.int(10);
  const comment = r.chance(0.1) ? r.pick([' # note', '  #x', ' #']) : '';
  if (kind <= 2) c.lines.push(`${head} ${scalar(r, tame)}${comment}`);
  else if (kind === 3) c.lines.push(`${head}${r.chance(0.8) ? '' : ' '}${comment}`);
  else if (kind === 4) c.lines.push(`${head} ${flow(r, 0, tame)}${comment}`);
  else if (kind === 5) {
    const header = r.pick(tame ? ['|', '>', '|-', '>-'] : ['|', '>', '|-', '>-', '|+', '|2', '>1-']);
    c.lines.push(`${head} ${header}${comment}`);
    c.lines.push(...blockBody(r, indent + 1 + r.int(3), tame && header[0] === '>'));
  } else {
    c.lines.push(`${head}${comment}`);
    const seq = kind >= 8;
    // A sequence under a key may sit at the key's own column.
    const step = seq && head.trimStart()[0] !== '-' && r.chance(0.4) ? 0 : 1 + r.int(4);
    collection(c, indent + step, depth + 1, seq);
  }
}

function collection(c: Ctx, indent: number, depth: number, seq: boolean): void {
  const { r } = c;
  const n = 1 + r.int(4);
  const pad = ' '.repeat(indent);
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    if (r.chance(0.08)) c.lines.push(r.chance(0.5) ? '' : `${' '.repeat(r.int(indent + 3))}# comment`);
    if (seq) {
      const gap = ' '.repeat(1 + (r.chance(0.2) ? r.int(3) : 0));
      if (r.chance(0.4) && depth < 5) {
        // A mapping in the item, its first key on the dash's line.
        const col = indent + 1 + gap.length;
        const m = 1 + r.int(3);
        const used = new Set<string>();
        for (let j = 0; j < m; j++) value(c, `${j === 0 ? `${pad}-${gap}` : ' '.repeat(col)}${key(r, c.tame, used)}:`, col, depth + 1);
      } else if (r.chance(0.1) && depth < 5) {
        c.lines.push(`${pad}-`);
        collection(c, indent + 1 + r.int(3), depth + 1, r.chance(0.5));
      } else value(c, `${pad}-`, indent, depth);
    } else value(c, `${pad}${key(r, c.tame, used)}:`, indent, depth);
  }
}

/** A random document: a mapping (mostly) or a sequence at the top, maybe after `---`. */
export function randomDocument(seed: number): string {
  const r = rng(seed);
  const c: Ctx = { r, tame: r.chance(0.5), lines: [] };
  if (r.chance(0.1)) c.lines.push('# header comment');
  if (r.chance(0.05)) c.lines.push(c.tame ? '---' : r.pick(['---', '--- # c', '%YAML 1.2\n---', '...']));
  collection(c, r.chance(0.05) ? 2 : 0, 0, r.chance(0.2));
  if (!c.tame && r.chance(0.05)) c.lines.push(r.pick(['...', '---\nb: 1', 'a: &x 1\nb: *x', 'k: !!str 1']));
  return c.lines.join('\n') + (r.chance(0.9) ? '\n' : '');
}

const EDITS = [' ', '  ', ':', ': ', '#', ' #', '-', '- ', "'", '"', '\n', '\n  ', '[', ']', '{', '}', ',', '|', '>', '|-', '&a ', '*a', '!', '?', '\\', '~', '0', '.', '1', '\n- ', '---\n', 'é', 'null', '\n#c\n', '\n\n', '\t', '\r'];

/** A window of `text`'s lines with one to three random insertions, deletions or replacements. */
export function mutate(text: string, seed: number): string {
  const r = rng(seed);
  const lines = text.split('\n');
  const s = r.int(lines.length);
  let t = lines.slice(s, s + 5 + r.int(25)).join('\n');
  const n = 1 + r.int(3);
  for (let m = 0; m < n; m++) {
    const i = r.int(t.length + 1);
    const x = r.next();
    if (x < 0.4) t = t.slice(0, i) + r.pick(EDITS) + t.slice(i);
    else if (x < 0.7) t = t.slice(0, i) + t.slice(i + 1 + r.int(3));
    else t = t.slice(0, i) + r.pick(EDITS) + t.slice(Math.max(i, r.int(t.length + 1)));
  }
  return t;
}
