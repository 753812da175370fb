import type { NodeCheck } from './node-check.ts';
import { splitOrigin } from './infer/shape.ts';
import type { SqlDialectName } from './sql/lexer.ts';
import { formatType } from './types/sql-type.ts';

/** One upstream column of an output column. */
export interface UpstreamColumn {
  /** Unique id of the node the column belongs to. */
  readonly unique_id: string;
  readonly column: string;
  /** `passthrough`: the value is that column's, unchanged; `transformed`: computed from it. */
  readonly kind: 'passthrough' | 'transformed';
}

/**
 * What sm adds to a column of the manifest, under the column's `sm` key (dbt's column entries
 * allow extra keys; dbt readers ignore it).
 */
export interface SmColumnInfo {
  /** The inferred type in the warehouse's words; null when unknown. */
  readonly data_type: string | null;
  /** The columns of parent nodes this column is computed from. Sources and seeds have none. */
  readonly lineage: readonly UpstreamColumn[];
}

/** The manifest's `sm` columns of a node (see buildManifest), from a check result. */
export function smColumnsOf(result: { readonly nodes: ReadonlyMap<string, NodeCheck>; readonly dialect: SqlDialectName }, id: string): { name: string; sm: SmColumnInfo }[] | undefined {
  const r = result.nodes.get(id);
  return r ? columnInfos(r, result.dialect).map((c) => ({ name: c.name, sm: c.info })) : undefined;
}

/** Each output column of a checked node with its type and upstream columns, in the order the node outputs them. */
export function columnInfos(r: NodeCheck, dialect: SqlDialectName): { name: string; info: SmColumnInfo }[] {
  return r.shape.cols.map((c) => ({
    name: c.name,
    info: {
      data_type: c.type.k === 'unknown' ? null : formatType(c.type, dialect),
      lineage: [...c.lineage].map(([k, pass]) => {
        const o = splitOrigin(k);
        return { unique_id: o.node, column: o.column, kind: pass ? 'passthrough' : 'transformed' } as const;
      }),
    },
  }));
}
