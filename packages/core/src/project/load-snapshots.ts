import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.ts';
import { snapshotBlocks, type SnapshotBlock } from '../jinja/blocks.ts';
import { parseSkippingStrayEndTags } from '../jinja/blocks.ts';
import type { TemplateLocation } from '../jinja/errors.ts';
import { discover } from './discover.ts';
import { renderColumns } from './config-renderer.ts';
import { metaOf } from './folder-config.ts';
import { isDisabled, nodeConfig, type Scope } from './project-resources.ts';
import { readSourceText } from './source-text.ts';
import type { NodePatch } from './schema-yaml.ts';
import type { YamlFile } from './yaml-file.ts';
import type { GraphNode, ModelNode } from '../types.ts';

/** A YAML file's text (its path is the project's: a package's under its prefix). */
function yamlText(dir: string, prefix: string, file: string): string {
  return readFileSync(join(dir, file.startsWith(prefix) ? file.slice(prefix.length) : file), 'utf8');
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Snapshots as nodes: `{% snapshot name %}select ...{% endsnapshot %}` blocks under the
 * snapshot paths, and (dbt 1.9) YAML entries under `snapshots:` with a `relation:` such as
 * `source('raw', 'users')` or `ref('stg_users')`. They are model-like nodes with
 * resourceType 'snapshot' and materialized 'snapshot', so render, ref() and selection treat
 * them like models; a YAML entry without `relation:` documents a SQL snapshot.
 */
export function loadSnapshots(
  scope: Scope,
  patches: readonly NodePatch[],
  yamls: readonly YamlFile[],
  hash: (s: string) => string,
  diagnostics: Diagnostic[],
  disabled: GraphNode[],
): ModelNode[] {
  const { dir, config, prefix } = scope;
  const byName = new Map(patches.map((p) => [p.name, p]));
  const out: ModelNode[] = [];
  const seen = new Map<string, string>();
  // dbt's `path`: relative to the snapshot (or model) path the file is under; a YAML-defined snapshot's is `<file>/<name>.sql`.
  const roots = [...config.snapshotPaths, ...config.modelPaths].map((p) => `${prefix}${p.replace(/\/+$/, '')}/`);
  const inRoot = (file: string) => {
    const root = roots.find((r) => file.startsWith(r));
    return root ? file.slice(root.length) : file;
  };
  const add = (name: string, file: string, path: string, folders: string[], body: string, checksumOf: string, line: number | undefined, fqnFolders: string[] = folders, bodyStart = 0) => {
    const prev = seen.get(name);
    if (prev) {
      diagnostics.push(diag('SM_DUPLICATE_NODE', `Two snapshots are named "${name}": ${prev} and ${file}`, { file, line }, { hint: 'Snapshot names are unique across the project; rename one.' }));
      return;
    }
    seen.set(name, file);
    const patch = byName.get(name);
    const { config: cfg, layers } = nodeConfig(scope, 'snapshots', [...folders, name], patch?.config, patch?.file ?? file);
    cfg.materialized = 'snapshot';
    (isDisabled(cfg) ? disabled : out).push({
      uniqueId: `snapshot.${config.name}.${name}`,
      resourceType: 'snapshot',
      name,
      packageName: config.name,
      originalFilePath: file,
      path,
      fqn: [config.name, ...fqnFolders, name],
      description: patch?.description ?? '',
      tags: [],
      meta: metaOf(cfg),
      config: cfg,
      ...layers,
      columns: renderColumns(scope.render, patch?.columns ?? {}, patch?.file ?? file),
      dependsOn: { nodes: [], macros: [] },
      patchPath: patch?.file,
      rawCode: body,
      ...(bodyStart ? { bodyStart } : {}),
      relation: { schema: '', identifier: name },
      refs: [],
      sources: [],
      checksum: hash(checksumOf),
    });
  };

  for (const found0 of discover(dir, config.snapshotPaths, ['.sql'])) {
    const f = { ...found0, rel: prefix + found0.rel };
    const text = readSourceText(f.abs, f.rel);
    const folders = f.inFolder.split('/').slice(0, -1);
    let found = 0;
    let blocks: SnapshotBlock[];
    try {
      blocks = parseSkippingStrayEndTags(text, f.rel, (t) => snapshotBlocks(t, f.rel), diagnostics);
    } catch (e) {
      const loc = (e as { location?: TemplateLocation }).location;
      diagnostics.push(diag('SM_TEMPLATE_SYNTAX', `Template syntax error: ${(e as Error).message}`, loc ? { file: loc.file, line: loc.line, column: loc.column } : { file: f.rel }, { cause: e }));
      continue;
    }
    for (const b of blocks) {
      found++;
      // Keep the block's line numbers: pad the body with the lines before it.
      // dbt's fqn of a snapshot block names its file too: [project, folders..., file, snapshot].
      // dbt's checksum of a snapshot block is its file's (stripped, as dbt reads SQL files): every block of a file has the same.
      add(b.name, f.rel, inRoot(f.rel), folders, '\n'.repeat(b.bodyLine - 1) + b.body, text.trim(), b.line, [...folders, f.rel.split('/').pop()!.replace(/\.sql$/, '')], b.bodyLine - 1);
    }
    if (!found) {
      diagnostics.push(
        // dbt 1.11.16 reads nothing of such a file and says nothing (parse and build exit 0): a warning, not an error.
        diag('SM_SNAPSHOT_INVALID', `${f.rel} is under a snapshot path but holds no {% snapshot name %} ... {% endsnapshot %} block: it is ignored`, { file: f.rel, line: 1 }, {
          severity: 'warning',
          hint: 'Wrap the query in {% snapshot my_snapshot %} ... {% endsnapshot %}, or define the snapshot in YAML with `relation:`.',
        }),
      );
    }
  }

  for (const y of yamls) {
    const list = isObj(y.data) ? y.data.snapshots : undefined;
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => {
      if (!isObj(entry) || typeof entry.name !== 'string' || entry.relation === undefined) return;
      const loc = y.locate(['snapshots', i, 'relation']);
      const rel = String(entry.relation).trim();
      if (!/^(ref|source)\s*\(.*\)$/s.test(rel)) {
        diagnostics.push(
          diag('SM_SNAPSHOT_INVALID', `Snapshot "${entry.name}": relation must be ref('model') or source('source', 'table'), not "${rel}"`, loc, {
            hint: "Write e.g. `relation: source('raw', 'users')`.",
          }),
        );
        return;
      }
      // dbt's checksum of a YAML snapshot: its YAML file's, stripped.
      add(entry.name, y.file, `${inRoot(y.file)}/${entry.name}.sql`, [], `select * from {{ ${rel} }}`, yamlText(dir, prefix, y.file).trim(), loc.line);
    });
  }
  return out;
}
