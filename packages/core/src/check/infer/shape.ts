/**
 * What the checker knows about a relation: its columns with types and lineage, and whether
 * that list is complete. An `open` shape (a source with no declared columns, a table function
 * reading files) may have more columns than it lists; a name it lacks is then not an error.
 */
import type { SqlType } from '../types/sql-type.ts';

/**
 * Where a value comes from: upstream column keys (`<node id>\0<column>`) mapped to whether the
 * value passes that column through unchanged (true) or is computed from it (false).
 */
export type Lineage = ReadonlyMap<string, boolean>;

export const NO_LINEAGE: Lineage = new Map();

export function originKey(node: string, column: string): string {
  return `${node}\u0000${column}`;
}

export function splitOrigin(key: string): { node: string; column: string } {
  const i = key.indexOf('\u0000');
  return { node: key.slice(0, i), column: key.slice(i + 1) };
}

/** The union of several lineages, every entry marked computed (a value built from them). */
export function transformed(...ls: readonly Lineage[]): Lineage {
  return transformedAll(ls);
}

/** {@link transformed} of a list of any length. */
export function transformedAll(ls: readonly Lineage[]): Lineage {
  let size = 0;
  for (const l of ls) size += l.size;
  if (!size) return NO_LINEAGE;
  const out = new Map<string, boolean>();
  for (const l of ls) for (const k of l.keys()) out.set(k, false);
  return out;
}

/** The union of lineages keeping pass-through marks (a set operation's column is any of its sides' values). */
export function merged(...ls: readonly Lineage[]): Lineage {
  const out = new Map<string, boolean>();
  for (const l of ls) for (const [k, v] of l) out.set(k, (out.get(k) ?? true) && v);
  return out;
}

export interface Col {
  /** As written (or as the catalog spells it). */
  readonly name: string;
  /** Normalised for lookup under the dialect's identifier rules. */
  readonly key: string;
  readonly type: SqlType;
  readonly lineage: Lineage;
  /** The text of a string literal selected as this column (it takes the type of what it is unioned with). */
  readonly str?: string | undefined;
  /** Where the query selects it (offset in the SQL being checked), for messages; absent for columns read from elsewhere. */
  readonly pos?: number | undefined;
}

export interface Shape {
  readonly cols: readonly Col[];
  readonly open: boolean;
  /** For an open shape: the node every column it does not list comes from, when there is one. */
  readonly openOrigin?: string | undefined;
}

export function findCol(shape: Shape, key: string): Col | undefined {
  for (const c of shape.cols) if (c.key === key) return c;
  return undefined;
}
