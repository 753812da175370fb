/**
 * SQL text for landing newline-delimited JSON on DuckDB. Pure: the effects (links to the files,
 * temporary tables, the appender) are in duckdb-lander.ts. Paths given here must already be
 * literal, which `literalPath` checks: DuckDB's readers expand `*`, `?`, `[...]` (and `{...}` in
 * some versions) in every path of a list, so a file named `a[1].json` would read `a1.json`.
 */
import type { LandingField, LandingTable, LineStamp, LineageRun } from '@smsql/core';
import { DuckDbDialect } from './duckdb-dialect.ts';

const d = new DuckDbDialect();
const q = (id: string) => d.quoteIdentifier(id);
const lit = (s: string) => d.quoteString(s);

const GLOB = /[*?[\]{}\\]/;

/** `path` as a string literal, refusing one DuckDB would read as a pattern. */
export function literalPath(path: string): string {
  if (GLOB.test(path)) throw new Error(`internal: ${path} would be read as a glob pattern; landing passes DuckDB links with plain names`);
  return lit(path);
}

/** A timestamp literal for the load time (DuckDB timestamps have no zone; this is UTC). */
export function timestampSql(at: Date): string {
  return `${lit(at.toISOString().replace('T', ' ').replace('Z', ''))}::timestamp`;
}

/** DuckDB's JSON reader with the explicit column types of `fields`. */
function columnsOf(fields: readonly LandingField[]): string {
  return `{${fields.map((f) => `${lit(f.field)}: ${lit(f.type.toUpperCase())}`).join(', ')}}`;
}

function insertHead(t: LandingTable): string {
  const l = t.lineage;
  return `insert into ${d.relationName(t.relation)} (${[...t.fields.map((f) => f.column), l.topic, l.partition, l.offset, l.file, l.loadedAt].map(q).join(', ')})`;
}

/** One file of a whole-file insert: the link DuckDB reads, the name its rows keep and its line count. */
export interface LinkedFile {
  readonly link: string;
  readonly name: string;
  readonly lines: number;
}

/**
 * Whole files: DuckDB's JSON reader with the explicit schema straight into the table, its rows
 * matched by position to (file, line number) pairs generated from the line counts in the same
 * file order (no sort: both sides keep their order while DuckDB preserves insertion order, which
 * the caller checks). The reader yields at most one row per line and skips only blank lines, so
 * rows and lines pair up exactly unless a file has a blank line; the pairs then shift and a row
 * meets a line of another file, or no row at all. Either way, or when a required field is
 * missing or null, or when the reader meets a line it cannot read, the statement fails.
 *
 * A positional join runs on one thread, so the files are split into `parts` runs of about equal
 * size, each with its own reader and join, under one `union all` that DuckDB runs in parallel.
 */
export function insertFilesSql(t: LandingTable, topic: string, files: readonly LinkedFile[], parts: number, sizes: readonly number[]): string {
  const incomplete = t.fields.filter((f) => f.required).map((f) => `r.${q(f.field)} is null`);
  const at = timestampSql(t.loadedAt);
  const branch = ([lo, hi]: [number, number]) => {
    const bad = [`p.idx - ${lo} is distinct from r.file_index`, ...incomplete].join(' or ');
    const pairs = files.slice(lo, hi).map((f, i) => `(${lo + i}, ${lit(f.name)}, ${f.lines})`);
    return `select ${[...t.fields.map((f) => `r.${q(f.field)}`), lit(topic), 'null', 'p.off', 'p.file', at].join(', ')}
    from read_json([${files.slice(lo, hi).map((f) => literalPath(f.link)).join(', ')}], format = 'newline_delimited', records = true, hive_partitioning = false, columns = ${columnsOf(t.fields)}) r
    positional join (select idx, file, unnest(range(n)) as off from (values ${pairs.join(', ')}) v(idx, file, n)) p
    where if(${bad}, error('sm landing: fast path does not apply at ' || coalesce(p.file, 'file #' || (r.file_index + ${lo})) || ':' || coalesce(p.off, -1)), true)`;
  };
  return `${insertHead(t)}
    ${splitBySize(sizes, parts).map(branch).join('\n    union all ')}`;
}

