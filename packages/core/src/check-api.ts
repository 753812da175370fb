// `@smsql/core/check`: sm check's SQL parser, type inference and column lineage. Apart from the
// main entry so that a command that does not check loads none of its ~45 modules.
export { checkProject, type CheckOptions, type CheckResult } from './check/check-project.ts';
export { checkCompiled, checkDialect, readSavedCatalog } from './check/check-compilation.ts';
export type { NodeCheck } from './check/node-check.ts';
export { columnInfos, type SmColumnInfo, type UpstreamColumn } from './check/column-lineage.ts';
export { stateImpact, type StateImpact, type ColumnChange, type ImpactedColumn } from './check/state-impact.ts';
export { parseSql } from './check/sql/parse-sql.ts';
export { isSqlSyntaxError, type SqlDialectName } from './check/sql/lexer.ts';
export { ColumnLineageGraph, resolveColumnRef, type ColumnRef, type LineageStep } from './check/lineage-graph.ts';
export { checkSql, type SqlCheck } from './check/check-sql.ts';
export { keyFnFor, type KeyFn } from './check/relation-index.ts';
export { formatType, type SqlType } from './check/types/sql-type.ts';
export { typeFromString } from './check/types/type-from-name.ts';
export { NO_LINEAGE, type Shape, type Col } from './check/infer/shape.ts';
