import { MicroDate } from './micro-date.ts';
import { fromInstant, mkFloat, PyDate, PyDateTime, pyJson, PyTimedelta, PyTz } from '@smsql/core';

/** A LIST, fixed-size ARRAY, STRUCT or MAP column, by DuckDB's name of its type. */
export function isNestedType(type: string): boolean {
  return /\[\d*\]$/.test(type) || /^(?:STRUCT|MAP)\(/.test(type);
}

/** The machine's zone, which is DuckDB's session zone unless the project sets another. */
export function sessionZone(): PyTz {
  return new PyTz(Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/** A DuckDB type as a tree: a LIST or ARRAY of its item, a STRUCT's fields, a MAP's key and value, or a plain type's name. */
type TypeTree = { item: TypeTree } | { fields: Map<string, TypeTree> } | { key: TypeTree; value: TypeTree } | { name: string };

/** The parts of `text` split at its commas outside parentheses and quotes. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** Reads DuckDB's name of a type (`STRUCT(a DECIMAL(10,2), "b c" DOUBLE[])[]`, `MAP(VARCHAR, INTEGER)`). */
export function typeTree(type: string): TypeTree {
  const t = type.trim();
  const list = /\[\d*\]$/.exec(t);
  if (list) return { item: typeTree(t.slice(0, list.index)) };
  const nested = /^(STRUCT|MAP)\((.*)\)$/s.exec(t);
  if (!nested) return { name: t };
  const parts = topLevelParts(nested[2]!);
  if (nested[1] === 'MAP') return { key: typeTree(parts[0] ?? ''), value: typeTree(parts[1] ?? '') };
  const fields = new Map<string, TypeTree>();
  for (const part of parts) {
    const m = /^(?:"((?:[^"]|"")*)"|(\S+))\s+(.*)$/s.exec(part);
    if (m) fields.set(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!, typeTree(m[3]!));
  }
  return { fields };
}

const FLOATING = /^(?:DOUBLE|FLOAT|REAL|DECIMAL\(\d+,\d+\))$/;

/**
 * A nested value as dbt's run_query gives it: JSON text (dbt's table_from_data_flat dumps
 * lists and dicts with its JSONEncoder: Python's separators, dates and times in ISO form,
 * non-ASCII escaped, a DECIMAL or DOUBLE inside as a float: `2.0`, not `2`, an INTERVAL or TIME
 * as its Python text), so the column is
 * Text. A MAP is a dict of its keys. Each value inside takes its kind from the column's type.
 */
export function nestedAsJson(v: unknown, type: string): string {
  const walk = (x: unknown, t: TypeTree | undefined): unknown => {
    if (x === null || x === undefined) return x;
    if (t && 'item' in t && Array.isArray(x)) return x.map((y) => walk(y, t.item));
    if (t && 'key' in t && Array.isArray(x)) return Object.fromEntries(x.map((e: { key: unknown; value: unknown }) => [String(e.key), walk(e.value, t.value)]));
    if (t && 'fields' in t && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y, t.fields.get(k))]));
    const name = t && 'name' in t ? t.name : '';
    if (x instanceof Date) {
      if (name === 'TIMESTAMP WITH TIME ZONE') return fromInstant(x.getTime(), x instanceof MicroDate && x.zone ? new PyTz(x.zone) : sessionZone()).isoformat();
      return name.startsWith('TIMESTAMP') ? new PyDateTime(x.getTime(), 0, null).isoformat() : new PyDate(x.getTime()).isoformat();
    }
    if (typeof x === 'number' && FLOATING.test(name)) return mkFloat(x);
    if (name === 'INTERVAL') return intervalText(x) ?? x;
    if (name === 'TIME' && (typeof x === 'number' || typeof x === 'bigint')) return timeText(Number(x));
    return x;
  };
  return pyJson(walk(v, typeTree(type)), false);
}

/** An INTERVAL as dbt's run_query gives it: the text of Python's timedelta (a month is 30 days, as DuckDB's Python client converts it). */
export function intervalText(v: unknown): string | undefined {
  const iv = v as { months?: unknown; days?: unknown; micros?: unknown } | null;
  if (typeof iv !== 'object' || iv === null || typeof iv.months !== 'number' || typeof iv.days !== 'number') return undefined;
  return String(new PyTimedelta(iv.months * 30 + iv.days, 0, Number(iv.micros ?? 0)));
}

/** A TIME (microseconds since midnight) as Python's time prints it: `01:02:03`, `01:02:03.500000`. */
export function timeText(us: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const s = Math.floor(us / 1e6);
  const frac = us % 1e6;
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}${frac ? `.${p(frac, 6)}` : ''}`;
}