/** `[lo, hi)` index ranges of `sizes` in order, at most `parts` of them, of about equal bytes. */
export function splitBySize(sizes: readonly number[], parts: number): [number, number][] {
  const total = sizes.reduce((a, s) => a + s, 0);
  const out: [number, number][] = [];
  let lo = 0;
  let bytes = 0;
  for (let i = 0; i < sizes.length; i++) {
    bytes += sizes[i]!;
    const left = sizes.length - i - 1;
    if (out.length < parts - 1 && left > 0 && bytes >= (total * (out.length + 1)) / parts) {
      out.push([lo, i + 1]);
      lo = i + 1;
    }
  }
  if (lo < sizes.length || !out.length) out.push([lo, sizes.length]);
  return out;
}

/**
 * The indexes of the files whose lines DuckDB's reader cannot all take (fewer rows than lines
 * when it skips bad ones, or a required field missing). A heuristic: the whole-file insert still
 * decides for the others.
 */
export function suspectFilesSql(t: LandingTable, files: readonly LinkedFile[]): string {
  const incomplete = t.fields.filter((f) => f.required).map((f) => `${q(f.field)} is null`).join(' or ') || 'false';
  const expected = files.map((f, i) => `(${i}, ${f.lines})`).join(', ');
  return `select v.idx from (values ${expected}) v(idx, n) left join (
      select file_index as idx, count(*) as c, count(*) filter (where ${incomplete}) as bad
      from read_json([${files.map((f) => literalPath(f.link)).join(', ')}], format = 'newline_delimited', records = true, hive_partitioning = false, ignore_errors = true, columns = ${columnsOf(t.fields)})
      group by all
    ) r using (idx)
    where coalesce(r.c, 0) <> v.n or coalesce(r.bad, 0) > 0`;
}

/** The temporary table `insertLines` appends a chunk of lines to. */
export const LINES_TABLE = '_sm_land_lines';
export const LINES_COLUMNS = [
  { name: 'idx', type: 'bigint' },
  { name: 'file', type: 'varchar' },
  { name: 'off', type: 'bigint' },
  { name: 'line', type: 'varchar' },
  { name: 'pre_reason', type: 'varchar' },
] as const;
/** The checked lines: fields, and `reason` ('' for lines that land). */
export const CHECKED_TABLE = '_sm_land_checked';

/**
 * Every line of `LINES_TABLE` through DuckDB's JSON functions, so each bad line gets its own
 * reason: empty, not JSON, not an object, a required field missing or null, or a field DuckDB's
 * JSON cast cannot read as its column type (the cast `read_json` uses, so both paths accept the
 * same lines: `"12"` reads as a number, `1.5` rounds into an integer column).
 */
export function checkLinesSql(fields: readonly LandingField[]): string {
  return `create or replace temp table ${CHECKED_TABLE} as
    select idx, file, off, ${fields.map((f) => `j[${lit(f.field)}] as ${q(f.field)}`).join(', ')},
      coalesce(pre_reason, if(trim(line) = '', 'empty line', ${reasonSql(fields)})) as reason
    from (${parsedSql(fields, `select idx, file, off, line, pre_reason from temp.main.${LINES_TABLE}`)})`;
}

/** Inserts the checked lines that land. */
export function insertCheckedSql(t: LandingTable, topic: string): string {
  return `${insertHead(t)}
    select ${[...t.fields.map((f) => q(f.field)), lit(topic), 'null', 'off', 'file', timestampSql(t.loadedAt)].join(', ')} from ${CHECKED_TABLE} where reason = ''`;
}

/**
 * Adds `doc_type` (JSON type of the line, null when not JSON), `j` (typed struct) and `jt`
 * (JSON type of each field). `jt` costs a second parse, so it is computed only for lines with
 * a null in `j`, the only ones whose reason needs it.
 */
function parsedSql(fields: readonly LandingField[], from: string): string {
  const struct = `{${fields.map((f) => `${JSON.stringify(f.field)}: ${JSON.stringify(f.type.toUpperCase())}`).join(', ')}}`;
  const paths = `[${fields.map((f) => lit(`$."${f.field}"`)).join(', ')}]`;
  const anyNull = fields.map((f) => `j[${lit(f.field)}] is null`).join(' or ');
  return `select *, if(doc_type = 'OBJECT' and (${anyNull}), json_type(line, ${paths}), null) as jt
    from (select *, if(doc_type = 'OBJECT', from_json(line, ${lit(struct)}), null) as j
      from (select *, if(pre_reason is null and json_valid(line) and trim(line) <> '', json_type(line), null) as doc_type from (${from})))`;
}

