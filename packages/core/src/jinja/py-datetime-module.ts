import type { Context } from './macro.ts';
import { offsetText, PyDate, PyDateTime, PyTimedelta, PyTz, UTC, zoneOffset } from './py-datetime.ts';
import { pyFunction } from './runtime.ts';

/**
 * Reading dates from text (strptime, fromisoformat) and the `modules.datetime` and
 * `modules.pytz` objects templates call (py-datetime.ts has the value classes).
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

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
  const z = tz.localized;
  return new PyDateTime(utcMs + z.offsetAt(utcMs) * 60_000, micro, z);
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
        zones.set(name, (z = new PyTz(name, undefined, true)));
      }
      return z;
    }),
    all_timezones: typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [],
  };
}
