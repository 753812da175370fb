/** Request bodies and value encodings of Snowflake's REST protocol, as `snowflake-sdk` sends them. */
import type { DuckDBValue } from '@duckdb/node-api';

export interface LoginBody {
  data?: Record<string, string | undefined> & { SESSION_PARAMETERS?: { QUERY_TAG?: string } };
}

export interface QueryBody {
  sqlText?: string;
  bindings?: Record<string, { type: string; value: unknown }>;
  bindStage?: string;
  asyncExec?: boolean;
}

export function sessionParameters(): { name: string; value: unknown }[] {
  return [
    { name: 'TIMEZONE', value: 'UTC' },
    { name: 'CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY', value: 3600 },
    { name: 'QUERY_CONTEXT_CACHE_SIZE', value: 5 },
  ];
}

/** Turns Snowflake's `{ "1": { type, value } }` bindings into positional DuckDB values (column arrays for array binds). */
export function decodeBindings(bindings: QueryBody['bindings']): DuckDBValue[] | DuckDBValue[][] | undefined {
  if (!bindings) return undefined;
  const keys = Object.keys(bindings).sort((a, b) => Number(a) - Number(b));
  const convert = (type: string, v: unknown): DuckDBValue => {
    if (v === null || v === undefined) return null;
    const s = String(v);
    if (type === 'FIXED') return /^-?\d+$/.test(s) ? BigInt(s) : Number(s);
    if (type === 'REAL') return Number(s);
    if (type === 'BOOLEAN') return s.toLowerCase() === 'true' || s === '1';
    return s;
  };
  return keys.map((k) => {
    const b = bindings[k]!;
    return Array.isArray(b.value) ? b.value.map((v) => convert(b.type, v)) : convert(b.type, b.value);
  }) as DuckDBValue[] | DuckDBValue[][];
}

