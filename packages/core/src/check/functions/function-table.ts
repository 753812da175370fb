import type { SqlDialectName } from '../sql/lexer.ts';
import { COMMON_FUNCTIONS } from './common-functions.ts';
import { DUCKDB_FUNCTIONS } from './duckdb-functions.ts';
import type { FunctionTable } from './function-rules.ts';
import { SNOWFLAKE_FUNCTIONS } from './snowflake-functions.ts';

const TABLES: Record<SqlDialectName, FunctionTable> = {
  duckdb: { ...COMMON_FUNCTIONS, ...DUCKDB_FUNCTIONS },
  snowflake: { ...COMMON_FUNCTIONS, ...SNOWFLAKE_FUNCTIONS },
};

/** The function table of a dialect: the common functions with the dialect's own entries over them. */
export function functionTable(dialect: SqlDialectName): FunctionTable {
  return TABLES[dialect];
}

/** Functions that aggregate rows (their arguments' lineage is transformed, never passed through). */
export const AGGREGATES = new Set(
  (
    'count count_if count_star sum avg mean min max any_value mode min_by max_by arg_min arg_max bool_and bool_or stddev stddev_samp stddev_pop ' +
    'variance var_samp var_pop corr covar_samp covar_pop approx_count_distinct kurtosis skewness skew string_agg listagg group_concat list ' +
    'array_agg arrayagg array_unique_agg object_agg median quantile quantile_cont quantile_disc approx_quantile first last arbitrary fsum ' +
    'sumkahan kahan_sum product favg bit_and bit_or bit_xor entropy percentile_cont percentile_disc approx_percentile booland_agg boolor_agg ' +
    'bitand_agg bitor_agg hll histogram regr_slope regr_intercept regr_r2'
  ).split(' '),
);

/** Function arguments that name a date part as a bare word (`dateadd(hour, 1, ts)`): position by function. */
export const DATE_PART_ARG: Readonly<Record<string, number>> = {
  dateadd: 0, timestampadd: 0, timeadd: 0, datediff: 0, timestampdiff: 0, timediff: 0, date_trunc: 0, datetrunc: 0,
  date_part: 0, datepart: 0, time_slice: 2, last_day: 1,
};
