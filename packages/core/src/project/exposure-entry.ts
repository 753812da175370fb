import type { ExposureNode } from '../types.ts';

/** An exposure as dbt 1.11 writes it under `exposures` in manifest.json (schema v12). */
export function exposureEntry(n: ExposureNode): Record<string, unknown> {
  return {
    name: n.name,
    resource_type: 'exposure',
    package_name: n.packageName,
    path: n.path,
    original_file_path: n.originalFilePath,
    unique_id: n.uniqueId,
    fqn: n.fqn,
    type: n.exposureType,
    owner: n.owner,
    description: n.description,
    label: n.label,
    maturity: n.maturity,
    meta: n.meta,
    tags: n.tags,
    config: n.config,
    // Its YAML `config:` as written (dbt's also has the project file's `exposures:` levels, which sm does not apply).
    unrendered_config: n.unrenderedConfig ?? {},
    url: n.url,
    depends_on: { macros: [], nodes: n.dependsOn.nodes },
    refs: n.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: r.version ?? null })),
    sources: n.sources,
    metrics: n.metrics,
    created_at: 0,
  };
}
