/**
 * SQL text for landing one batch of lake files of one topic on DuckDB. Pure: the effectful
 * steps are in land-batch-duckdb.ts. `_sm_land_files` holds the batch's files; the fast path
 * inserts from `read_json` directly; the careful path numbers lines and checks each with JSON
 * functions into `_sm_land_out`, whose `reason` is '' for rows that land.
 */
import type { FieldMapping } from './raw-schema.ts';
import type { ScannedFile } from './scan-lake-file.ts';

export const q = (id: string): string => `"${id.replace(/"/g, '""')}"`;
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * The batch's files (see `scanLakeFiles`) with their index in the list `read_json` is given
 * (`idx`, DuckDB's `file_index`), path relative to the lake, size, modification time and number
 * of lines, stored in that order so that the fast path can number lines without sorting.
 */
export function filesSql(files: readonly ScannedFile[]): string {
  const rows = files.map((f, i) => `(${i}, ${lit(f.rel)}, ${f.size}, make_timestamp(${Math.round(f.mtimeMs * 1000)}::bigint), ${f.lines})`);
  return `create or replace temp table _sm_land_files as
    select idx::bigint as idx, file::varchar as file, size::bigint as size, last_modified, n::bigint as n
    from (values ${rows.join(', ')}) v(idx, file, size, last_modified, n)`;
}

/** A query of every line with its 0-based number; a trailing `\r` (CRLF files) is dropped; the empty string after the final newline is not a line. */
export function linesSql(absFiles: readonly string[], prefixLen: number): string {
  return `with f as (select filename, string_split(content, chr(10)) as s from read_text([${absFiles.map(lit).join(', ')}])),
    l as (select replace(substr(filename, ${prefixLen}), '\\', '/') as file, len(s) as n, unnest(s) as l0, generate_subscripts(s, 1) - 1 as off from f)
    select file, off, if(ends_with(l0, chr(13)), l0[:-2], l0) as line, trim(line) = '' as blank, null::varchar as pre_reason
    from l where not (off = n - 1 and l0 = '')`;
}

/**
 * Fast path: DuckDB's JSON reader with the explicit schema straight into the raw table, its
 * rows matched by position to (file, line number) pairs generated from `_sm_land_files` in the
 * same file order (no sort: both sides keep their order while DuckDB preserves insertion order,
 * which the caller checks). The reader yields at most one row per line and skips only blank
 * lines, so rows and lines pair up exactly unless a file has a blank line; the pairs then shift
 * and a row meets a line of another file, or no row at all. Either way, or when a required field
 * is missing or null, or when the reader meets a line it cannot read, the statement fails and the
 * batch takes the careful path.
 *
 * A positional join runs on one thread, so the files are split into `parts` runs of about equal
 * size, each with its own reader and join, under one `union all` that DuckDB runs in parallel.
 */
export function fastInsertSql(target: string, files: readonly ScannedFile[], parts: number, fields: readonly FieldMapping[], topic: string, now: string): string {
  const columns = `{${fields.map((f) => `${lit(f.field)}: ${lit(f.type.toUpperCase())}`).join(', ')}}`;
  const incomplete = fields.filter((f) => f.required).map((f) => `r.${q(f.field)} is null`);
  const branch = ([lo, hi]: [number, number]) => {
    const bad = [`p.idx - ${lo} is distinct from r.file_index`, ...incomplete].join(' or ');
    return `select ${[...fields.map((f) => `r.${q(f.field)}`), lit(topic), 'null', 'p.off', 'p.file', now].join(', ')}
    from read_json([${files.slice(lo, hi).map((f) => lit(f.abs)).join(', ')}], format = 'newline_delimited', records = true, hive_partitioning = false, columns = ${columns}) r
    positional join (select idx, file, unnest(range(n)) as off from _sm_land_files where idx >= ${lo} and idx < ${hi}) p
    where if(${bad}, error('sm landing: fast path does not apply at ' || coalesce(p.file, 'file #' || (r.file_index + ${lo})) || ':' || coalesce(p.off, -1)), true)`;
  };
  return `insert into ${target} (${[...fields.map((f) => q(f.column)), '_topic', '_partition', '_offset', '_file', '_ingested_at'].join(', ')})
    ${splitBySize(files, parts).map(branch).join('\n    union all ')}`;
}

/** `[lo, hi)` index ranges of `files` in order, at most `parts` of them, of about equal bytes. */
export function splitBySize(files: readonly { size: number }[], parts: number): [number, number][] {
  const total = files.reduce((a, f) => a + f.size, 0);
  const out: [number, number][] = [];
  let lo = 0;
  let bytes = 0;
  for (let i = 0; i < files.length; i++) {
    bytes += files[i]!.size;
    const left = files.length - i - 1;
    if (out.length < parts - 1 && left > 0 && bytes >= (total * (out.length + 1)) / parts) {
      out.push([lo, i + 1]);
      lo = i + 1;
    }
  }
  if (lo < files.length || !out.length) out.push([lo, files.length]);
  return out;
}

/**
 * After the fast path failed for a batch: the files whose lines DuckDB's reader cannot all
 * take (fewer rows than lines when it skips bad ones, or a required field missing), so that
 * only those go line by line. A heuristic: the fast path still decides for the others.
 */
export function suspectFilesSql(absFiles: readonly string[], prefixLen: number, fields: readonly FieldMapping[]): string {
  const columns = `{${fields.map((f) => `${lit(f.field)}: ${lit(f.type.toUpperCase())}`).join(', ')}}`;
  const incomplete = fields.filter((f) => f.required).map((f) => `${q(f.field)} is null`).join(' or ') || 'false';
  return `select f.file from _sm_land_files f left join (
      select replace(substr(filename, ${prefixLen}), '\\', '/') as file, count(*) as c, count(*) filter (where ${incomplete}) as bad
      from read_json([${absFiles.map(lit).join(', ')}], format = 'newline_delimited', records = true, filename = true, ignore_errors = true, columns = ${columns})
      group by all
    ) r using (file)
    where coalesce(r.c, 0) <> f.n or coalesce(r.bad, 0) > 0`;
}

/**
 * Careful path: every line through DuckDB's JSON functions, so each bad line gets its own
 * reason. `lines` is a query of (file, off, line, blank, pre_reason), `pre_reason`
 * being a reason found before SQL (not UTF-8).
 */
export function carefulOutSql(fields: readonly FieldMapping[], lines: string): string {
  return `create or replace temp table _sm_land_out as
    select file, off, line, ${fields.map((f) => `j[${lit(f.field)}] as ${q(f.field)}`).join(', ')},
      coalesce(pre_reason, if(blank, 'empty line', ${reasonSql(fields)})) as reason
    from (${parsedSql(fields, `select file, off, line, blank, pre_reason from (${lines})`)})`;
}

/**
 * Adds `doc_type` (JSON type of the line, null when not JSON), `j` (typed struct) and `jt`
 * (JSON type of each field). `jt` costs a second parse, so it is computed only for lines with
 * a null in `j`, the only ones whose reason needs it.
 */
function parsedSql(fields: readonly FieldMapping[], from: string): string {
  const struct = `{${fields.map((f) => `${JSON.stringify(f.field)}: ${JSON.stringify(f.type.toUpperCase())}`).join(', ')}}`;
  const paths = `[${fields.map((f) => lit(`$."${f.field}"`)).join(', ')}]`;
  const anyNull = fields.map((f) => `j[${lit(f.field)}] is null`).join(' or ');
  return `select *, if(doc_type = 'OBJECT' and (${anyNull}), json_type(line, ${paths}), null) as jt
    from (select *, if(doc_type = 'OBJECT', from_json(line, ${lit(struct)}), null) as j
      from (select *, if(pre_reason is null and json_valid(line) and trim(line) <> '', json_type(line), null) as doc_type from (${from})))`;
}

/**
 * The reason a line cannot land, '' when it can. A field is of the wrong type when DuckDB's
 * JSON cast (the one `read_json` uses) cannot turn it into the column type, so both paths
 * accept the same lines: numbers in strings are read as numbers, for instance.
 */
export function reasonSql(fields: readonly FieldMapping[]): string {
  const checks = fields.map((f, i) => {
    const jt = `jt[${i + 1}]`;
    const bad = `when j[${lit(f.field)}] is null then ${lit(`field ${f.field}: cannot read `)} || lower(${jt}) || ${lit(` as ${f.type}`)}`;
    return f.required
      ? `case when ${jt} is null then ${lit(`missing required field ${f.field}`)} when ${jt} = 'NULL' then ${lit(`required field ${f.field} is null`)} ${bad} end`
      : `case when ${jt} is null or ${jt} = 'NULL' then null ${bad} end`;
  });
  return `case when doc_type is null then 'not valid JSON' when doc_type <> 'OBJECT' then 'not a JSON object: ' || lower(doc_type) when jt is null then '' else concat_ws('; ', ${checks.join(', ')}) end`;
}
