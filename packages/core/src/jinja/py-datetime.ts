import type { Context } from './macro.ts';
import { Kwargs, PyFloat } from './py-values.ts';
import { pyFunction } from './runtime.ts';

/**
 * Python's datetime module as templates use it (dbt's `modules.datetime`, `run_started_at`,
 * dbt-date): date, datetime, timedelta and time zones (fixed offsets, UTC, pytz's named zones
 * through Intl), with strftime/strptime, isoformat/fromisoformat, timestamp(), arithmetic and
 * comparison through the __add__/__sub__/__cmp__ protocol py-ops.ts follows.
 * A datetime is kept as its wall-clock time (milliseconds as if UTC, plus microseconds) and a
 * zone; aware values compare and subtract by their instant.
 */

const MS_DAY = 86_400_000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** A time zone: a fixed offset (`timezone.utc`, `+02:00`) or a named IANA zone (pytz). */
export class PyTz {
  readonly zone: string;
  readonly #fixed: number | undefined;
  constructor(zone: string, fixedMinutes?: number) {
    this.zone = zone;
    this.#fixed = fixedMinutes;
  }
  /** Offset in minutes east of UTC at a UTC instant (ms). */
  offsetAt(utcMs: number): number {
    if (this.#fixed !== undefined) return this.#fixed;
    return zoneOffset(this.zone, utcMs);
  }
  /** Offset for a wall-clock time in this zone (pytz's localize with is_dst=False). */
  offsetForWall(wallMs: number): number {
    if (this.#fixed !== undefined) return this.#fixed;
    let off = this.offsetAt(wallMs);
    const again = this.offsetAt(wallMs - off * 60_000);
    if (again !== off) off = again;
    return off;
  }
  /** pytz: attach this zone to a naive datetime. */
  localize(dt: PyDateTime): PyDateTime {
    if (dt.tzinfo !== null) throw new Error('ValueError: Not naive datetime (tzinfo is already set)');
    return new PyDateTime(dt.wallMs, dt.micro, this);
  }
  normalize(dt: PyDateTime): PyDateTime {
    return dt.tzinfo ? dt.astimezone(this) : dt;
  }
  utcoffset(dt?: PyDateTime): PyTimedelta {
    return new PyTimedelta(0, (dt ? this.offsetForWall(dt.wallMs) : (this.#fixed ?? 0)) * 60, 0);
  }
  tzname(dt?: PyDateTime): string {
    if (this.#fixed === 0 && (this.zone === 'UTC' || this.zone === 'utc')) return 'UTC';
    if (this.#fixed !== undefined) return offsetText(this.#fixed, true, 'UTC');
    void dt;
    return this.zone;
  }
  toString(): string {
    return this.zone;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function zoneOffset(zone: string, utcMs: number): number {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    } catch {
      throw new Error(`UnknownTimeZoneError: '${zone}'`);
    }
    formatters.set(zone, f);
  }
  const name = f.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d\d):?(\d\d)?/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
}

function offsetText(minutes: number, colon = true, prefix = ''): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${prefix}${sign}${pad(Math.floor(m / 60))}${colon ? ':' : ''}${pad(m % 60)}`;
}

export const UTC = new PyTz('UTC', 0);

export class PyTimedelta {
  /** Normalised as Python does: 0 <= seconds < 86400, 0 <= microseconds < 1e6. */
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;
  constructor(days: number, seconds: number, micro: number) {
    let total = Math.round(days * 86_400_000_000 + seconds * 1_000_000 + micro);
    const d = Math.floor(total / 86_400_000_000);
    total -= d * 86_400_000_000;
    this.days = d;
    this.seconds = Math.floor(total / 1_000_000);
    this.microseconds = total - this.seconds * 1_000_000;
  }
  get totalMicro(): number {
    return this.days * 86_400_000_000 + this.seconds * 1_000_000 + this.microseconds;
  }
  total_seconds(): PyFloat | number {
    const s = this.totalMicro / 1e6;
    return Number.isInteger(s) ? new PyFloat(s) : s;
  }
  __add__(o: unknown): unknown {
    if (o instanceof PyTimedelta) return new PyTimedelta(0, 0, this.totalMicro + o.totalMicro);
    if (o instanceof PyDate) return o.__add__(this);
    return undefined;
  }
  __radd__(o: unknown): unknown {
    return this.__add__(o);
  }
  __sub__(o: unknown): unknown {
    return o instanceof PyTimedelta ? new PyTimedelta(0, 0, this.totalMicro - o.totalMicro) : undefined;
  }
  __mul__(o: unknown): unknown {
    return typeof o === 'number' || o instanceof PyFloat ? new PyTimedelta(0, 0, this.totalMicro * Number(o)) : undefined;
  }
  __neg__(): PyTimedelta {
    return new PyTimedelta(0, 0, -this.totalMicro);
  }
  __cmp__(o: unknown): number | undefined {
    return o instanceof PyTimedelta ? Math.sign(this.totalMicro - o.totalMicro) : undefined;
  }
  __eq__(o: unknown): boolean {
    return o instanceof PyTimedelta && o.totalMicro === this.totalMicro;
  }
  __bool__(): boolean {
    return this.totalMicro !== 0;
  }
  toString(): string {
    const h = Math.floor(this.seconds / 3600);
    const m = Math.floor((this.seconds % 3600) / 60);
    const s = this.seconds % 60;
    const head = this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ` : '';
    return `${head}${h}:${pad(m)}:${pad(s)}${this.microseconds ? '.' + pad(this.microseconds, 6) : ''}`;
  }
}

export class PyDate {
  /** Midnight of the date, in milliseconds as if UTC (the wall clock). */
  readonly wallMs: number;
  constructor(wallMs: number) {
    this.wallMs = wallMs;
  }
  static of(y: number, m: number, d: number): PyDate {
    checkDate(y, m, d);
    return new PyDate(utcDate(y, m, d));
  }
  #d(): Date {
    return new Date(this.wallMs);
  }
  get year(): number {
    return this.#d().getUTCFullYear();
  }
  get month(): number {
    return this.#d().getUTCMonth() + 1;
  }
  get day(): number {
    return this.#d().getUTCDate();
  }
  weekday(): number {
    return (this.#d().getUTCDay() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  toordinal(): number {
    return Math.floor((this.wallMs - utcDate(1, 1, 1)) / MS_DAY) + 1;
  }
  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }
  strftime(fmt: unknown): string {
    return strftime(String(fmt), this, 0, null);
  }
  replace(...a: unknown[]): PyDate {
    const kw = kwargs(a);
    return PyDate.of(Number(kw.year ?? this.year), Number(kw.month ?? this.month), Number(kw.day ?? this.day));
  }
  __add__(o: unknown): unknown {
    return o instanceof PyTimedelta ? new PyDate(this.wallMs + o.days * MS_DAY) : undefined;
  }
  __radd__(o: unknown): unknown {
    return this.__add__(o);
  }
  __sub__(o: unknown): unknown {
    if (o instanceof PyTimedelta) return new PyDate(this.wallMs - o.days * MS_DAY);
    if (o instanceof PyDate && !(o instanceof PyDateTime)) return new PyTimedelta((this.wallMs - o.wallMs) / MS_DAY, 0, 0);
    return undefined;
  }
  __cmp__(o: unknown): number | undefined {
    return o instanceof PyDate && !(o instanceof PyDateTime) ? Math.sign(this.wallMs - o.wallMs) : undefined;
  }
  __eq__(o: unknown): boolean {
    return this.__cmp__(o) === 0;
  }
  toJSON(): string {
    return this.isoformat();
  }
  toString(): string {
    return this.isoformat();
  }
}

export class PyDateTime extends PyDate {
  /** Microseconds within the millisecond (0-999). */
  readonly micro: number;
  readonly tzinfo: PyTz | null;
  constructor(wallMs: number, micro: number, tz: PyTz | null) {
    super(wallMs);
    this.micro = micro;
    this.tzinfo = tz;
  }
  static make(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, us = 0, tz: PyTz | null = null): PyDateTime {
    const date = PyDate.of(y, mo, d);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || us < 0 || us > 999_999) throw new Error('ValueError: time field out of range');
    return new PyDateTime(date.wallMs + h * 3_600_000 + mi * 60_000 + s * 1000 + Math.floor(us / 1000), us % 1000, tz);
  }
  /** The UTC instant in ms (aware), or the wall clock read as local time (naive, as Python does). */
  get utcMs(): number {
    if (this.tzinfo) return this.wallMs - this.tzinfo.offsetForWall(this.wallMs) * 60_000;
    const d = new Date(this.wallMs);
    return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()).getTime();
  }
  #d(): Date {
    return new Date(this.wallMs);
  }
  get hour(): number {
    return this.#d().getUTCHours();
  }
  get minute(): number {
    return this.#d().getUTCMinutes();
  }
  get second(): number {
    return this.#d().getUTCSeconds();
  }
  get microsecond(): number {
    return this.#d().getUTCMilliseconds() * 1000 + this.micro;
  }
  /** Offset in minutes, or undefined when naive. */
  get offset(): number | undefined {
    return this.tzinfo?.offsetForWall(this.wallMs);
  }
  date(): PyDate {
    return new PyDate(dayStart(this.wallMs));
  }
  timestamp(): PyFloat | number {
    const s = (this.utcMs * 1000 + this.micro) / 1e6;
    return Number.isInteger(s) ? new PyFloat(s) : s;
  }
  utcoffset(): PyTimedelta | null {
    return this.offset === undefined ? null : new PyTimedelta(0, this.offset * 60, 0);
  }
  astimezone(...a: unknown[]): PyDateTime {
    const tz = (a[0] instanceof PyTz ? a[0] : kwargs(a).tz) as PyTz | undefined;
    if (!tz) return this;
    const utc = this.utcMs;
    return new PyDateTime(utc + tz.offsetAt(utc) * 60_000, this.micro, tz);
  }
  override replace(...a: unknown[]): PyDateTime {
    const kw = kwargs(a);
    const tz = 'tzinfo' in kw ? ((kw.tzinfo as PyTz | null) ?? null) : this.tzinfo;
    return PyDateTime.make(Number(kw.year ?? this.year), Number(kw.month ?? this.month), Number(kw.day ?? this.day), Number(kw.hour ?? this.hour), Number(kw.minute ?? this.minute), Number(kw.second ?? this.second), Number(kw.microsecond ?? this.microsecond), tz);
  }
  override isoformat(...a: unknown[]): string {
    const sep = typeof a[0] === 'string' ? a[0] : typeof kwargs(a).sep === 'string' ? (kwargs(a).sep as string) : 'T';
    const us = this.microsecond;
    const off = this.offset;
    return `${super.isoformat()}${sep}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${us ? '.' + pad(us, 6) : ''}${off === undefined ? '' : offsetText(off)}`;
  }
  override strftime(fmt: unknown): string {
    return strftime(String(fmt), this, this.microsecond, this.offset === undefined ? null : this.offset, this.tzinfo);
  }
  override __add__(o: unknown): unknown {
    if (!(o instanceof PyTimedelta)) return undefined;
    const totalUs = this.micro + o.totalMicro;
    const ms = Math.floor(totalUs / 1000);
    return new PyDateTime(this.wallMs + ms, totalUs - ms * 1000, this.tzinfo);
  }
  override __sub__(o: unknown): unknown {
    if (o instanceof PyTimedelta) return this.__add__(o.__neg__());
    if (o instanceof PyDateTime) {
      if ((this.tzinfo === null) !== (o.tzinfo === null)) throw new TypeError("can't subtract offset-naive and offset-aware datetimes");
      const a = this.tzinfo ? this.utcMs : this.wallMs;
      const b = o.tzinfo ? o.utcMs : o.wallMs;
      return new PyTimedelta(0, 0, (a - b) * 1000 + this.micro - o.micro);
    }
    return undefined;
  }
  override __cmp__(o: unknown): number | undefined {
    if (!(o instanceof PyDateTime)) return undefined;
    if ((this.tzinfo === null) !== (o.tzinfo === null)) throw new TypeError("can't compare offset-naive and offset-aware datetimes");
    const a = (this.tzinfo ? this.utcMs : this.wallMs) * 1000 + this.micro;
    const b = (o.tzinfo ? o.utcMs : o.wallMs) * 1000 + o.micro;
    return Math.sign(a - b);
  }
  override toJSON(): string {
    return this.isoformat();
  }
  override toString(): string {
    return this.isoformat(' ');
  }
}

