import type { LoadedProject } from './load-project.ts';
import { hookNodeName, projectHooks } from './hook-list.ts';
import { dbtConfigShape } from './node-config-shape.ts';
import { folderConfig, mergeConfigInto, metaOf, nodeTags } from './folder-config.ts';

/**
 * The on-run-start / on-run-end hooks of the project and its packages as dbt's manifest (and `graph`) lists
 * them: one `operation` node each (`operation.<package>.<package>-on-run-start-<i>`, tagged with its
 * kind, its SQL as `raw_code`, its project file's checksum), the ids run_results.json gives
 * their results; `index` is its place in the run (projectHooks' order, from 1), as dbt's
 * manifest has it after a command that runs them (`hooksRun`), else its place in its project
 * file (from 0), as after dbt's parse or compile. Its config is what its project's `models:` config gives its fqn
 * (`<package>.hooks.<name>`), the root project's over a package's, as dbt's: tags (after its
 * kind), meta, materialized... Keys and values recorded from dbt 1.11's manifest.
 */
export function hookNodes(p: LoadedProject, database: string | undefined, macros: (id: string) => readonly string[], hooksRun: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kind of ['on-run-start', 'on-run-end'] as const) {
    for (const [position, h] of projectHooks(p, kind).entries()) {
      const pkg = h.packageName;
      const id = hookNodeName(h, kind);
      const config = hookConfig(p, pkg, id);
      out[`operation.${pkg}.${id}`] = {
        database: database ?? null,
        schema: p.target.schema,
        name: id,
        resource_type: 'operation',
        package_name: pkg,
        path: `hooks/${id}.sql`,
        original_file_path: `./${h.file}`,
        unique_id: `operation.${pkg}.${id}`,
        fqn: [pkg, 'hooks', id],
        alias: id,
        checksum: { name: 'sha256', checksum: h.fileChecksum },
        config: dbtConfigShape('operation', config),
        tags: nodeTags([kind, ...nodeTags(config.tags)]),
        description: '',
        columns: {},
        meta: metaOf(config),
        group: null,
        docs: { show: true, node_color: null },
        patch_path: null,
        build_path: null,
        unrendered_config: {},
        created_at: 0,
        relation_name: null,
        raw_code: h.sql,
        doc_blocks: [],
        language: 'sql',
        refs: [],
        sources: [],
        metrics: [],
        functions: [],
        depends_on: { macros: [...macros(`operation.${pkg}.${id}`)], nodes: [] },
        compiled_path: null,
        contract: { enforced: false, alias_types: true, checksum: null },
        index: hooksRun ? position + 1 : h.index,
      };
    }
  }
  return out;
}

/** The `models:` config dbt gives a hook's operation node: its project's for `<package>.hooks.<name>`, then the root project's for it. */
function hookConfig(p: LoadedProject, pkg: string, id: string): Record<string, unknown> {
  const root = p.config.resourceConfigs.models;
  if (pkg === p.config.name) return folderConfig(root, pkg, ['hooks', id]);
  return mergeConfigInto(folderConfig(p.packages.find((x) => x.name === pkg)?.modelConfigs, pkg, ['hooks', id]), folderConfig(root, pkg, ['hooks', id]));
}
