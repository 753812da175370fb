import { createHash } from 'node:crypto';
import type { LoadedProject } from '../project/load-project.ts';

/**
 * The project's on-run-start / on-run-end hooks as dbt's manifest lists them: one `operation` node
 * each (`operation.<project>.<project>-on-run-start-<i>`, tagged with its kind, its SQL as
 * `raw_code`), the ids run_results.json gives their results.
 */
export function hookNodes(p: LoadedProject, database: string | undefined): Record<string, unknown> {
  const name = p.config.name;
  const out: Record<string, unknown> = {};
  for (const [kind, hooks] of [['on-run-start', p.config.onRunStart], ['on-run-end', p.config.onRunEnd]] as const) {
    for (const [i, sql] of hooks.entries()) {
      const id = `${name}-${kind}-${i}`;
      out[`operation.${name}.${id}`] = {
        database: database ?? null,
        schema: p.target.schema,
        name: id,
        resource_type: 'operation',
        package_name: name,
        path: `hooks/${id}.sql`,
        original_file_path: `./${p.config.file}`,
        unique_id: `operation.${name}.${id}`,
        fqn: [name, 'hooks', id],
        alias: id,
        checksum: { name: 'sha256', checksum: createHash('sha256').update(sql).digest('hex') },
        config: { enabled: true, tags: [], meta: {}, materialized: 'view' },
        tags: [kind],
        description: '',
        columns: {},
        meta: {},
        docs: { show: true, node_color: null },
        patch_path: null,
        build_path: null,
        unrendered_config: {},
        created_at: 0,
        relation_name: null,
        raw_code: sql,
        language: 'sql',
        refs: [],
        sources: [],
        metrics: [],
        depends_on: { macros: [], nodes: [] },
        index: i + 1,
      };
    }
  }
  return out;
}