/** Midnight of a date as milliseconds, for any year 1-9999 (Date.UTC maps 0-99 to 1900-1999). */
function utcDate(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getTime();
}

function dayStart(ms: number): number {
  return Math.floor(ms / MS_DAY) * MS_DAY;
}

function checkDate(y: number, m: number, d: number): void {
  if (!Number.isInteger(y) || y < 1 || y > 9999) throw new Error(`ValueError: year ${y} is out of range`);
  if (!Number.isInteger(m) || m < 1 || m > 12) throw new Error('ValueError: month must be in 1..12');
  const days = new Date(Date.UTC(2000, m, 0)).getUTCDate();
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = m === 2 ? (leap ? 29 : 28) : days;
  if (!Number.isInteger(d) || d < 1 || d > max) throw new Error('ValueError: day is out of range for month');
}

function kwargs(a: unknown[]): Record<string, unknown> {
  const k = a.find((x) => x instanceof Kwargs);
  return (k ?? {}) as Record<string, unknown>;
}

/** Python's strftime in the C locale. */
function strftime(fmt: string, d: PyDate, micro: number, offset: number | null, tz?: PyTz | null): string {
  const dt = d instanceof PyDateTime ? d : undefined;
  const h = dt?.hour ?? 0;
  const yday = Math.floor((dayStart(d.wallMs) - utcDate(d.year, 1, 1)) / MS_DAY) + 1;
  const wd = d.weekday();
  const weekOf = (firstDay: number) => Math.floor((yday + 6 - ((wd - firstDay + 7) % 7)) / 7);
  return fmt.replace(/%([a-zA-Z%])/g, (m, c: string) => {
    switch (c) {
      case 'Y': return pad(d.year, 4);
      case 'y': return pad(d.year % 100);
      case 'm': return pad(d.month);
      case 'd': return pad(d.day);
      case 'e': return String(d.day).padStart(2, ' ');
      case 'H': return pad(h);
      case 'I': return pad(h % 12 || 12);
      case 'M': return pad(dt?.minute ?? 0);
      case 'S': return pad(dt?.second ?? 0);
      case 'f': return pad(micro, 6);
      case 'p': return h < 12 ? 'AM' : 'PM';
      case 'b': return MONTHS[d.month - 1]!.slice(0, 3);
      case 'B': return MONTHS[d.month - 1]!;
      case 'a': return DAYS[wd]!.slice(0, 3);
      case 'A': return DAYS[wd]!;
      case 'w': return String((wd + 1) % 7);
      case 'u': return String(wd + 1);
      case 'j': return pad(yday, 3);
      case 'U': return pad(weekOf(6));
      case 'W': return pad(weekOf(0));
      case 'z': return offset === null ? '' : offsetText(offset, false);
      case 'Z': return offset === null ? '' : (tz?.tzname(d as PyDateTime) ?? '');
      case 'c': return `${DAYS[wd]!.slice(0, 3)} ${MONTHS[d.month - 1]!.slice(0, 3)} ${String(d.day).padStart(2, ' ')} ${pad(h)}:${pad(dt?.minute ?? 0)}:${pad(dt?.second ?? 0)} ${pad(d.year, 4)}`;
      case 'x': return `${pad(d.month)}/${pad(d.day)}/${pad(d.year % 100)}`;
      case 'X': return `${pad(h)}:${pad(dt?.minute ?? 0)}:${pad(dt?.second ?? 0)}`;
      case 'G': return pad(isoYearWeek(d)[0], 4);
      case 'V': return pad(isoYearWeek(d)[1]);
      case '%': return '%';
    }
    return m;
  });
}

