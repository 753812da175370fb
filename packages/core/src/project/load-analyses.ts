import { basename } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { GraphNode, ModelNode } from '../types.ts';
import { discover } from './discover.ts';
import { byName, fileChecksum, fileNodeBase, folderParts, isDisabled, nodeConfig, type Scope } from './project-resources.ts';
import { readSourceText } from './source-text.ts';
import type { SchemaDecls } from './schema-yaml.ts';

/**
 * The analyses: each SQL file under analysis-paths, rendered and compiled as a model is (its
 * refs, sources and config), never run, and no ref() names it, as in dbt. dbt's id is
 * `analysis.<project>.<name>`, its path `analysis/<file>` and its fqn `[project, 'analysis',
 * folders..., name]`; `analyses:` in the project file and in schema YAML configure and document it.
 */
export function loadAnalyses(s: Scope, decls: SchemaDecls, diagnostics: Diagnostic[], disabled: GraphNode[]): ModelNode[] {
  const patches = byName(decls.analyses);
  const seen = new Map<string, string>();
  const out: ModelNode[] = [];
  const name0 = s.config.name;
  for (const f of discover(s.dir, s.config.analysisPaths, ['.sql'])) {
    const name = basename(f.rel, '.sql');
    const id = `analysis.${name0}.${name}`;
    const rel = s.prefix + f.rel;
    const prev = seen.get(id);
    if (prev) {
      diagnostics.push(diag('SM_DUPLICATE_NODE', `Two analyses are named "${name}": ${prev} and ${rel}`, { file: rel }, { hint: 'Analysis names are unique within a project; rename one file.' }));
      continue;
    }
    seen.set(id, rel);
    const patch = patches.get(name);
    const { config: cfg, layers } = nodeConfig(s, 'analyses', [...folderParts(f), name], patch?.config, patch?.file ?? rel);
    cfg.materialized ??= 'view';
    const raw = readSourceText(f.abs, rel);
    (isDisabled(cfg) ? disabled : out).push({
      ...fileNodeBase(s, f, name, patch, cfg, layers),
      uniqueId: id,
      resourceType: 'analysis',
      path: `analysis/${f.inFolder}`,
      fqn: [name0, 'analysis', ...folderParts(f), name],
      tags: [],
      rawCode: raw,
      relation: { schema: '', identifier: name },
      refs: [],
      sources: [],
      checksum: fileChecksum(raw),
    });
  }
  return out;
}
