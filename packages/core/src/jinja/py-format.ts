import { isDict, Kwargs, pyRepr, pyStr, PyTuple } from './py-values.ts';

/**
 * Python's two string formatting languages: `fmt % args` (printf style, with a tuple, a dict
 * for `%(name)s`, or a single value) and `str.format()` with its format spec mini-language.
 */

/** Python's round(x, n): correctly rounded, exact ties to even. */
export function pyRound(x: number, n: number): number {
  if (!Number.isFinite(x)) return x;
  if (n < 0) {
    const f = 10 ** -n;
    return pyRound(x / f, 0) * f;
  }
  const exact = x.toFixed(Math.min(100, n + 25));
  const tail = exact.slice(exact.length - 25);
  if (tail === '5' + '0'.repeat(24)) {
    const lower = exact.slice(0, exact.length - 25).replace(/\.$/, '');
    const lastDigit = Number(lower[lower.length - 1]);
    const down = Number(lower);
    if (lastDigit % 2 === 0) return down;
    return down + Math.sign(x) * 10 ** -n;
  }
  return Number(x.toFixed(n));
}

/** `x.toFixed(n)` with Python's rounding: exact ties go to the even digit (`'%.1f' % 2.25` is 2.2). */
export function toFixedPy(x: number, n: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  return pyRound(x, n).toFixed(n);
}

const PRINTF = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

export function printf(fmt: string, arg: unknown): string {
  const named = isDict(arg) && !(arg instanceof PyTuple) ? arg : undefined;
  const args: unknown[] = arg instanceof PyTuple ? [...arg] : [arg];
  let i = 0;
  let usedNamed = false;
  const take = (): unknown => {
    if (i >= args.length) throw new TypeError('not enough arguments for format string');
    return args[i++];
  };
  const out = fmt.replace(PRINTF, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const w = width === '*' ? Number(take()) : width ? Number(width) : 0;
    const p = prec === '*' ? Number(take()) : prec !== undefined ? Number(prec) : undefined;
    let v: unknown;
    if (key !== undefined) {
      if (!named) throw new TypeError('format requires a mapping');
      usedNamed = true;
      v = named[key];
    } else v = take();
    return pad(convert(v, conv, flags, p), w, flags, 'diouxXeEfFgG'.includes(conv));
  });
  if (!usedNamed && i < args.length && !(named && args.length === 1)) throw new TypeError('not all arguments converted during string formatting');
  return out;
}

function num(v: unknown, conv: string): number {
  if (typeof v === 'boolean') return Number(v);
  const n = Number(v);
  if (v === null || v === undefined || typeof v === 'string' || (Number.isNaN(n) && typeof v !== 'number')) throw new TypeError(`%${conv} format: a real number is required, not ${v === null ? 'NoneType' : typeof v === 'string' ? 'str' : typeof v}`);
  return n;
}

function convert(v: unknown, conv: string, flags: string, prec: number | undefined): string {
  const sign = (n: number, s: string) => (n < 0 || Object.is(n, -0) ? s : flags.includes('+') ? `+${s}` : flags.includes(' ') ? ` ${s}` : s);
  switch (conv) {
    case 's':
      return prec !== undefined ? pyStr(v).slice(0, prec) : pyStr(v);
    case 'r':
    case 'a':
      return pyRepr(v);
    case 'c':
      return typeof v === 'number' ? String.fromCodePoint(v) : String(v);
    case 'd':
    case 'i':
    case 'u': {
      const n = Math.trunc(num(v, conv));
      return sign(n, String(n));
    }
    case 'x':
    case 'X':
    case 'o': {
      const n = Math.trunc(num(v, conv));
      let s = Math.abs(n).toString(conv === 'o' ? 8 : 16);
      if (conv === 'X') s = s.toUpperCase();
      if (flags.includes('#')) s = (conv === 'o' ? '0o' : conv === 'x' ? '0x' : '0X') + s;
      return sign(n, n < 0 ? `-${s}` : s);
    }
    case 'f':
    case 'F': {
      const n = num(v, conv);
      return sign(n, toFixedPy(n, prec ?? 6));
    }
    case 'e':
    case 'E': {
      const n = num(v, conv);
      const s = expPy(n.toExponential(prec ?? 6));
      return sign(n, conv === 'E' ? s.toUpperCase() : s);
    }
    case 'g':
    case 'G': {
      const n = num(v, conv);
      const s = general(n, prec ?? 6, flags.includes('#'));
      return sign(n, conv === 'G' ? s.toUpperCase() : s);
    }
  }
  return String(v);
}

function pad(s: string, w: number, flags: string, numeric: boolean): string {
  if (s.length >= w) return s;
  if (flags.includes('-')) return s.padEnd(w);
  if (flags.includes('0') && numeric) {
    const m = /^([+ -]?(?:0[xXo])?)(.*)$/.exec(s)!;
    return m[1]! + m[2]!.padStart(w - m[1]!.length, '0');
  }
  return s.padStart(w);
}

