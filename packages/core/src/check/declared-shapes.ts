import type { CatalogTable } from '../artifacts/artifact-types.ts';
import { readSeed, seedReadOptions } from '../plan/seed-csv.ts';
import type { ColumnInfo, ModelNode, SeedNode, SourceNode } from '../types.ts';
import { snapshotSpec } from '../snapshot/snapshot-spec.ts';
import type { SqlDialectName } from './sql/lexer.ts';
import type { KeyFn } from './relation-index.ts';
import { findCol, NO_LINEAGE, type Col, type Shape } from './infer/shape.ts';
import { T, type SqlType } from './types/sql-type.ts';
import { typeFromString } from './types/type-from-name.ts';

/** Where a node's columns came from, for messages and the docs. */
export type ShapeSource = 'sql' | 'catalog' | 'yaml' | 'seed' | 'none';

export interface DeclaredShape {
  readonly shape: Shape;
  readonly from: ShapeSource;
}

const col = (name: string, type: SqlType, key: KeyFn, quoted = false): Col => ({ name, key: key(name, quoted), type, lineage: NO_LINEAGE });

/** A relation's columns as the saved catalog describes them (the warehouse's own names, compared as quoted on Snowflake). */
export function catalogShape(t: CatalogTable, dialect: SqlDialectName, key: KeyFn): Shape {
  const cols = Object.values(t.columns)
    .sort((a, b) => a.index - b.index)
    .map((c) => col(c.name, typeFromString(c.type, dialect), key, dialect === 'snowflake' && c.name !== c.name.toUpperCase()));
  return { cols, open: false };
}

/**
 * A source's columns: from the catalog when it has the table; else from its YAML columns, which
 * are the whole table only when every one declares a `data_type` (otherwise the YAML is taken
 * as documentation of some columns, and others may exist).
 */
export function sourceShape(n: SourceNode, catalog: CatalogTable | undefined, dialect: SqlDialectName, key: KeyFn): DeclaredShape {
  if (catalog) return { shape: catalogShape(catalog, dialect, key), from: 'catalog' };
  const declared = Object.values(n.columns);
  if (!declared.length) return { shape: { cols: [], open: true }, from: 'none' };
  const complete = declared.every((c) => c.dataType);
  return { shape: { cols: declared.map((c) => col(c.name, c.dataType ? typeFromString(c.dataType, dialect) : T.unknown, key)), open: !complete }, from: 'yaml' };
}

/**
 * A seed's columns: its CSV header, typed as the seed loader types them (`column_types` first, the
 * rest inferred). A column with no value and no declared type is unknown: the loader makes it an
 * integer, but a check against that guess would report every comparison with text.
 */
export function seedShape(n: SeedNode, dialect: SqlDialectName, key: KeyFn): DeclaredShape {
  const seed = readSeed(n.seedPath, n.originalFilePath, seedReadOptions(n));
  return { shape: { cols: seed.columns.map((c) => col(c.name, seed.untyped.has(c.name) ? T.unknown : typeFromString(c.type, dialect), key)), open: false }, from: 'seed' };
}

/** What a node the checker could not read has: the catalog's columns, else its YAML's (never complete). */
export function fallbackShape(n: ModelNode, catalog: CatalogTable | undefined, dialect: SqlDialectName, key: KeyFn): DeclaredShape {
  if (catalog) return { shape: catalogShape(catalog, dialect, key), from: 'catalog' };
  return { shape: { cols: yamlCols(n.columns, dialect, key), open: true }, from: Object.keys(n.columns).length ? 'yaml' : 'none' };
}

function yamlCols(columns: Record<string, ColumnInfo>, dialect: SqlDialectName, key: KeyFn): Col[] {
  return Object.values(columns).map((c) => col(c.name, c.dataType ? typeFromString(c.dataType, dialect) : T.unknown, key));
}

/** A snapshot adds dbt's meta columns to its query's: scd id, updated at, valid from and to (and is_deleted with new_record). */
export function withSnapshotColumns(n: ModelNode, shape: Shape, key: KeyFn): Shape {
  const spec = snapshotSpec(n);
  if (typeof spec === 'string') return { ...shape, open: true };
  const ts = spec.strategy === 'timestamp' && spec.updatedAt ? (findCol(shape, key(spec.updatedAt, false))?.type ?? T.unknown) : T.unknown;
  const extra = [col(spec.names.scd_id, T.varchar, key), col(spec.names.updated_at, ts, key), col(spec.names.valid_from, ts, key), col(spec.names.valid_to, ts, key)];
  if (spec.hardDeletes === 'new_record') extra.push(col(spec.names.is_deleted, T.varchar, key));
  return { ...shape, cols: [...shape.cols, ...extra] };
}