function isoYearWeek(d: PyDate): [number, number] {
  const thursday = d.wallMs + (3 - d.weekday()) * MS_DAY;
  const y = new Date(thursday).getUTCFullYear();
  return [y, Math.floor((dayStart(thursday) - utcDate(y, 1, 1)) / MS_DAY / 7) + 1];
}

/** Python's strptime for the directives dbt projects use. */
export function strptime(s: string, fmt: string): PyDateTime {
  const parts: string[] = [];
  let re = '^';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch !== '%') {
      re += /\s/.test(ch) ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const c = fmt[++i]!;
    const field: Record<string, string> = {
      Y: '(\\d{4})', m: '(\\d{1,2})', d: '(\\d{1,2})', H: '(\\d{1,2})', I: '(\\d{1,2})', M: '(\\d{1,2})', S: '(\\d{1,2})', f: '(\\d{1,6})', y: '(\\d{2})',
      j: '(\\d{1,3})', p: '(AM|PM|am|pm)', b: '([A-Za-z]{3})', B: '([A-Za-z]+)', a: '[A-Za-z]{3}', A: '[A-Za-z]+', z: '([+-]\\d{2}:?\\d{2}|Z)', Z: '(UTC|GMT|[A-Z]{3,4})', '%': '%',
    };
    const f = field[c];
    if (!f) throw new Error(`ValueError: '${c}' is a bad directive in format '${fmt}'`);
    re += f;
    if (f.startsWith('(')) parts.push(c);
  }
  const m = new RegExp(re + '$').exec(s);
  if (!m) throw new Error(`ValueError: time data '${s}' does not match format '${fmt}'`);
  const v: Record<string, string> = {};
  parts.forEach((p, i) => (v[p] = m[i + 1]!));
  let year = v.Y ? Number(v.Y) : v.y ? (Number(v.y) < 69 ? 2000 : 1900) + Number(v.y) : 1900;
  let month = v.m ? Number(v.m) : 1;
  let day = v.d ? Number(v.d) : 1;
  const monthName = v.b ?? v.B;
  if (monthName) month = MONTHS.findIndex((x) => x.toLowerCase().startsWith(monthName.toLowerCase().slice(0, 3))) + 1;
  if (v.j) {
    const dt = new Date(Date.UTC(year, 0, Number(v.j)));
    [year, month, day] = [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()];
  }
  let hour = Number(v.H ?? v.I ?? 0);
  if (v.p && v.I) hour = (hour % 12) + (v.p.toUpperCase() === 'PM' ? 12 : 0);
  const us = v.f ? Number(v.f.padEnd(6, '0')) : 0;
  let tz: PyTz | null = null;
  if (v.z) tz = v.z === 'Z' ? UTC : fixedZone(v.z);
  else if (v.Z === 'UTC' || v.Z === 'GMT') tz = UTC;
  return PyDateTime.make(year, month, day, hour, Number(v.M ?? 0), Number(v.S ?? 0), us, tz);
}

