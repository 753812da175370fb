/**
 * Version specifiers as dbt reads them (`1.3.3`, `>=1.0.0`, `<2.0.0`, `>0.9.0-b1`), and the
 * same reduction of several specifiers to one range that dbt applies to `version:` lists,
 * `require-dbt-version` and the ranges of every package that asks for the same hub package.
 * Comparison follows dbt's rules, quirks included (a bound's matcher breaks ties between
 * equal numbers, prerelease parts compare numerically when both are numbers).
 */

export type Matcher = '>' | '>=' | '<' | '<=' | '=';

export interface Version {
  matcher: Matcher;
  major: number;
  minor: number;
  patch: number;
  prerelease?: string | undefined;
  build?: string | undefined;
}

/** A range's end; undefined is unbounded on that side. */
export interface VersionRange {
  start: Version | undefined;
  end: Version | undefined;
}

export class SemverError extends Error {
  readonly kind = 'SemverError';
}

/** Two specifiers that no single version satisfies. */
export class VersionsNotCompatible extends Error {
  readonly kind = 'VersionsNotCompatible';
}

const NUM = '(0|[1-9]\\d*)';
const PRE_PART = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const VERSION_RE = new RegExp(`^(>=|>|<=|<|=)?${NUM}\\.${NUM}\\.${NUM}(?:-?(${PRE_PART}(?:\\.${PRE_PART})*))?(?:\\+([0-9A-Za-z-]*(?:\\.[0-9A-Za-z-]*)*))?$`);

export function parseVersion(text: string): Version {
  const m = VERSION_RE.exec(text.trim());
  if (!m) throw new SemverError(`"${text}" is not a valid semantic version.`);
  return {
    matcher: (m[1] as Matcher | undefined) ?? '=',
    major: Number(m[2]),
    minor: Number(m[3]),
    patch: Number(m[4]),
    prerelease: m[5] || undefined,
    build: m[6] || undefined,
  };
}

export function versionString(v: Version, withMatcher = true): string {
  const m = withMatcher ? v.matcher : '';
  return `${m}${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}${v.build ? `+${v.build}` : ''}`;
}

const isLower = (v: Version) => v.matcher === '>' || v.matcher === '>=';
const isUpper = (v: Version) => v.matcher === '<' || v.matcher === '<=';
const sign = (a: number | string, b: number | string) => (a > b ? 1 : a < b ? -1 : 0);

function comparePrerelease(a: string, b: string): number {
  const parts = (s: string) => s.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    const c = typeof x === 'number' && typeof y === 'number' ? sign(x, y) : typeof x === 'number' ? -1 : typeof y === 'number' ? 1 : sign(x, y);
    if (c !== 0) return c;
  }
  // As dbt: the longer text wins when every shared part is equal.
  return sign(a.length, b.length);
}

/** dbt's comparison of two specifiers: numbers first, then what the matchers say about equal numbers. */
export function compareVersions(a: Version | undefined, b: Version | undefined): number {
  if (!a || !b) return 0;
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] > b[k] ? 1 : -1;
  if (a.prerelease !== undefined || b.prerelease !== undefined) {
    if (a.prerelease === undefined) return a.matcher === '<' ? -1 : 1;
    if (b.prerelease === undefined) return -1;
    const c = comparePrerelease(a.prerelease, b.prerelease);
    if (c !== 0) return c;
  }
  if ((a.matcher === '>=' && b.matcher === '<=') || (a.matcher === '<=' && b.matcher === '>=')) return 0;
  if ((a.matcher === '<' && b.matcher === '<=') || (b.matcher === '>' && a.matcher === '>=') || (isUpper(a) && isLower(b))) return -1;
  if ((b.matcher === '<' && a.matcher === '<=') || (a.matcher === '>' && b.matcher === '>=') || (isLower(a) && isUpper(b))) return 1;
  return 0;
}

