import type { Ident } from '../sql/ast.ts';
import type { SqlDialectName } from '../sql/lexer.ts';
import type { FunctionTable } from '../functions/function-rules.ts';
import type { Shape } from './shape.ts';

/** Stable codes of what the checker reports. */
export type CheckCode =
  | 'SM_CHECK_UNKNOWN_COLUMN'
  | 'SM_CHECK_AMBIGUOUS_COLUMN'
  | 'SM_CHECK_TYPE_MISMATCH'
  | 'SM_CHECK_UNION_TYPE'
  | 'SM_CHECK_UNION_COLUMNS'
  | 'SM_CHECK_JOIN_KEY_TYPE'
  | 'SM_CHECK_CONTRACT'
  | 'SM_CHECK_DOCUMENTED_COLUMN'
  | 'SM_CHECK_TEST_COLUMN'
  | 'SM_CHECK_BROKEN_BY_CHANGE'
  | 'SM_CHECK_UNKNOWN_RELATION';

/** A problem found in one query, at an offset of the SQL that was checked. */
export interface SqlIssue {
  readonly code: CheckCode;
  readonly message: string;
  readonly pos: number;
  readonly hint?: string | undefined;
  /** Default error; a warning does not fail `sm check` or `--strict`. */
  readonly severity?: 'warning' | undefined;
}

/** A relation named in FROM that is not a CTE: a model, seed, snapshot or source of the project, or something else. */
export interface TableRef {
  readonly shape: Shape;
  /** The node it is, when it is one. */
  readonly node?: string | undefined;
  /** How messages name it (`stg_listen_events`, `source eventsim.listen_events`). */
  readonly label: string;
}

/** What inference needs from its surroundings: the dialect, the project's relations, and where to report. */
export interface InferEnv {
  readonly dialect: SqlDialectName;
  readonly functions: FunctionTable;
  /** The lookup key of an identifier under the dialect's rules (DuckDB: case-insensitive; Snowflake: unquoted upper-cased). */
  key(name: string, quoted: boolean): string;
  /** Resolve a table name; undefined when it names nothing the project knows (its columns are then unknown). */
  table(parts: readonly Ident[]): TableRef | undefined;
  report(issue: SqlIssue): void;
}

/** SQL the checker understands the syntax of but cannot give columns for: the node is reported as not checked, with this reason. */
export class NotCheckable extends Error {
  readonly kind = 'NotCheckable';
  readonly pos: number;
  constructor(reason: string, pos: number) {
    super(reason);
    this.name = 'NotCheckable';
    this.pos = pos;
  }
}

export function isNotCheckable(e: unknown): e is NotCheckable {
  return typeof e === 'object' && e !== null && (e as { kind?: unknown }).kind === 'NotCheckable';
}

export function identKey(env: InferEnv, id: Ident): string {
  return env.key(id.name, id.quoted);
}