function fixedZone(text: string): PyTz {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text)!;
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return minutes === 0 ? UTC : new PyTz(`UTC${offsetText(minutes)}`, minutes);
}

/** datetime.fromisoformat (3.11): dates, times with optional seconds/fraction, offsets and Z. */
export function fromIsoFormat(s: string, dateOnly = false): PyDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) throw new Error(`ValueError: Invalid isoformat string: '${s}'`);
  if (dateOnly) return PyDate.of(Number(m[1]), Number(m[2]), Number(m[3]));
  const tz = m[8] ? (m[8] === 'Z' ? UTC : fixedZone(m[8])) : null;
  return PyDateTime.make(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), m[7] ? Number(m[7].padEnd(6, '0')) : 0, tz);
}

/** A UTC instant (ms, plus microseconds) as an aware datetime in `tz`. */
export function fromInstant(utcMs: number, tz: PyTz | null, micro = 0): PyDateTime {
  if (!tz) {
    const d = new Date(utcMs);
    return new PyDateTime(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()), micro, null);
  }
  return new PyDateTime(utcMs + tz.offsetAt(utcMs) * 60_000, micro, tz);
}

/** `modules.datetime`: the classes templates call, each also a namespace of its class methods. */
export function datetimeModule(now: (c: Context) => number): Record<string, unknown> {
  const num = (x: unknown, d = 0) => (x === undefined || x === null ? d : Number(x));
  const tzArg = (a: unknown[], kw: Record<string, unknown> | null, i: number) => (kw?.tz ?? kw?.tzinfo ?? a[i] ?? null) as PyTz | null;
  const datetime = Object.assign(
    pyFunction((_c, a, kw) =>
      PyDateTime.make(num(kw?.year ?? a[0]), num(kw?.month ?? a[1]), num(kw?.day ?? a[2]), num(kw?.hour ?? a[3]), num(kw?.minute ?? a[4]), num(kw?.second ?? a[5]), num(kw?.microsecond ?? a[6]), (kw?.tzinfo ?? a[7] ?? null) as PyTz | null),
    ),
    {
      now: pyFunction((c, a, kw) => fromInstant(now(c), tzArg(a, kw, 0))),
      utcnow: pyFunction((c) => {
        const t = now(c);
        return new PyDateTime(t, 0, null);
      }),
      today: pyFunction((c) => fromInstant(now(c), null)),
      fromtimestamp: pyFunction((_c, a, kw) => {
        const s = Number(a[0]);
        return fromInstant(Math.floor(s * 1000), tzArg(a, kw, 1), Math.round((s * 1e6) % 1000));
      }),
      utcfromtimestamp: pyFunction((_c, a) => new PyDateTime(Math.floor(Number(a[0]) * 1000), 0, null)),
      strptime: pyFunction((_c, a) => strptime(String(a[0]), String(a[1]))),
      fromisoformat: pyFunction((_c, a) => fromIsoFormat(String(a[0]))),
      combine: pyFunction((_c, a) => {
        const d = a[0] as PyDate;
        return new PyDateTime(d.wallMs, 0, null);
      }),
    },
  );
  const date = Object.assign(
    pyFunction((_c, a, kw) => PyDate.of(num(kw?.year ?? a[0]), num(kw?.month ?? a[1]), num(kw?.day ?? a[2]))),
    {
      today: pyFunction((c) => fromInstant(now(c), null).date()),
      fromisoformat: pyFunction((_c, a) => fromIsoFormat(String(a[0]), true)),
      fromtimestamp: pyFunction((_c, a) => fromInstant(Number(a[0]) * 1000, null).date()),
    },
  );
  const timedelta = pyFunction((_c, a, kw) => {
    const f = (k: string, i: number) => num(kw?.[k] ?? a[i]);
    return new PyTimedelta(f('days', 0) + f('weeks', 6) * 7, f('seconds', 1) + f('minutes', 4) * 60 + f('hours', 5) * 3600, f('microseconds', 2) + f('milliseconds', 3) * 1000);
  });
  const timezone = Object.assign(
    pyFunction((_c, a) => {
      const off = a[0] as PyTimedelta;
      const minutes = Math.round(off.totalMicro / 60_000_000);
      return minutes === 0 ? UTC : new PyTz(`UTC${offsetText(minutes)}`, minutes);
    }),
    { utc: UTC },
  );
  return { datetime, date, timedelta, timezone, MINYEAR: 1, MAXYEAR: 9999 };
}

/** `modules.pytz`: named zones through Intl, and `utc`. */
export function pytzModule(): Record<string, unknown> {
  const zones = new Map<string, PyTz>();
  return {
    utc: UTC,
    UTC,
    timezone: pyFunction((_c, a) => {
      const name = String(a[0]);
      if (name === 'UTC' || name === 'utc') return UTC;
      let z = zones.get(name);
      if (!z) {
        zoneOffset(name, Date.now());
        zones.set(name, (z = new PyTz(name)));
      }
      return z;
    }),
    all_timezones: typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [],
  };
}
