import { avgRule, roundRule, sumRule, type CallInfo, type FunctionTable } from './function-rules.ts';
import { T, type SqlType } from '../types/sql-type.ts';

/** `ceil`/`floor` of a decimal have scale 0; of anything else, the same type. */
const ceilRule = (c: CallInfo): SqlType => {
  const t = c.args[0] ?? T.unknown;
  return t.k === 'decimal' ? T.decimal(t.p, 0) : t;
};

/** Functions both warehouses have with the same result type (spelled the DuckDB way; `bigint` is NUMBER on Snowflake). */
export const COMMON_FUNCTIONS: FunctionTable = {
  // Conditionals.
  coalesce: 'common', greatest: 'common', least: 'common', nullif: '$0', ifnull: 'common', nvl: 'common',
  // Text.
  lower: 'varchar', upper: 'varchar', trim: 'varchar', ltrim: 'varchar', rtrim: 'varchar', replace: 'varchar', concat: 'varchar',
  concat_ws: 'varchar', substr: 'varchar', substring: 'varchar', left: 'varchar', right: 'varchar', lpad: 'varchar', rpad: 'varchar',
  reverse: 'varchar', repeat: 'varchar', split_part: 'varchar', regexp_replace: 'varchar', md5: 'varchar', sha1: 'varchar',
  chr: 'varchar', translate: 'varchar', initcap: 'varchar', length: 'bigint', ascii: 'integer', position: 'bigint',
  starts_with: 'boolean', startswith: 'boolean', ends_with: 'boolean', endswith: 'boolean', contains: 'boolean',
  string_agg: 'varchar', listagg: 'varchar', to_char: 'varchar', to_varchar: 'varchar', typeof: 'varchar', regexp_like: 'boolean',
  // Numbers.
  abs: '$0', round: roundRule, ceil: ceilRule, ceiling: ceilRule, floor: ceilRule, trunc: '$0', sqrt: 'double', exp: 'double', ln: 'double',
  log: 'double', log10: 'double', log2: 'double', pow: 'double', power: 'double', sin: 'double', cos: 'double', tan: 'double',
  asin: 'double', acos: 'double', atan: 'double', atan2: 'double', degrees: 'double', radians: 'double', pi: 'double', mod: 'common',
  cbrt: 'double', random: 'double', gcd: 'common', lcm: 'common',
  // Dates.
  current_date: 'date', date_part: 'bigint', datepart: 'bigint', year: 'bigint', month: 'bigint', day: 'bigint', hour: 'bigint',
  minute: 'bigint', second: 'bigint', quarter: 'bigint', week: 'bigint', weekofyear: 'bigint', dayofweek: 'bigint', dayofyear: 'bigint',
  dayofmonth: 'bigint', yearofweek: 'bigint', last_day: 'date', dayname: 'varchar', monthname: 'varchar', datediff: 'bigint', date_diff: 'bigint',
  // Aggregates.
  count: 'bigint', count_if: 'bigint', sum: sumRule, avg: avgRule, min: '$0', max: '$0', any_value: '$0', mode: '$0',
  min_by: '$0', max_by: '$0', arg_min: '$0', arg_max: '$0', bool_and: 'boolean', bool_or: 'boolean', stddev: 'double',
  stddev_samp: 'double', stddev_pop: 'double', variance: 'double', var_samp: 'double', var_pop: 'double', corr: 'double',
  covar_samp: 'double', covar_pop: 'double', approx_count_distinct: 'bigint', kurtosis: 'double', skewness: 'double',
  regr_slope: 'double', regr_intercept: 'double', regr_r2: 'double',
  // Windows.
  row_number: 'bigint', rank: 'bigint', dense_rank: 'bigint', ntile: 'bigint', percent_rank: 'double', cume_dist: 'double',
  lag: '$0', lead: '$0', first_value: '$0', last_value: '$0', nth_value: '$0',
};