/** JavaScript writes 1e+5 and 1e-7; Python 1e+05 and 1e-07. */
function expPy(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function general(n: number, prec: number, alt: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (n === 0) return alt ? (0).toFixed(p - 1) : '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  let s: string;
  if (exp < -4 || exp >= p) s = expPy(n.toExponential(p - 1));
  else s = n.toFixed(Math.max(0, p - 1 - exp));
  if (!alt) s = s.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
  return s;
}

/**
 * `str.format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `{name.attr}`, `{0[key]}`, conversions
 * `!r`/`!s` and a format spec, whose own `{...}` fields are filled in first (`{:{width}}`,
 * `{:{}}`, one level deep as in Python).
 */
export function strFormat(fmt: string, args: unknown[], kw: Kwargs | Record<string, unknown> | null): string {
  let auto = 0;
  const value = (f: string): unknown => {
    const head = /^[^.[]*/.exec(f)![0];
    let v: unknown = head === '' ? args[auto++] : /^\d+$/.test(head) ? args[Number(head)] : kw?.[head];
    for (const part of f.slice(head.length).matchAll(/\.(\w+)|\[([^\]]*)\]/g)) {
      const k = part[1] ?? part[2]!;
      v = (v as Record<string, unknown>)?.[Array.isArray(v) && /^\d+$/.test(k) ? Number(k) : k];
    }
    return v;
  };
  return fmt.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::((?:[^{}]|\{[^{}]*\})*))?\}/g, (m, field: string | undefined, conv: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    let v = value(field ?? '');
    const filled = (spec ?? '').replace(/\{([^{}]*)\}/g, (_n, f: string) => pyStr(value(f)));
    if (conv === 'r' || conv === 'a') v = pyRepr(v);
    else if (conv === 's') v = pyStr(v);
    return formatSpec(v, filled);
  });
}

/** Python's format spec: [[fill]align][sign][#][0][width][,][.precision][type]. */
export function formatSpec(v: unknown, spec: string): string {
  if (!spec) return pyStr(v);
  const m = /^(?:(.)?([<>^=]))?([+ -])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/.exec(spec);
  if (!m) throw new Error(`Invalid format specifier '${spec}'`);
  const [, fillRaw, alignRaw, signFlag, alt, zero, width, group, precision, type] = m;
  const isNum = typeof v === 'number' || (typeof v === 'object' && v !== null && typeof (v as { valueOf(): unknown }).valueOf() === 'number');
  const n = isNum ? Number(v) : NaN;
  let text: string;
  const p = precision !== undefined ? Number(precision) : undefined;
  switch (type) {
    case 'f':
    case 'F':
      text = toFixedPy(n, p ?? 6);
      break;
    case 'e':
    case 'E':
      text = expPy(n.toExponential(p ?? 6));
      if (type === 'E') text = text.toUpperCase();
      break;
    case 'g':
    case 'G':
      text = general(n, p ?? 6, !!alt);
      break;
    case '%':
      text = `${toFixedPy(n * 100, p ?? 6)}%`;
      break;
    case 'd':
    case 'n':
      text = String(Math.trunc(n));
      break;
    case 'x':
    case 'X':
    case 'o':
    case 'b':
      text = Math.trunc(n).toString(type === 'o' ? 8 : type === 'b' ? 2 : 16);
      if (type === 'X') text = text.toUpperCase();
      break;
    case 'c':
      text = String.fromCodePoint(n);
      break;
    default:
      text = isNum && p !== undefined ? general(n, p, false) : pyStr(v);
      if (!isNum && p !== undefined) text = text.slice(0, p);
  }
  if (group && isNum) {
    const [int, frac] = text.split('.') as [string, string | undefined];
    text = int.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (frac !== undefined ? `.${frac}` : '');
  }
  if (isNum && n >= 0 && signFlag === '+') text = `+${text}`;
  else if (isNum && n >= 0 && signFlag === ' ') text = ` ${text}`;
  const w = Number(width ?? 0);
  if (text.length >= w) return text;
  const fill = fillRaw ?? (zero && !alignRaw ? '0' : ' ');
  const align = alignRaw ?? (zero ? '=' : isNum ? '>' : '<');
  const padN = w - text.length;
  if (align === '>') return fill.repeat(padN) + text;
  if (align === '<') return text + fill.repeat(padN);
  if (align === '=') {
    const s = /^[+ -]/.test(text) ? text[0]! : '';
    return s + fill.repeat(padN) + text.slice(s.length);
  }
  return fill.repeat(Math.floor(padN / 2)) + text + fill.repeat(Math.ceil(padN / 2));
}
