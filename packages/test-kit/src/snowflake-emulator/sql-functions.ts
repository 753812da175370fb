import { unsupported } from './emulator-error.ts';
import { render, type Token } from './sql-tokens.ts';

/**
 * Snowflake functions whose arguments DuckDB cannot take as they are (a date part as a bare
 * keyword, a format model), rewritten call by call. Functions that only differ in name are
 * macros in emulator-session.ts instead.
 */
export function rewriteFunctions(tokens: Token[], sql: string): void {
  rewriteCalls(tokens, 'DATEADD', (args) => {
    if (args.length !== 3) throw unsupported('dateadd without three arguments', sql);
    const part = args[0]!.replace(/^'(.*)'$/, '$1').toUpperCase();
    if (!/^(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND|WEEK)S?$/.test(part)) throw unsupported(`dateadd part ${part}`, sql);
    return `(${args[2]} + (${args[1]}) * INTERVAL 1 ${part.replace(/S$/, '')})`;
  });
  rewriteCalls(tokens, 'TO_CHAR', (args) => {
    if (args.length === 1) return `CAST(${args[0]} AS VARCHAR)`;
    const fmt = /^'(.*)'$/.exec(args[1] ?? '')?.[1];
    if (args.length !== 2 || fmt === undefined) throw unsupported('to_char with a format that is not a literal', sql);
    return `strftime(${args[0]}, '${formatModel(fmt, sql)}')`;
  });
}

const formatParts: [string, string][] = [
  ['YYYY', '%Y'],
  ['HH24', '%H'],
  ['MM', '%m'],
  ['DD', '%d'],
  ['MI', '%M'],
  ['SS', '%S'],
];

/** A Snowflake format model as a strftime format; anything beyond the common parts is refused. */
function formatModel(fmt: string, sql: string): string {
  let out = '';
  let rest = fmt;
  while (rest) {
    const part = formatParts.find(([p]) => rest.toUpperCase().startsWith(p));
    if (part) {
      out += part[1];
      rest = rest.slice(part[0].length);
    } else if (/^[-: /.T]/.test(rest)) {
      out += rest[0];
      rest = rest.slice(1);
    } else throw unsupported(`format model ${fmt}`, sql);
  }
  return out;
}

/**
 * Replaces every call `name(args)` with `build(args)`, arguments as rendered SQL split at
 * top-level commas. Innermost calls first, so a nested call is already rewritten in its parent's arguments.
 */
function rewriteCalls(tokens: Token[], name: string, build: (args: string[]) => string): void {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.kind !== 'word' || t.text !== name) continue;
    let open = i + 1;
    while (tokens[open] && (tokens[open]!.kind === 'space' || tokens[open]!.kind === 'comment')) open++;
    if (tokens[open]?.text !== '(') continue;
    let depth = 0;
    let start = open + 1;
    const args: string[] = [];
    let close = -1;
    for (let k = open; k < tokens.length; k++) {
      const x = tokens[k]!;
      if (x.kind !== 'punct') continue;
      if (x.text === '(') depth++;
      else if (x.text === ')' && --depth === 0) {
        close = k;
        break;
      } else if (x.text === ',' && depth === 1) {
        args.push(render(tokens.slice(start, k)).trim());
        start = k + 1;
      }
    }
    if (close < 0) continue;
    args.push(render(tokens.slice(start, close)).trim());
    t.text = build(args.filter((a, n) => a !== '' || n > 0));
    for (let k = i + 1; k <= close; k++) tokens[k]!.text = '';
  }
}