/** The reason a line cannot land, '' when it can. */
export function reasonSql(fields: readonly LandingField[]): string {
  const checks = fields.map((f, i) => {
    const jt = `jt[${i + 1}]`;
    const bad = `when j[${lit(f.field)}] is null then ${lit(`field ${f.field}: cannot read `)} || lower(${jt}) || ${lit(` as ${f.type}`)}`;
    return f.required
      ? `case when ${jt} is null then ${lit(`missing required field ${f.field}`)} when ${jt} = 'NULL' then ${lit(`required field ${f.field} is null`)} ${bad} end`
      : `case when ${jt} is null or ${jt} = 'NULL' then null ${bad} end`;
  });
  return `case when doc_type is null then 'not valid JSON' when doc_type <> 'OBJECT' then 'not a JSON object: ' || lower(doc_type) when jt is null then '' else concat_ws('; ', ${checks.join(', ')}) end`;
}

/**
 * Checked records staged as bare JSON objects, one per line, paired by position with their
 * lineage (runs of consecutive offsets, expanded in order) as the whole-file path pairs lines with
 * line numbers. A row without lineage, or lineage without a row, stops the statement.
 */
export function insertRecordsSql(t: LandingTable, parts: readonly { readonly link: string; readonly runs: readonly LineageRun[] }[], longestLine = 0): string {
  // DuckDB's reader refuses a line longer than maximum_object_size (16 MiB by default).
  const size = longestLine + 1024 > 16 << 20 ? `, maximum_object_size = ${longestLine + 1024}` : '';
  const required = t.fields.filter((f) => f.required).map((f) => `r.${q(f.field)} is null`);
  const bad = ['p.off is null', ...required].join(' or ');
  // One reader and positional join per part (a positional join runs on one thread), under one `union all`.
  const branch = (part: { link: string; runs: readonly LineageRun[] }) => {
    const values = part.runs.map(
      (r) => `(${lit(r.topic)}::varchar, ${r.partition === null ? 'null' : r.partition}::integer, ${r.file === null ? 'null' : lit(r.file)}::varchar, ${r.offset}::bigint, ${r.count}::bigint)`,
    );
    return `select ${[...t.fields.map((f) => `r.${q(f.field)}`), 'p.topic', 'p.part', 'p.off', 'p.file', timestampSql(t.loadedAt)].join(', ')}
    from read_json(${literalPath(part.link)}, format = 'newline_delimited', records = true, hive_partitioning = false, columns = ${columnsOf(t.fields)}${size}) r
    positional join (select topic, part, file, unnest(range(off, off + n)) as off from (values ${values.join(', ')}) v(topic, part, file, off, n)) p
    where if(${bad}, error('sm landing: staged records and their lineage do not line up'), true)`;
  };
  return `${insertHead(t)}
    ${parts.map(branch).join('\n    union all ')}`;
}

/**
 * Checked records staged as JSON objects, one per line, each carrying its partition and offset
 * under the stamp's keys: one reader over all the files (DuckDB reads them in parallel), no
 * pairing by position. A line without its stamp, or without a required field, stops the statement.
 * With `from` (partition -> offset), lines of those partitions below their offset are skipped.
 */
export function insertStampedSql(t: LandingTable, files: readonly string[], stamp: LineStamp, longestLine = 0, from?: ReadonlyMap<number, bigint>): string {
  const size = longestLine + 1024 > 16 << 20 ? `, maximum_object_size = ${longestLine + 1024}` : '';
  const p = `r.${q(stamp.partitionKey)}`;
  const o = `r.${q(stamp.offsetKey)}`;
  const bad = [`${o} is null`, `${p} is null`, ...t.fields.filter((f) => f.required).map((f) => `r.${q(f.field)} is null`)].join(' or ');
  const columns = `{${lit(stamp.partitionKey)}: 'INTEGER', ${lit(stamp.offsetKey)}: 'BIGINT', ${columnsOf(t.fields).slice(1)}`;
  // Lines below their partition's `from` offset are records the warehouse already has.
  const skip = from?.size ? `coalesce(${o} >= case ${p} ${[...from].map(([part, at]) => `when ${Number(part)} then ${BigInt(at)}`).join(' ')} end, true) and ` : '';
  return `${insertHead(t)}
    select ${[...t.fields.map((f) => `r.${q(f.field)}`), `${lit(stamp.topic)}::varchar`, p, o, 'null::varchar', timestampSql(t.loadedAt)].join(', ')}
    from read_json([${files.map(literalPath).join(', ')}], format = 'newline_delimited', records = true, hive_partitioning = false, columns = ${columns}${size}) r
    where ${skip}if(${bad}, error('sm landing: a staged record without its partition, offset or a required field'), true)`;
}
