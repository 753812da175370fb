import { Kwargs, PyFloat } from './py-values.ts';

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

/**
 * A time zone: a fixed offset (`timezone.utc`, `+02:00`) or a named IANA zone (pytz). A zone as
 * `pytz.timezone()` returns it is `raw`: attached with `tzinfo=` (datetime(), replace()) it keeps the
 * zone's first offset, its local mean time rounded to the minute (pytz's well-known LMT: Los Angeles
 * -07:53), as dbt's pytz does; localize(), astimezone() and now() attach the zone as of the instant.
 */
export class PyTz {
  readonly zone: string;
  readonly #fixed: number | undefined;
  readonly #raw: boolean;
  #asOfInstant: PyTz | undefined;
  constructor(zone: string, fixedMinutes?: number, raw = false) {
    this.zone = zone;
    this.#fixed = fixedMinutes;
    this.#raw = raw;
  }
  /** The zone with the offset of each instant (what pytz's localize, astimezone and now attach). */
  get localized(): PyTz {
    return this.#raw ? (this.#asOfInstant ??= new PyTz(this.zone)) : this;
  }
  /** Offset in minutes east of UTC at a UTC instant (ms). */
  offsetAt(utcMs: number): number {
    if (this.#fixed !== undefined) return this.#fixed;
    if (this.#raw) return firstOffset(this.zone);
    return zoneOffset(this.zone, utcMs);
  }
  /** Offset for a wall-clock time in this zone (pytz's localize with is_dst=False). */
  offsetForWall(wallMs: number): number {
    if (this.#fixed !== undefined) return this.#fixed;
    if (this.#raw) return firstOffset(this.zone);
    let off = this.offsetAt(wallMs);
    const again = this.offsetAt(wallMs - off * 60_000);
    if (again !== off) off = again;
    return off;
  }
  /** pytz: attach this zone to a naive datetime. */
  localize(dt: PyDateTime): PyDateTime {
    if (dt.tzinfo !== null) throw new Error('ValueError: Not naive datetime (tzinfo is already set)');
    return new PyDateTime(dt.wallMs, dt.micro, this.localized);
  }
  normalize(dt: PyDateTime): PyDateTime {
    return dt.tzinfo ? dt.astimezone(this) : dt;
  }
  utcoffset(dt?: PyDateTime): PyTimedelta {
    return new PyTimedelta(0, (dt ? this.offsetForWall(dt.wallMs) : (this.#fixed ?? (this.#raw ? firstOffset(this.zone) : 0))) * 60, 0);
  }
  tzname(dt?: PyDateTime): string {
    if (this.#fixed === 0 && (this.zone === 'UTC' || this.zone === 'utc')) return 'UTC';
    if (this.#fixed !== undefined) return offsetText(this.#fixed, true, 'UTC');
    if (this.#raw && firstOffset(this.zone) !== zoneOffset(this.zone, Date.now())) return 'LMT';
    void dt;
    return this.zone;
  }
  toString(): string {
    return this.zone;
  }
}

const firstOffsets = new Map<string, number>();
/** A named zone's first offset (its local mean time) in minutes, rounded to the nearest as pytz rounds it (-07:52:58 is -07:53). */
function firstOffset(zone: string): number {
  let m = firstOffsets.get(zone);
  if (m === undefined) {
    zoneOffset(zone, 0);
    const name = formatters.get(zone)!.formatToParts(new Date(Date.UTC(1700, 0, 1))).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const x = /GMT([+-])(\d\d):?(\d\d)?:?(\d\d)?/.exec(name);
    const seconds = x ? (x[1] === '-' ? -1 : 1) * (Number(x[2]) * 3600 + Number(x[3] ?? 0) * 60 + Number(x[4] ?? 0)) : 0;
    firstOffsets.set(zone, (m = Math.floor((seconds + 30) / 60)));
  }
  return m;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Minutes east of UTC of a named zone at an instant; throws UnknownTimeZoneError for an unknown name. */
export function zoneOffset(zone: string, utcMs: number): number {
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

export function offsetText(minutes: number, colon = true, prefix = ''): string {
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
  tzname(): string | null {
    return this.tzinfo ? this.tzinfo.tzname(this) : null;
  }
  astimezone(...a: unknown[]): PyDateTime {
    const tz = (a[0] instanceof PyTz ? a[0] : kwargs(a).tz) as PyTz | undefined;
    if (!tz) return this;
    const utc = this.utcMs;
    const z = tz.localized;
    return new PyDateTime(utc + z.offsetAt(utc) * 60_000, this.micro, z);
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
