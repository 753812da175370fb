import type { ModelNode, SeedNode } from '../types.ts';
import { renderColumns } from './config-renderer.ts';
import { mergeConfigInto } from './folder-config.ts';
import type { Scope } from './project-resources.ts';
import type { SchemaDecls } from './schema-yaml.ts';

/**
 * A package's YAML entry for a model or seed the package does not have (enabled), applied to the
 * enabled node of that name in another package, the root project's first, as dbt 1.11 looks a
 * patch up (its own package, then any): dbt_project_evaluator documents and types its
 * exceptions seed, which projects disable to keep their own of the same name. Its description,
 * columns, meta and config reach that node, unless another entry documents it already.
 */
export function applyPatchesElsewhere(s: Scope, decls: SchemaDecls, models: ModelNode[], seeds: SeedNode[], patched: Set<string>): void {
  if (!s.prefix) return;
  const pkg = s.config.name;
  const rootName = s.root?.name;
  const kinds = [
    ['model', decls.models, models],
    ['seed', decls.seeds, seeds],
  ] as const;
  for (const [type, patches, all] of kinds) {
    const nodes = (all as readonly (ModelNode | SeedNode)[]).filter((n) => n.resourceType === type);
    for (const p of patches) {
      if (p.versions?.length || nodes.some((n) => n.packageName === pkg && n.name === p.name)) continue;
      const others = nodes.filter((n) => n.name === p.name && n.packageName !== pkg && !n.patchPath && !patched.has(n.uniqueId));
      const node = others.find((n) => n.packageName === rootName) ?? others[0];
      if (!node) continue;
      patched.add(node.uniqueId);
      if (p.description) node.description = p.description;
      node.columns = renderColumns(s.render, p.columns, p.file);
      node.meta = { ...node.meta, ...p.meta };
      if (Object.keys(p.config).length) {
        mergeConfigInto(node.config, (s.render ? s.render(p.config, p.file) : p.config) as Record<string, unknown>);
        if (node.rootConfig) mergeConfigInto(node.config, node.rootConfig);
        if (node.resourceType === 'seed' && typeof node.config.alias === 'string') node.relation = { ...node.relation, identifier: node.config.alias };
      }
    }
  }
}
