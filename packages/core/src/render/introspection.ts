import type { Dialect, QuotedParts, Relation, RelationInfo } from '../adapter.ts';
import { quoteAsWritten, quotePart } from '../base-dialect.ts';
import { isDict, Kwargs, PyTuple } from '../jinja/py-values.ts';
import { findRelation } from '../relation-lookup.ts';
import { pyFunction } from '../jinja/runtime.ts';
import { AdapterResponse, AgateTable } from './agate-table.ts';
import type { Context } from '../jinja/macro.ts';
import type { Frame } from './frame.ts';
import type { TemplateRelation } from './relation.ts';
import { CompilerError } from './template-diagnostic.ts';
import type { WarehouseRequest } from './warehouse.ts';
import { CTE_PREFIX } from './inject-ctes.ts';

/**
 * The parts of dbt's context that talk to the warehouse: `adapter.execute()`, `get_relation()`,
 * `get_columns_in_relation()`, `list_relations_without_caching()` and friends, the
 * `load_result()`/`store_result()` store behind `{% call statement() %}` and `run_query()`,
 * and `api.Relation`. With `execute` false (dbt's parse phase, or compile without a
 * warehouse) each answers as dbt's parse phase does: no rows, no relation, no columns.
 */

export interface IntrospectionHost {
  readonly dialect: Dialect;
  /** The root project's `quoting:`, which `adapter.quote_as_configured()` follows. */
  readonly projectQuoting?: QuotedParts | undefined;
  relation(rel: Relation, cteName?: string, type?: string | null): TemplateRelation;
}

