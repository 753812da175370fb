import { BaseDialect, floatRepr, fromInstant, mkFloat, PyDate, PyDateTime, PyDecimal, PyTz, pythonFormat, type ExternalSourceInfo, type ParquetRead, type PythonFormatter, type TargetConfig } from '@smsql/core';
import { intervalText, isNestedType, nestedAsJson, sessionZone, timeText } from './agate-nested.ts';
import { MicroDate } from './micro-date.ts';
import { duckDbDatabaseName } from './target.ts';

/**
 * DuckDB: identifiers compare case-insensitively and keep their spelling; everything else
 * the base dialect says holds, including `merge into` (DuckDB 1.4+). It also writes and reads
 * Parquet, which external models need.
 */
export class DuckDbDialect extends BaseDialect {
  override readonly name = 'duckdb';
  override readonly identifierCase = 'insensitive' as const;
  /** dbt-duckdb 1.11.1 prints `ref('a')` on `path: target/d.duckdb` as `"d"."main"."a"`, and so relation_name. */
  override readonly printsDefaultDatabase = true;
  /** dbt-duckdb raises a refused statement as a runtime error. */
  readonly dbtErrorKind = 'Runtime Error';

  /** dbt-duckdb 1.11.1's get_incremental_default_sql: delete+insert (a unique_key's rows replaced, duplicates in the new rows kept). */
  readonly defaultIncrementalStrategy = 'delete+insert' as const;

  /** dbt-duckdb 1.11.1 applies no grants: it warns once per invocation. */
  readonly grantsUnsupported = { name: 'DuckDB', base: 'Grants for relations are not supported by DuckDB' };

  /** dbt-duckdb 1.11.1's CONSTRAINT_SUPPORT: DuckDB enforces every constraint type. */
  readonly constraintSupport = { check: 'enforced', not_null: 'enforced', unique: 'enforced', primary_key: 'enforced', foreign_key: 'enforced' } as const;

  /** DuckDB refuses a catalog-qualified foreign key target: dbt-duckdb keeps the last two parts (split on dots, as it does). */
  foreignKeyTarget(to: string): string {
    const pieces = to.split('.');
    return pieces.length > 2 ? pieces.slice(1).join('.') : to;
  }

  /** DuckDB's timestamps keep microseconds, which its JavaScript values (Dates) round to milliseconds. */
  epochMicros(expr: string): string {
    return `epoch_us(${expr})`;
  }

  /**
   * As dbt-duckdb's agate gives a query's values to templates: a DECIMAL(p,s) value as a Decimal
   * with its s places (`2.00`), a DATE as a date (`2024-01-02`, not a midnight datetime), a
   * DOUBLE or FLOAT as the Decimal of its repr (`1.0`, `1E+20`), a TIME (microseconds here) as its text (`01:02:03`),
   * a TIMESTAMP as a datetime with its microseconds (aware for TIMESTAMPTZ: `...09.123456+00:00`),
   * a LIST, ARRAY, STRUCT or MAP as its JSON text (`["a", null]`), an INTERVAL as timedelta's text.
   */
  agateValue(v: unknown, type: string): unknown {
    if (type === 'DATE' && v instanceof Date) return new PyDate(v.getTime());
    if (v instanceof Date && (type === 'TIMESTAMP' || type === 'TIMESTAMP WITH TIME ZONE')) {
      const micro = v instanceof MicroDate ? v.subMs : 0;
      // A TIMESTAMPTZ as an aware datetime in the connection's zone (its TimeZone setting; DuckDB's default is the machine's), as dbt-duckdb gives it.
      const zone = v instanceof MicroDate && v.zone ? new PyTz(v.zone) : sessionZone();
      return type === 'TIMESTAMP' ? new PyDateTime(v.getTime(), micro, null) : fromInstant(v.getTime(), zone, micro);
    }
    if (v !== null && v !== undefined && isNestedType(type)) return nestedAsJson(v, type);
    if (type === 'INTERVAL') return intervalText(v) ?? v;
    if (typeof v !== 'number' && typeof v !== 'bigint') return v;
    if (type === 'TIME') return timeText(Number(v));
    const dec = /^DECIMAL\(\d+,(\d+)\)$/.exec(type);
    if (dec && typeof v === 'number' && Number.isFinite(v)) return PyDecimal.fromNumber(v, Number(dec[1]));
    // agate's Number casts a float through its repr: Decimal('1.5'), not a float (`is float` is false, str(1e20) is 1E+20).
    if (typeof v === 'number' && FLOAT_TYPES.has(type)) return Number.isFinite(v) ? PyDecimal.parse(floatRepr(v)) : mkFloat(v);
    return v;
  }

  override copyToParquet(sql: string, path: string, partitionBy: readonly string[]): string {
    const part = partitionBy.length ? `, partition_by (${partitionBy.map((c) => this.quoteIdentifier(c)).join(', ')})` : '';
    return `copy (\n${sql}\n) to ${this.quoteString(path)} (format parquet${part})`;
  }

  /** As dbt-duckdb names the attached database: the file's name without extension, `memory` in memory, the MotherDuck database. */
  override defaultDatabase(target: TargetConfig): string | undefined {
    return duckDbDatabaseName(target);
  }

