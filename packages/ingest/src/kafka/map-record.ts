import { TOPIC_FIELDS } from '../raw-schema.ts';
import type { FieldMapping, Topic } from '../raw-schema.ts';

/** A record that maps to a raw row: values in `TOPIC_FIELDS[topic]` order, lineage not included. */
export interface MappedRow {
  readonly ok: true;
  readonly values: unknown[];
}

/** A record that cannot land: what to keep in the dead-letter table. */
export interface RejectedRecord {
  readonly ok: false;
  /** The value as text; base64 when the bytes are not UTF-8 (the reason says so). */
  readonly raw: string;
  readonly reason: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function typeError(f: FieldMapping, v: unknown): string | undefined {
  switch (f.type) {
    case 'varchar':
      return typeof v === 'string' ? undefined : 'a string';
    case 'bigint':
      return typeof v === 'number' && Number.isSafeInteger(v) ? undefined : 'an integer';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX ? undefined : 'a 32-bit integer';
    case 'double':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : 'a number';
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'true or false';
  }
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

/**
 * Parses one Kafka record value (Eventsim JSON, possibly ending with a newline) into the raw
 * columns of its topic. Type checks are strict because a raw table that silently coerced
 * `"zip": 74105` or `"ts": "soon"` would hide a broken producer; such records are rejected with
 * a reason naming the field, and the caller keeps going.
 */
export function mapRecord(topic: Topic, value: Buffer | null | undefined): MappedRow | RejectedRecord {
  const values = new Array<unknown>(TOPIC_FIELDS[topic].length);
  return inspect(topic, value, values) ?? { ok: true, values };
}

/**
 * The same checks as {@link mapRecord} without keeping the values: undefined when the record
 * would map. For callers that hand the value on as it is (the JSON stage) and hold many records.
 */
export function checkRecord(topic: Topic, value: Buffer | null | undefined): RejectedRecord | undefined {
  return inspect(topic, value, undefined);
}

function inspect(topic: Topic, value: Buffer | null | undefined, values: unknown[] | undefined): RejectedRecord | undefined {
  if (!value || value.length === 0) return { ok: false, raw: '', reason: 'empty value (tombstone or empty message)' };
  let text: string;
  try {
    text = strictUtf8.decode(value);
  } catch {
    return { ok: false, raw: value.toString('base64'), reason: 'value is not valid UTF-8 (raw_value holds the bytes in base64)' };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, raw: text, reason: `not JSON: ${(e as Error).message}` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, raw: text, reason: `not a JSON object (got ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc})` };
  }
  const obj = doc as Record<string, unknown>;
  const fields = TOPIC_FIELDS[topic];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const v = obj[f.field];
    if (v === undefined || v === null) {
      if (f.required) return { ok: false, raw: text, reason: `missing required field "${f.field}" for ${topic}` };
      if (values) values[i] = null;
      continue;
    }
    const expected = typeError(f, v);
    if (expected) return { ok: false, raw: text, reason: `field "${f.field}" must be ${expected}, got ${describe(v)}` };
    if (values) values[i] = v;
  }
  return undefined;
}