function toRange(v: Version): VersionRange {
  if (v.matcher === '=') return { start: v, end: v };
  return isLower(v) ? { start: v, end: undefined } : { start: undefined, end: v };
}

function withExact(bound: Version, exact: Version, lower: boolean): Version {
  const c = compareVersions(bound, exact);
  if (lower ? c < 0 || (c === 0 && bound.matcher === '>=') : c > 0 || (c === 0 && bound.matcher === '<=')) return exact;
  throw new VersionsNotCompatible();
}

function combine(a: Version | undefined, b: Version | undefined, lower: boolean): Version | undefined {
  if (!b) return a;
  if (!a) return b;
  if (a.matcher !== '=' && b.matcher !== '=') {
    const c = compareVersions(a, b);
    return lower ? (c < 0 ? b : a) : c > 0 ? b : a;
  }
  return a.matcher === '=' ? withExact(b, a, lower) : withExact(a, b, lower);
}

function reduceRange(x: VersionRange, y: VersionRange): VersionRange {
  let start: Version | undefined;
  let end: Version | undefined;
  if (x.start?.matcher === '=' && y.start?.matcher === '=') {
    if (compareVersions(x.start, y.start) !== 0) throw new VersionsNotCompatible();
    start = end = x.start;
  } else {
    start = combine(x.start, y.start, true);
    end = combine(x.end, y.end, false);
  }
  if (compareVersions(start, end) > 0) throw new VersionsNotCompatible();
  return { start, end };
}

/** The one range every specifier allows; throws VersionsNotCompatible naming the options when there is none. */
export function reduceVersions(specs: readonly (string | Version | VersionRange)[]): VersionRange {
  const list: Version[] = [];
  for (const s of specs) {
    if (typeof s === 'string') list.push(parseVersion(s));
    else if ('major' in s) list.push(s);
    else {
      if (s.start) list.push(s.start);
      if (s.end) list.push(s.end);
    }
  }
  if (!list.length) return { start: undefined, end: undefined };
  try {
    let r = toRange(list[list.length - 1]!);
    for (const v of list.slice(0, -1)) r = reduceRange(r, toRange(v));
    return r;
  } catch (e) {
    if (e instanceof VersionsNotCompatible) {
      const shown = specs.map((s) => (typeof s === 'string' ? s : 'major' in s ? versionString(s) : rangeString(s)));
      throw new VersionsNotCompatible(`Could not find a satisfactory version from options: ${JSON.stringify(shown)}`);
    }
    throw e;
  }
}

export function versionsCompatible(specs: readonly (string | Version | VersionRange)[]): boolean {
  if (specs.length === 1) return true;
  try {
    reduceVersions(specs);
    return true;
  } catch (e) {
    if (e instanceof VersionsNotCompatible) return false;
    throw e;
  }
}

export function rangeString(r: VersionRange): string {
  if (!r.start && !r.end) return 'ANY';
  return [r.start, r.end].filter((v): v is Version => v !== undefined).map((v) => versionString(v)).join(', ');
}

/** The highest of `available` inside `range`, as written in `available`; undefined when none is. */
export function resolveToSpecificVersion(range: VersionRange, available: readonly string[]): string | undefined {
  let best: Version | undefined;
  let bestText: string | undefined;
  for (const text of available) {
    const v = parseVersion(text);
    const inside = versionsCompatible([v, ...(range.start ? [range.start] : []), ...(range.end ? [range.end] : [])]);
    if (inside && (!best || compareVersions(best, v) < 0)) {
      best = v;
      bestText = text;
    }
  }
  return bestText;
}

/** Versions that may be installed, lowest first: prereleases only when asked for. */
export function filterInstallable(versions: readonly string[], installPrerelease: boolean): string[] {
  return versions
    .map((t) => ({ t, v: parseVersion(t) }))
    .filter((x) => installPrerelease || !x.v.prerelease)
    .sort((a, b) => compareVersions(a.v, b.v))
    .map((x) => x.t);
}
