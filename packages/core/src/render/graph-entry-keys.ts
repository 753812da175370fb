import type { GraphNode, TestNode } from '../types.ts';
import { primaryKey, sourceQuoting, sourceUnrenderedConfig, unrenderedConfigOf } from '../project/node-entry-parts.ts';

/** What {@link addDbtGraphKeys} reads beyond the node. */
export interface GraphKeysHost {
  /** A package's root folder (a seed's `root_path`). */
  rootPath(packageName: string): string;
  /** Each model's generic tests (a model's `primary_key`). */
  testsOf(): ReadonlyMap<string, TestNode[]>;
}

const DOCS = { show: true, node_color: null };

/**
 * The keys dbt's `graph` gives a node besides those its entry already has (graph-context.ts),
 * with the values of a parsed node, as recorded from dbt 1.11.16's graph (what
 * brooklyn-data/dbt_artifacts uploads as `all_results`): build and compiled paths none,
 * `unrendered_config`, `config_call_dict` (its config() calls), `docs`, `doc_blocks`, a model's
 * `constraints` and `primary_key`, a seed's `root_path` and empty `raw_code`, a source's
 * `quoting`, `external`, `source_meta`. A seed depends on macros only; a source on nothing, and a
 * source or generic test has no patch path.
 */
export function addDbtGraphKeys(n: GraphNode, e: Record<string, unknown>, h: GraphKeysHost): void {
  const set = (k: string, v: unknown) => {
    if (!(k in e)) e[k] = v;
  };
  if (n.resourceType === 'source') {
    delete e.depends_on;
    e.patch_path = null;
    set('quoting', sourceQuoting(n));
    set('loaded_at_query', (e.config as Record<string, unknown>).loaded_at_query ?? null);
    set('external', null);
    set('source_meta', n.sourceMeta ?? {});
    set('unrendered_config', sourceUnrenderedConfig(n, e.config as Record<string, unknown>, e.meta));
    set('created_at', 0);
    set('unrendered_database', n.unrenderedDatabase ?? null);
    set('unrendered_schema', n.unrenderedSchema ?? null);
    set('doc_blocks', n.docBlocks ?? []);
    set('_event_status', {});
    return;
  }
  if (n.resourceType !== 'model' && n.resourceType !== 'seed' && n.resourceType !== 'snapshot' && n.resourceType !== 'test') return;
  set('docs', (e.config as { docs?: unknown }).docs ?? DOCS);
  set('build_path', null);
  set('unrendered_config', unrenderedConfigOf(n));
  set('created_at', 0);
  set('config_call_dict', n.configCall ?? {});
  set('unrendered_config_call_dict', {});
  set('doc_blocks', n.docBlocks ?? []);
  if (n.resourceType === 'seed') {
    set('raw_code', '');
    set('root_path', h.rootPath(n.packageName));
    e.depends_on = { macros: (e.depends_on as { macros?: unknown } | undefined)?.macros ?? [] };
    set('defer_relation', null);
    return;
  }
  set('metrics', []);
  set('functions', []);
  set('compiled_path', null);
  set('contract', { enforced: false, alias_types: true, checksum: null });
  if (n.resourceType === 'test') {
    if (n.testMetadata) {
      set('file_key_name', n.fileKeyName ?? `models.${n.attachedNode?.split('.').pop()}`);
      e.patch_path = null;
    }
    return;
  }
  set('defer_relation', null);
  if (n.resourceType !== 'model') return;
  set('constraints', n.constraints ?? []);
  set('primary_key', primaryKey(n, h.testsOf()));
  set('batch', null);
}