/** dbt's Column (dbt-adapters' base Column), as `get_columns_in_relation()` returns it. */
export class TemplateColumn {
  readonly name: string;
  readonly dtype: string;
  /** Not reported by the warehouse's catalog here: the adapter's default string size applies (dbt-core's 256). */
  readonly char_size: number | null = null;
  readonly numeric_precision: number | null = null;
  readonly numeric_scale: number | null = null;
  readonly #dialect: Dialect;
  constructor(name: string, dtype: string, dialect: Dialect) {
    this.name = name;
    this.dtype = dtype;
    this.#dialect = dialect;
  }
  get column(): string {
    return this.name;
  }
  #t(): string {
    return this.dtype.toLowerCase();
  }
  /** As dbt: strings as `character varying(<size>)`, numerics with their precision, the rest as the warehouse names them. */
  get data_type(): string {
    if (this.is_string()) return `character varying(${this.string_size()})`;
    if (this.is_numeric() && this.numeric_precision !== null) return `${this.dtype}(${this.numeric_precision},${this.numeric_scale})`;
    return this.dtype;
  }
  /** As dbt's: the name quoted as written (on Snowflake `"a"` is not the column A). */
  get quoted(): string {
    return quoteAsWritten(this.#dialect, this.name);
  }
  is_string(): boolean {
    return ['text', 'character varying', 'character', 'varchar'].includes(this.#t());
  }
  is_integer(): boolean {
    if (this.#dialect.dbtColumn?.integersAreNumeric) return false;
    return ['smallint', 'integer', 'bigint', 'smallserial', 'serial', 'bigserial', 'int2', 'int4', 'int8'].includes(this.#t());
  }
  is_float(): boolean {
    return ['real', 'float4', 'float', 'double precision', 'float8', 'double'].includes(this.#t());
  }
  is_numeric(): boolean {
    if (this.#dialect.dbtColumn?.integersAreNumeric) return ['int', 'integer', 'bigint', 'smallint', 'tinyint', 'byteint', 'numeric', 'decimal', 'number'].includes(this.#t());
    return ['numeric', 'decimal'].includes(this.#t());
  }
  is_number(): boolean {
    return this.is_integer() || this.is_float() || this.is_numeric();
  }
  string_size(): number {
    if (!this.is_string()) throw new Error('Called string_size() on non-string field!');
    const flavour = this.#dialect.dbtColumn;
    // dbt-snowflake: `text` is always the longest string.
    if (flavour && this.dtype === 'text') return flavour.defaultStringSize;
    return this.char_size ?? flavour?.defaultStringSize ?? 256;
  }
  toString(): string {
    return `<Column ${this.name} (${this.data_type})>`;
  }
}

const kwOf = (a: unknown[]): Record<string, unknown> => (a.find((x) => x instanceof Kwargs) as Record<string, unknown> | undefined) ?? {};

/**
 * The introspective names of a context, and the methods its `adapter` adds: made once per
 * renderer; each reads the render it serves from the calling context (`frameOf(c)`).
 */
export function introspection(h: IntrospectionHost, frameOf: (c: Context) => Frame): { context: Record<string, unknown>; adapter: Record<string, unknown> } {
  const ask = (f: Frame, r: WarehouseRequest) => {
    if (!f.warehouse) throw new CompilerError('This template asks the warehouse, which is not available here');
    return f.warehouse.ask(r);
  };
  const describe = (f: Frame, schema: string, database?: string, quoted?: QuotedParts): RelationInfo[] => {
    const a = ask(f, quoted ? { kind: 'describe', schema, database, quoted } : { kind: 'describe', schema, database });
    return a.kind === 'describe' ? a.relations : [];
  };
  // A relation named by its parts is matched as dbt-snowflake matches it: a part the project's quoting quotes keeps its case.
  const find = (f: Frame, r: Relation): RelationInfo | undefined => findRelation(h.dialect, describe(f, r.schema, r.database, r.quoted), r);
  const named = (database: string | undefined, schema: string, identifier: string): Relation => ({ database, schema, identifier, ...(h.projectQuoting ? { quoted: h.projectQuoting } : {}) });
  const relArgs = (a: unknown[], kw: Record<string, unknown> | null) => ({
    database: (kw?.database ?? a[0]) as string | undefined,
    schema: String(kw?.schema ?? a[1] ?? ''),
    identifier: String(kw?.identifier ?? a[2] ?? ''),
  });
  const getRelation = (f: Frame, database: string | undefined, schema: string, identifier: string): unknown => {
    if (!f.execute) return null;
    const asked = named(database ?? undefined, schema, identifier);
    const found = find(f, asked);
    if (!found) return null;
    // As dbt-snowflake 1.11.6 lists it (impl.py: quote_policy all true): every part as stored, quoted, `"ANALYTICS"."QI_DEMO"."m_tbl"`.
    const q = h.projectQuoting;
    const stored = (name: string | undefined, quoted: boolean | undefined) => (name === undefined || quoted ? name : h.dialect.normalizeIdentifier(name));
    const rel = { database: stored(h.relation(asked).database, q?.database), schema: stored(found.schema, q?.schema) ?? found.schema, identifier: found.identifier };
    return h.relation({ ...rel, quoted: { database: true, schema: true, identifier: true } }, undefined, found.kind);
  };
  const relOf = (x: unknown): Relation => {
    const r = x as { database?: string; schema?: string; identifier?: string; quotedParts?: QuotedParts; databaseNone?: boolean };
    // A relation whose database was set to none keeps none (''), printed without one (dbt-duckdb's temporary relations).
    const rel = { database: r?.databaseNone ? '' : r?.database, schema: String(r?.schema ?? ''), identifier: String(r?.identifier ?? '') };
    return r?.quotedParts ? { ...rel, quoted: r.quotedParts } : rel;
  };
  const run = (f: Frame, sql: string, fetch: boolean): PyTuple => {
    if (!f.execute) return PyTuple.fromArray([new AdapterResponse(undefined), new AgateTable([], [])]);
    const a = ask(f, { kind: 'query', sql, fetch });
    if (a.kind !== 'query') return PyTuple.fromArray([new AdapterResponse(undefined), new AgateTable([], [])]);
    return PyTuple.fromArray([new AdapterResponse(a.rowsAffected), new AgateTable(a.columns, fetch ? a.rows : [], a.types, h.dialect.agateValue?.bind(h.dialect), (text) => (f.said ??= []).push({ message: text, print: true }))]);
  };
  const store = (f: Frame, name: string, response: unknown, table: unknown) => {
    const t = table instanceof AgateTable ? table : new AgateTable([], []);
    (f.results ??= new Map()).set(name, { response, table: t, data: t.rows.map((r) => PyTuple.fromArray([...r])) });
    return '';
  };
  const context: Record<string, unknown> = {
    load_result: pyFunction((c, a) => {
      const name = String(a[0]);
      const results = frameOf(c).results;
      if (!results?.has(name)) return null;
      const v = results.get(name);
      if (name === 'main') return v;
      if (v === null) throw new CompilerError(`The result of "${name}" was already loaded; load_result() gives it once`);
      results.set(name, null);
      return v;
    }),
    store_result: pyFunction((c, a, kw) => store(frameOf(c), String(a[0]), kw?.response ?? a[1], kw?.agate_table ?? a[2])),
    store_raw_result: pyFunction((c, a, kw) => store(frameOf(c), String(a[0]), new AdapterResponse(Number(kw?.rows_affected ?? a[3]) || undefined), kw?.agate_table ?? a[4])),
    write: pyFunction(() => ''),
    // dbt's macro: the relations of a schema as a table of database, name, schema and type.
    list_relations_without_caching: pyFunction((c, a, kw) => {
      const f = frameOf(c);
      const r = relOf(kw?.schema_relation ?? a[0]);
      const rows = f.execute ? describe(f, r.schema, r.database, r.quoted).map((x) => [r.database ?? null, x.identifier, x.schema, x.kind]) : [];
      return new AgateTable(['database', 'name', 'schema', 'type'], rows);
    }),
  };
  const adapter: Record<string, unknown> = {
    execute: pyFunction((c, a, kw) => {
      const f = frameOf(c);
      return run(f, String(kw?.sql ?? a[0]), !!(kw?.fetch ?? a[2] ?? false));
    }),
    get_relation: pyFunction((c, a, kw) => {
      const f = frameOf(c);
      const r = relArgs(a, kw);
      return getRelation(f, r.database, r.schema, r.identifier);
    }),
    load_relation: pyFunction((c, a) => {
      const f = frameOf(c);
      const r = relOf(a[0]);
      return getRelation(f, r.database, r.schema, r.identifier);
    }),
    get_columns_in_relation: pyFunction((c, a, kw) => {
      const f = frameOf(c);
      if (!f.execute) return [];
      const r = relOf(kw?.relation ?? a[0]);
      // A relation with no schema (dbt-duckdb's temporary tables) is found by name, as DuckDB's `describe` finds it.
      if (!r.schema && r.identifier && h.dialect.name === 'duckdb') {
        const a = ask(f, { kind: 'query', sql: `select column_name, column_type from (describe ${h.relation(r).toString()})`, fetch: true });
        return a.kind === 'query' ? a.rows.map((row) => new TemplateColumn(String(row[0]), String(row[1]), h.dialect)) : [];
      }
      const found = find(f, r);
      return (found?.columns ?? []).map((c) => new TemplateColumn(c.name, c.type, h.dialect));
    }),
    get_columns_in_table: pyFunction((c, a, kw) => {
      const f = frameOf(c);
      if (!f.execute) return [];
      const found = find(f, named(undefined, String(kw?.schema ?? a[0]), String(kw?.identifier ?? a[1])));
      return (found?.columns ?? []).map((c) => new TemplateColumn(c.name, c.type, h.dialect));
    }),
    already_exists: pyFunction((c, a, kw) => {
      const f = frameOf(c);
      return f.execute ? find(f, named(undefined, String(kw?.schema ?? a[0]), String(kw?.name ?? a[1]))) !== undefined : false;
    }),
    truncate_relation: pyFunction((c, a) => {
      const f = frameOf(c);
      if (f.execute) run(f, `truncate table ${h.relation(relOf(a[0])).toString()}`, false);
      return null;
    }),
    drop_schema: pyFunction((c, a) => {
      const f = frameOf(c);
      const r = relOf(a[0]);
      if (f.execute) run(f, `drop schema if exists ${quotePart(h.dialect, r.schema, r.quoted?.schema)} cascade`, false);
      return null;
    }),
    // dbt: quoted as written where the project's quoting sets the part (quote_key) to true; else unquoted, which the dialect's quoting means too.
    quote_as_configured: pyFunction((c, a, kw) => {
      const id = String(kw?.identifier ?? a[0]);
      return quotePart(h.dialect, id, h.projectQuoting?.[String(kw?.quote_key ?? a[1]) as keyof QuotedParts] === true);
    }),
    quote_seed_column: pyFunction((c, a) => (a[1] === false ? String(a[0]) : h.dialect.quoteIdentifier(String(a[0])))),
    check_schema_exists: pyFunction((c, a, kw) => {
      const f = frameOf(c);
      return (f.execute ? describe(f, String(kw?.schema ?? a[1]), (kw?.database ?? a[0]) as string | undefined, h.projectQuoting).length > 0 : false);
    }),
    drop_relation: pyFunction((c, a) => {
      const f = frameOf(c);
      const rel = a[0] as TemplateRelation;
      if (f.execute) run(f, h.dialect.dropRelation(relOf(rel), rel?.type === 'view' ? 'view' : 'table'), false);
      return null;
    }),
    rename_relation: pyFunction((c, a) => {
      const f = frameOf(c);
      const from = a[0] as TemplateRelation;
      if (f.execute) run(f, h.dialect.renameRelation(relOf(from), from?.type === 'view' ? 'view' : 'table', relOf(a[1]).identifier), false);
      return null;
    }),
    create_schema: pyFunction((c, a) => {
      const f = frameOf(c);
      const r = relOf(a[0]);
      if (f.execute) run(f, h.dialect.createSchema(r.database, r.schema, r.quoted), false);
      return null;
    }),
    get_missing_columns: pyFunction((c, a) => {
      const f = frameOf(c);
      if (!f.execute) return [];
      const cols = (x: unknown) => {
        const r = relOf(x);
        return find(f, r)?.columns ?? [];
      };
      const to = cols(a[1]).map((c) => c.name.toLowerCase());
      return cols(a[0]).filter((c) => !to.includes(c.name.toLowerCase())).map((c) => new TemplateColumn(c.name, c.type, h.dialect));
    }),
    commit: pyFunction(() => ''),
  };
  return { context, adapter };
}

/** dbt's `api`: `api.Relation.create(...)`, `api.Relation.add_ephemeral_prefix(...)`, `api.Column.create(...)`. */
export function apiObject(h: IntrospectionHost): Record<string, unknown> {
  return {
    Relation: {
      create: pyFunction((_c, a, kw) => {
        const k = kw ?? kwOf(a);
        // dbt's api.Relation quotes as the project's `quoting:` says, under a `quote_policy` given here.
        const policy = isDict(k.quote_policy) ? Object.fromEntries(Object.entries(k.quote_policy).filter((e): e is [string, boolean] => typeof e[1] === 'boolean')) : undefined;
        const quoted = policy || h.projectQuoting ? { ...h.projectQuoting, ...policy } : undefined;
        // Without a database it has none (dbt-duckdb prints create(schema='main', identifier='x') as "main"."x", where ref() prints the database).
        const rel = { database: (k.database ?? a[0] ?? (h.dialect.printsDefaultDatabase ? '' : undefined)) as string | undefined, schema: String(k.schema ?? a[1] ?? ''), identifier: String(k.identifier ?? a[2] ?? ''), ...(quoted ? { quoted } : {}) };
        const type = k.type === undefined || k.type === null ? null : String(k.type);
        return h.relation(rel, undefined, type);
      }),
      add_ephemeral_prefix: pyFunction((_c, a) => `${CTE_PREFIX}${String(a[0])}`),
    },
    // dbt-core's base Column (adapters/base/column.py): translate_type maps only STRING to TEXT,
    // which dbt-duckdb keeps; create translates the type it is given.
    Column: {
      create: pyFunction((_c, a) => new TemplateColumn(String(a[0]), translateType(String(a[1] ?? '')), h.dialect)),
      translate_type: pyFunction((_c, a) => translateType(String(a[0]))),
      string_type: pyFunction((_c, a) => `character varying(${String(a[0])})`),
      numeric_type: pyFunction((_c, a) => (a[1] === null || a[1] === undefined || a[2] === null || a[2] === undefined ? a[0] : `${String(a[0])}(${String(a[1])},${String(a[2])})`)),
    },
  };
}

function translateType(dtype: string): string {
  return dtype.toUpperCase() === 'STRING' ? 'TEXT' : dtype;
}
