import { DuckDBTypeId, type DuckDBResultReader, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

/** One column as Snowflake describes it in `rowtype`. */
export interface RowType {
  name: string;
  database: string;
  schema: string;
  table: string;
  type: string;
  nullable: boolean;
  scale: number | null;
  precision: number | null;
  length: number | null;
  byteLength: number | null;
  collation: null;
}

/** A result in Snowflake's JSON wire form: every cell a string (or null). */
export interface EncodedResult {
  rowtype: RowType[];
  rowset: (string | null)[][];
}

type Encoder = (v: DuckDBValue) => string;

function column(name: string, type: string, extra: Partial<RowType> = {}): RowType {
  return { name, database: '', schema: '', table: '', type, nullable: true, scale: null, precision: null, length: null, byteLength: null, collation: null, ...extra };
}

/** `seconds.fraction` with nine digits, the JSON encoding of Snowflake timestamps at scale 9. */
function epochSeconds(micros: bigint): string {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  const secs = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0') + '000';
  if (!neg) return `${secs}.${frac}`;
  // Negative instants: floor the seconds so the fraction stays positive, as Snowflake does.
  const f = abs % 1_000_000n;
  return f === 0n ? `-${secs}.000000000` : `-${secs + 1n}.${(1_000_000n - f).toString().padStart(6, '0')}000`;
}

function micros(v: DuckDBValue, factor: bigint, field: 'micros' | 'millis' | 'seconds' | 'nanos'): bigint {
  const raw = (v as unknown as Record<string, bigint>)[field]!;
  return field === 'nanos' ? raw / 1000n : raw * factor;
}

function describe(name: string, t: DuckDBType): [RowType, Encoder] {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return [column(name, 'boolean'), (v) => (v ? '1' : '0')];
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return [column(name, 'fixed', { precision: 38, scale: 0 }), (v) => String(v)];
    case DuckDBTypeId.DECIMAL: {
      const d = t as unknown as { width: number; scale: number };
      return [column(name, 'fixed', { precision: d.width, scale: d.scale }), (v) => String(v)];
    }
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return [column(name, 'real'), (v) => {
        const n = v as number;
        return Number.isNaN(n) ? 'NaN' : n === Infinity ? 'inf' : n === -Infinity ? '-inf' : String(n);
      }];
    case DuckDBTypeId.DATE:
      return [column(name, 'date'), (v) => String((v as unknown as { days: number }).days)];
    case DuckDBTypeId.TIME:
      return [column(name, 'time', { scale: 9 }), (v) => epochSeconds(micros(v, 1n, 'micros'))];
    case DuckDBTypeId.TIMESTAMP:
      return [column(name, 'timestamp_ntz', { scale: 9 }), (v) => epochSeconds(micros(v, 1n, 'micros'))];
    case DuckDBTypeId.TIMESTAMP_S:
      return [column(name, 'timestamp_ntz', { scale: 9 }), (v) => epochSeconds(micros(v, 1_000_000n, 'seconds'))];
    case DuckDBTypeId.TIMESTAMP_MS:
      return [column(name, 'timestamp_ntz', { scale: 9 }), (v) => epochSeconds(micros(v, 1000n, 'millis'))];
    case DuckDBTypeId.TIMESTAMP_NS:
      return [column(name, 'timestamp_ntz', { scale: 9 }), (v) => epochSeconds(micros(v, 1n, 'nanos'))];
    case DuckDBTypeId.TIMESTAMP_TZ:
      return [column(name, 'timestamp_ltz', { scale: 9 }), (v) => epochSeconds(micros(v, 1n, 'micros'))];
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.UUID:
    case DuckDBTypeId.ENUM:
      return [column(name, 'text', { length: 16777216, byteLength: 16777216 }), (v) => String(v)];
    case DuckDBTypeId.BLOB:
      return [column(name, 'binary', { length: 8388608, byteLength: 8388608 }), (v) => Buffer.from((v as unknown as { bytes: Uint8Array }).bytes).toString('hex')];
    default:
      // Nested and JSON values travel as VARIANT: their JSON text.
      return [column(name, 'variant'), (v) => (typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)))];
  }
}

/** Encodes a DuckDB result as Snowflake's JSON result format. */
export function encodeResult(reader: DuckDBResultReader): EncodedResult {
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const described = names.map((n, i) => describe(n, types[i]!));
  const rowtype = described.map(([rt]) => rt);
  const encoders = described.map(([, enc]) => enc);
  const json = types.map((t) => ![DuckDBTypeId.BOOLEAN, DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.DECIMAL, DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DATE, DuckDBTypeId.TIME, DuckDBTypeId.TIMESTAMP, DuckDBTypeId.TIMESTAMP_S, DuckDBTypeId.TIMESTAMP_MS, DuckDBTypeId.TIMESTAMP_NS, DuckDBTypeId.TIMESTAMP_TZ, DuckDBTypeId.VARCHAR, DuckDBTypeId.UUID, DuckDBTypeId.ENUM, DuckDBTypeId.BLOB].includes(t.typeId));
  const jsonRows = json.some(Boolean) ? reader.getRowsJson() : undefined;
  const rowset = reader.getRows().map((row, r) =>
    row.map((v, c) => {
      if (v === null || v === undefined) return null;
      if (json[c]) return JSON.stringify(jsonRows![r]![c]);
      return encoders[c]!(v);
    }),
  );
  return { rowtype, rowset };
}

/** A one-column text result, as Snowflake returns for DDL (`Table X successfully created.`). */
export function statusResult(status: string): EncodedResult {
  return { rowtype: [column('status', 'text', { length: 16777216, byteLength: 16777216 })], rowset: [[status]] };
}

/** The counts Snowflake returns for DML; the driver sums them into `getNumUpdatedRows()`. */
export function dmlResult(columns: readonly [string, number][]): EncodedResult {
  return {
    rowtype: columns.map(([n]) => column(n, 'fixed', { precision: 19, scale: 0, nullable: false })),
    rowset: [columns.map(([, v]) => String(v))],
  };
}