  override readParquet(glob: string, options: ParquetRead = {}): string {
    const args = [this.quoteString(glob), `hive_partitioning = ${options.partitions === false ? 'false' : 'true'}`];
    if (options.mixedSchemas) args.push('union_by_name = true');
    const typed = options.partitions === false ? [] : (options.partitionTypes ?? []).filter((c) => hiveType(c.type));
    if (!typed.length) return `select * from read_parquet(${args.join(', ')})`;
    args.push(`hive_types = {${typed.map((c) => `${this.quoteString(c.name)}: ${this.quoteString(c.type)}`).join(', ')}}`);
    // Typed, DuckDB puts the partition columns in name order: the folders' order is kept.
    const parts = (options.partitionTypes ?? []).map((c) => this.quoteIdentifier(c.name));
    return `select * exclude (${parts.join(', ')}), ${parts.join(', ')} from read_parquet(${args.join(', ')})`;
  }

  /**
   * dbt-duckdb's external sources: `external_location` in a source's meta or config is a path
   * (quoted here) or a reader call (`read_csv('...')`, kept as written), its `{name}`,
   * `{identifier}`, `{schema}`, `{database}`, `{tags}` and meta keys filled by `formatter`
   * (newstyle, oldstyle or template). A source with a `plugin` is dbt-duckdb's to load, not sm's:
   * it reads as its relation.
   */
  externalSource(s: ExternalSourceInfo): string | undefined {
    const template = s.meta.external_location;
    if ('plugin' in s.meta || template === undefined || template === null) return undefined;
    const formatter = s.meta.formatter ?? 'newstyle';
    const where = `source ${s.name}'s external_location`;
    if (formatter !== 'newstyle' && formatter !== 'oldstyle' && formatter !== 'template') throw new Error(`${where}: formatter "${String(formatter)}" is none of newstyle, oldstyle or template.`);
    let location: string;
    try {
      location = pythonFormat(String(template), { name: s.name, identifier: s.identifier, schema: s.schema, database: s.database ?? null, tags: [...s.tags], ...s.meta }, formatter as PythonFormatter);
    } catch (e) {
      throw new Error(`${where} "${String(template)}" cannot be filled: ${(e as Error).message}.`);
    }
    return location.includes('(') || location.startsWith("'") ? location : `'${location}'`;
  }

  /**
   * dbt-duckdb 1.11's `duckdb__get_partitioned_by`/`duckdb__get_sorted_by`, run whenever a table is
   * created: `partitioned_by` (else `partition_by`) and `sorted_by` (else `sort_by`) must be a
   * column name or a list of them. A BigQuery-style map (`{'field': ..., 'data_type': ...}`) fails
   * the model there, so it fails here; a valid one is ignored on a plain DuckDB file, as there.
   */
  tableConfigError(config: Readonly<Record<string, unknown>>): string | undefined {
    for (const [raw, field] of tableLayout(config)) {
      if (unset(raw)) continue;
      const fix = `give a column name or a list of them (dbt-duckdb refuses anything else, and uses them on DuckLake only), or set it for other targets only, e.g. \`${field.split('/')[1]}=(... if target.type != 'duckdb' else none)\``;
      if (typeof raw !== 'string' && !Array.isArray(raw)) return `${field} must be a list of strings or a string, not ${JSON.stringify(raw)}: ${fix}`;
      const parts: unknown[] = typeof raw === 'string' ? [raw] : raw;
      if (parts.some((p) => typeof p !== 'string')) return `${field} list values must be non-empty strings, not ${JSON.stringify(raw)}: ${fix}`;
      if (!parts.length) return `${field} must contain at least one column: ${fix}`;
    }
    return undefined;
  }

  /**
   * dbt-duckdb 1.11.1 then warns, once a run, for each it ignores: sm attaches no DuckLake, so every
   * table is one it ignores them for. Recorded: "DuckDB adapter: partitioned_by/partition_by is only
   * supported for DuckLake relations; ignoring for "dbt"."main"."t"" (then the sort one).
   */
  tableConfigIgnored(config: Readonly<Record<string, unknown>>, relation: string): { name: string; base: string }[] {
    return tableLayout(config)
      .filter(([raw]) => !unset(raw))
      .map(([, field]) => ({ name: 'DuckDB', base: `${field} is only supported for DuckLake relations; ignoring for ${relation}` }));
  }

  describeQuery(sql: string): string {
    return `describe select * from (\n${sql}\n) as sm_described`;
  }

  override describeParquet(glob: string, options?: ParquetRead): string {
    return `describe ${this.readParquet(glob, options)}`;
  }
}

/** Types a folder name can hold: scalars, not nested ones (a struct, list, map or union). */
function hiveType(type: string): boolean {
  return !/^(struct|map|union)\b|\[\d*\]\s*$/i.test(type.trim());
}

const FLOAT_TYPES = new Set(['DOUBLE', 'FLOAT', 'REAL', 'FLOAT4', 'FLOAT8']);

/** A TIME (microseconds since midnight) as Python prints a time: `01:02:03`, `13:02:03.500000`. */
const unset = (v: unknown) => v === undefined || v === null;

/** `partitioned_by` (else `partition_by`, an empty name counting as none) and `sorted_by` (else `sort_by`), as dbt-duckdb reads them. */
function tableLayout(config: Readonly<Record<string, unknown>>): [raw: unknown, field: string][] {
  const partition = unset(config.partitioned_by) || config.partitioned_by === '' ? config.partition_by : config.partitioned_by;
  return [
    [partition === '' ? undefined : partition, 'partitioned_by/partition_by'],
    [unset(config.sorted_by) ? config.sort_by : config.sorted_by, 'sorted_by/sort_by'],
  ];
}
