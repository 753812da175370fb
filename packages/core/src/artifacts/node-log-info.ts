import type { Dialect, Relation, TargetConfig } from '../adapter.ts';
import { checksumOf, dbtConfigShape } from '../project/node-config-shape.ts';
import { pyStr } from '../jinja/py-values.ts';
import { manifestPathOf, testRelation } from '../project/test-nodes.ts';
import { defaultDatabaseOf } from '../render/relation.ts';
import type { DbtNodeInfo } from '../events.ts';
import type { GraphNode } from '../types.ts';
import { pythonIsoTime } from './invocation.ts';

/** The times in node_info: Python's naive isoformat of UTC (microseconds, no zone), as dbt writes them. */
export function nodeInfoTime(d: Date | string | undefined): string {
  if (d === undefined) return '';
  return pythonIsoTime(typeof d === 'string' ? new Date(d) : d, 'Z').slice(0, -1);
}

/** A node's `node_info`; `status` is dbt's node status (`started`, `success`, `error`, `pass`, `fail`, `warn`, `skipped`, ...). */
export function dbtNodeInfo(
  n: GraphNode,
  dialect: Pick<Dialect, 'relationName' | 'defaultDatabase'>,
  target: TargetConfig,
  status: string,
  startedAt: Date | string | undefined,
  finishedAt: Date | string | undefined,
): DbtNodeInfo {
  const database = defaultDatabaseOf(dialect, target) ?? null;
  if (n.resourceType === 'source') {
    // dbt's node_info of a source: no materialization, its YAML file as path, an empty alias.
    return {
      materialized: '', meta: n.meta ?? {}, node_checksum: '', node_finished_at: nodeInfoTime(finishedAt), node_name: n.name, node_path: n.originalFilePath,
      node_relation: { alias: '', database: n.relation.database ?? database, relation_name: dialect.relationName(withDatabase(n.relation, database)), schema: n.relation.schema },
      node_started_at: nodeInfoTime(startedAt), node_status: status, resource_type: 'source', unique_id: n.uniqueId,
    };
  }
  const rel = n.resourceType === 'test' ? testRelation(n, target) : 'relation' in n ? n.relation : undefined;
  // A project hook's operation node is materialized as the project's default and lives at hooks/<name>.sql, as dbt gives it.
  const hook = (n.resourceType as string) === 'operation';
  const materialized = n.resourceType === 'test' || n.resourceType === 'unit_test' ? n.resourceType : typeof n.config.materialized === 'string' ? n.config.materialized : hook ? 'view' : n.resourceType;
  const builds = n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot';
  return {
    materialized,
    meta: n.meta ?? {},
    node_checksum: n.resourceType === 'unit_test' || n.resourceType === 'exposure' || !('checksum' in n) ? '' : checksumOf(n).checksum,
    node_finished_at: nodeInfoTime(finishedAt),
    node_name: n.name,
    node_path: hook ? `hooks/${n.name}.sql` : manifestPathOf(n),
    node_relation: {
      alias: rel?.identifier ?? n.name,
      database: rel?.database ?? database,
      relation_name: builds && rel && materialized !== 'ephemeral' ? dialect.relationName(withDatabase(rel, database)) : '',
      schema: rel?.schema ?? target.schema,
    },
    node_started_at: nodeInfoTime(startedAt),
    node_status: status,
    resource_type: n.resourceType,
    unique_id: n.uniqueId,
  };
}

/**
 * A relation named with its database even in the target's default one: dbt's node_info always
 * writes all three parts (`"dbt"."main"."t"` on dbt-duckdb), where sm's compiled SQL leaves the
 * default database out on Snowflake.
 */
function withDatabase(rel: Relation, database: string | null): Relation {
  return rel.database || !database ? rel : { ...rel, database };
}

/** A value with every null left out, in mappings at any depth (Python's to_dict(omit_none=True)). */
function omitNone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(omitNone);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, omitNone(x)]));
  return v;
}

/**
 * A snapshot's config as dbt's LogSnapshotResult carries it (`cfg`): dbt's config of the node
 * without its null values, each value as Python's str() writes it, keys sorted (a protobuf map).
 */
export function snapshotLogCfg(config: Readonly<Record<string, unknown>>): Record<string, string> {
  const shaped = omitNone(dbtConfigShape('snapshot', config)) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(shaped).sort().map((k) => [k, pyStr(shaped[k])]));
}
