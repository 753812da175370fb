import { T, type SqlType } from '../types/sql-type.ts';
import { common, type CallInfo, type FunctionTable } from './function-rules.ts';

const TIME_PARTS = new Set(['hour', 'hours', 'h', 'hh', 'minute', 'minutes', 'm', 'mi', 'min', 'second', 'seconds', 's', 'sec', 'millisecond', 'milliseconds', 'ms', 'microsecond', 'microseconds', 'us', 'nanosecond', 'nanoseconds', 'ns']);

/** dateadd(part, n, x): x's type, but a date moved by hours or less becomes a timestamp; text is converted as Snowflake reads it (not known here). */
const dateadd = (c: CallInfo): SqlType => {
  const t = c.args[2] ?? T.unknown;
  if (t.k === 'date' && TIME_PARTS.has((c.literals[0] ?? '').toLowerCase())) return T.timestamp;
  return t.k === 'varchar' ? T.unknown : t;
};

/** date_trunc(part, x): x's type; text is converted as Snowflake reads it (not known here). */
const dateTrunc = (c: CallInfo): SqlType => {
  const t = c.args[1] ?? T.unknown;
  return t.k === 'varchar' ? T.unknown : t;
};

/** decode(x, search1, result1, ..., default): the common type of the results. */
const decode = (c: CallInfo): SqlType => {
  const results = c.args.filter((_, i) => i >= 2 && i % 2 === 0);
  if (c.args.length % 2 === 0) results.push(c.args[c.args.length - 1]!);
  return common(results);
};

const toNumber = (c: CallInfo): SqlType => {
  const p = c.literals[1] !== undefined && /^\d+$/.test(c.literals[1]) ? Number(c.literals[1]) : 38;
  const s = c.literals[2] !== undefined && /^\d+$/.test(c.literals[2]) ? Number(c.literals[2]) : 0;
  return T.decimal(p, s);
};

/** Snowflake's own functions, over and above {@link COMMON_FUNCTIONS}. Integers are NUMBER(38,0). */
export const SNOWFLAKE_FUNCTIONS: FunctionTable = {
  iff: 'common12', nvl2: 'common12', zeroifnull: '$0', nullifzero: '$0', decode, div0: 'double', div0null: 'double', equal_null: 'boolean',
  // Conversions.
  to_number: toNumber, to_decimal: toNumber, to_numeric: toNumber, try_to_number: toNumber, try_to_decimal: toNumber,
  to_double: 'double', try_to_double: 'double', to_boolean: 'boolean', try_to_boolean: 'boolean', to_date: 'date', try_to_date: 'date',
  date: 'date', to_timestamp: 'timestamp', to_timestamp_ntz: 'timestamp', try_to_timestamp: 'timestamp', try_to_timestamp_ntz: 'timestamp',
  to_timestamp_tz: 'timestamptz', to_timestamp_ltz: 'timestamptz', try_to_timestamp_tz: 'timestamptz', to_time: 'time', time: 'time',
  to_variant: 'variant', to_object: 'object', to_array: 'array', to_json: 'varchar', to_binary: 'blob',
  // Dates.
  dateadd, timestampadd: dateadd, timeadd: dateadd, date_trunc: dateTrunc, trunc: '$0', datediff: 'bigint', timestampdiff: 'bigint', timediff: 'bigint',
  dayofweekiso: 'bigint', weekiso: 'bigint', yearofweekiso: 'bigint', add_months: '$0', months_between: 'double',
  convert_timezone: (c) => (c.args.length >= 3 ? T.timestamp : T.timestamptz), current_timestamp: 'timestamptz', localtimestamp: 'timestamp',
  sysdate: 'timestamp', getdate: 'timestamp', current_time: 'time', time_slice: '$0', date_from_parts: 'date', timestamp_from_parts: 'timestamp',
  timestamp_ntz_from_parts: 'timestamp', time_from_parts: 'time', next_day: 'date', previous_day: 'date',
  // Text.
  len: 'bigint', charindex: 'bigint', regexp_substr: 'varchar', regexp_count: 'bigint', regexp_instr: 'bigint', rlike: 'boolean',
  md5_hex: 'varchar', md5_number_lower64: 'bigint', sha2: 'varchar', sha2_hex: 'varchar', sha1_hex: 'varchar', hash: 'bigint',
  uuid_string: 'varchar', editdistance: 'bigint', soundex: 'varchar', space: 'varchar', strtok: 'varchar', insert: 'varchar',
  base64_encode: 'varchar', hex_encode: 'varchar', collate: 'varchar', split: 'array', strtok_to_array: 'array', array_to_string: 'varchar',
  // Semi-structured.
  parse_json: 'variant', try_parse_json: 'variant', object_construct: 'object', object_construct_keep_null: 'object', object_insert: 'object',
  object_delete: 'object', object_pick: 'object', array_construct: 'array', array_construct_compact: 'array', array_append: 'array',
  array_cat: 'array', array_compact: 'array', array_distinct: 'array', array_slice: 'array', array_agg: 'array', arrayagg: 'array',
  array_unique_agg: 'array', object_agg: 'object', object_keys: 'array', get: 'variant', get_path: 'variant', array_size: 'bigint',
  array_contains: 'boolean', array_position: 'bigint', is_null_value: 'boolean', check_json: 'varchar', json_extract_path_text: 'varchar',
  // Numbers, sequences and aggregates.
  random: 'bigint', uniform: 'bigint', seq1: 'bigint', seq2: 'bigint', seq4: 'bigint', seq8: 'bigint', square: 'double', truncate: '$0',
  factorial: 'bigint', width_bucket: 'bigint', median: '$0', percentile_cont: '$0', percentile_disc: '$0', approx_percentile: 'double',
  ratio_to_report: 'double', booland_agg: 'boolean', boolor_agg: 'boolean', bitand_agg: '$0', bitor_agg: '$0', hll: 'bigint', skew: 'double',
  conditional_true_event: 'bigint', conditional_change_event: 'bigint', current_database: 'varchar', current_schema: 'varchar',
  current_role: 'varchar', current_user: 'varchar', current_warehouse: 'varchar',
};
