/**
 * Our own types for the dbt artifacts we write (manifest v12, run_results v6, catalog v1):
 * the subset of dbt's published schemas that sm fills in. Tools that read dbt artifacts
 * read these files; the test in packages/core/test/artifacts-schema.test.ts validates them
 * against dbt's schemas.
 */

export interface ArtifactMetadata {
  dbt_schema_version: string;
  dbt_version: string;
  generated_at: string;
  invocation_id: string | null;
  invocation_started_at?: string | undefined;
  env: Record<string, string>;
}

export interface ManifestMetadata extends ArtifactMetadata {
  project_name: string;
  project_id: string;
  user_id: string | null;
  send_anonymous_usage_stats: boolean;
  adapter_type: string;
}

/** One node of manifest.json (`nodes`, `sources`, `macros`, `unit_tests`); the shape depends on `resource_type`. */
export type ManifestEntry = Record<string, unknown> & { unique_id: string; resource_type: string; name: string };

export interface ManifestArtifact {
  metadata: ManifestMetadata;
  nodes: Record<string, ManifestEntry>;
  sources: Record<string, ManifestEntry>;
  macros: Record<string, ManifestEntry>;
  docs: Record<string, unknown>;
  exposures: Record<string, unknown>;
  metrics: Record<string, unknown>;
  groups: Record<string, unknown>;
  selectors: Record<string, unknown>;
  disabled: Record<string, unknown[]>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
  group_map: Record<string, string[]>;
  saved_queries: Record<string, unknown>;
  semantic_models: Record<string, unknown>;
  unit_tests: Record<string, ManifestEntry>;
}

export interface TimingInfo {
  name: 'compile' | 'execute';
  started_at: string | null;
  completed_at: string | null;
}

/** dbt's run statuses plus test statuses; `cancelled` is written as `error`. */
export type RunResultStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' | 'runtime error' | 'partial success' | 'no-op';

export interface RunResultEntry {
  status: RunResultStatus;
  timing: TimingInfo[];
  thread_id: string;
  execution_time: number;
  adapter_response: Record<string, unknown>;
  message: string | null;
  failures: number | null;
  unique_id: string;
  compiled: boolean | null;
  compiled_code: string | null;
  relation_name: string | null;
  batch_results: null;
}

export interface RunResultsArtifact {
  metadata: ArtifactMetadata;
  results: RunResultEntry[];
  elapsed_time: number;
  args: Record<string, unknown>;
}

export interface CatalogColumn {
  type: string;
  index: number;
  name: string;
  comment: string | null;
}

export interface CatalogStat {
  id: string;
  label: string;
  value: boolean | string | number | null;
  include: boolean;
  description: string | null;
}

export interface CatalogTable {
  metadata: { type: string; schema: string; name: string; database: string | null; comment: string | null; owner: string | null };
  columns: Record<string, CatalogColumn>;
  stats: Record<string, CatalogStat>;
  unique_id: string | null;
}

export interface CatalogArtifact {
  metadata: ArtifactMetadata;
  nodes: Record<string, CatalogTable>;
  sources: Record<string, CatalogTable>;
  errors: string[] | null;
}
