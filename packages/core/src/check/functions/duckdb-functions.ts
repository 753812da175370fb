import { T, isNumeric, type SqlType } from '../types/sql-type.ts';
import { common, elementOf, type CallInfo, type FunctionTable } from './function-rules.ts';

const series = (c: CallInfo): SqlType => {
  const t = common(c.args.slice(0, 2));
  if (t.k === 'int' || t.k === 'null') return T.list(T.bigint);
  if (t.k === 'date' || t.k === 'timestamp') return T.list(t.k === 'date' ? T.timestamp : t);
  return t.k === 'unknown' ? T.unknown : T.list(t);
};

/** epoch_ms(bigint) is a timestamp; epoch_ms(timestamp) the number of milliseconds. */
const epochMs = (c: CallInfo): SqlType => {
  const t = c.args[0] ?? T.unknown;
  if (t.k === 'unknown') return T.unknown;
  return isNumeric(t) ? T.timestamp : T.bigint;
};

/** median and quantile_cont interpolate: DOUBLE for numbers, the same type for times. */
const interpolated = (c: CallInfo): SqlType => {
  const t = c.args[0] ?? T.unknown;
  if (t.k === 'unknown') return T.unknown;
  return isNumeric(t) ? T.double : t;
};

const structPack = (c: CallInfo): SqlType => ({ k: 'struct', fields: c.named });

const listElement = (c: CallInfo): SqlType => {
  const t = c.args[0];
  if (t?.k === 'varchar') return T.varchar;
  return elementOf(t);
};

/** DuckDB's own functions, over and above {@link COMMON_FUNCTIONS}. */
export const DUCKDB_FUNCTIONS: FunctionTable = {
  if: 'common12', iif: 'common12',
  // Dates.
  date_trunc: (c) => (c.args[1]?.k === 'unknown' ? T.unknown : c.args[1]?.k === 'timestamp' && c.args[1].tz ? T.timestamptz : T.timestamp),
  datetrunc: (c) => (c.args[1]?.k === 'unknown' ? T.unknown : T.timestamp),
  isodow: 'bigint', isoyear: 'bigint', yearweek: 'bigint', millisecond: 'bigint', microsecond: 'bigint', era: 'bigint', century: 'bigint',
  decade: 'bigint', millennium: 'bigint', epoch: 'double', epoch_ms: epochMs, epoch_us: 'bigint', epoch_ns: 'bigint', make_date: 'date',
  make_timestamp: 'timestamp', make_timestamptz: 'timestamptz', make_time: 'time', strftime: 'varchar', strptime: 'timestamp', try_strptime: 'timestamp',
  to_timestamp: 'timestamptz', now: 'timestamptz', current_timestamp: 'timestamptz', get_current_timestamp: 'timestamptz', transaction_timestamp: 'timestamptz',
  localtimestamp: 'timestamp', current_time: 'time', today: 'date', age: 'interval', date_sub: 'bigint', date_add: (c) => (c.args[0]?.k === 'date' ? T.timestamp : c.args[0] ?? T.unknown),
  time_bucket: '$1', to_years: 'interval', to_months: 'interval', to_weeks: 'interval', to_days: 'interval', to_hours: 'interval',
  to_minutes: 'interval', to_seconds: 'interval', to_milliseconds: 'interval', to_microseconds: 'interval',
  // Text.
  strpos: 'bigint', instr: 'bigint', len: 'bigint', strlen: 'bigint', bit_length: 'bigint', octet_length: 'bigint', format: 'varchar',
  printf: 'varchar', lcase: 'varchar', ucase: 'varchar', regexp_extract: 'varchar', regexp_matches: 'boolean', regexp_full_match: 'boolean',
  string_split: 'varchar[]', str_split: 'varchar[]', split: 'varchar[]', string_to_array: 'varchar[]', regexp_split_to_array: 'varchar[]',
  string_split_regex: 'varchar[]', sha256: 'varchar', hash: 'ubigint', to_base64: 'varchar', base64: 'varchar', from_base64: 'blob',
  encode: 'blob', decode: 'varchar', levenshtein: 'bigint', damerau_levenshtein: 'bigint', hamming: 'bigint', jaccard: 'double',
  jaro_similarity: 'double', jaro_winkler_similarity: 'double', group_concat: 'varchar', array_to_string: 'varchar', list_aggr: 'varchar',
  prefix: 'boolean', suffix: 'boolean', like_escape: 'boolean', ilike_escape: 'boolean', glob: 'boolean', uuid: 'uuid', gen_random_uuid: 'uuid',
  md5_number: 'hugeint', nfc_normalize: 'varchar', strip_accents: 'varchar', unicode: 'integer', ord: 'integer', to_hex: 'varchar', hex: 'varchar',
  // Numbers.
  sign: 'tinyint', isnan: 'boolean', isinf: 'boolean', isfinite: 'boolean', even: '$0', factorial: 'hugeint',
  // Lists and structs.
  generate_series: series, range: series, unnest: 'elem0', list_value: 'listcommon', list_pack: 'listcommon', list: 'list$0', array_agg: 'list$0',
  array_length: 'bigint', list_contains: 'boolean', array_contains: 'boolean', list_has: 'boolean', array_has: 'boolean',
  list_has_any: 'boolean', list_has_all: 'boolean', list_transform: 'lambdalist', array_transform: 'lambdalist', apply: 'lambdalist',
  list_apply: 'lambdalist', list_filter: '$0', array_filter: '$0', filter: '$0', list_sort: '$0', array_sort: '$0', list_reverse_sort: '$0',
  list_distinct: '$0', array_distinct: '$0', list_reverse: '$0', array_reverse: '$0', list_extract: listElement, list_element: listElement,
  array_extract: listElement, flatten: 'elem0', list_concat: '$0', array_concat: '$0', array_cat: '$0', list_cat: '$0', array_slice: '$0',
  list_slice: '$0', list_position: 'integer', array_position: 'integer', list_unique: 'ubigint', cardinality: 'ubigint', struct_pack: structPack,
  to_json: 'json', json: 'json', json_extract: 'json', json_object: 'json', json_array: 'json', json_extract_string: 'varchar',
  json_extract_path_text: 'varchar', json_value: 'varchar', json_type: 'varchar', json_valid: 'boolean',
  // Aggregates.
  median: interpolated, quantile_cont: interpolated, quantile_disc: '$0', approx_quantile: '$0', quantile: '$0', first: '$0', last: '$0',
  arbitrary: '$0', fsum: 'double', sumkahan: 'double', kahan_sum: 'double', product: 'double', favg: 'double', mean: 'double',
  bit_and: '$0', bit_or: '$0', bit_xor: '$0', entropy: 'double', count_star: 'bigint', string_agg: 'varchar',
};
