import { pythonSourceOf } from '../project/python-model.ts';
import type { Dag } from '../graph/build-graph.ts';
import type { CompiledProject } from '../render/render-project.ts';
import { redact } from '../util/redact.ts';
import type { GraphNode } from '../types.ts';
import type { CatalogArtifact, RunResultsArtifact } from '../artifacts/artifact-types.ts';

/** One column as the docs page shows it: what the YAML declares beside what the warehouse has. */
export interface DocsColumn {
  name: string;
  description: string;
  declaredType: string | null;
  actualType: string | null;
  /** The type `sm check` inferred, when it ran; null when unknown. */
  inferredType?: string | null | undefined;
  /** The parent columns this column is computed from (`sm check`'s lineage). */
  upstream?: { id: string; column: string; kind: 'passthrough' | 'transformed' }[] | undefined;
}

export interface DocsResult {
  status: string;
  executionTime: number;
  message: string | null;
  completedAt: string | null;
}

/** One node of the docs page. Kept flat and small: the page holds thousands. */
export interface DocsNode {
  id: string;
  name: string;
  type: string;
  path: string;
  description: string;
  relation: string | null;
  materialized: string | null;
  tags: string[];
  config: Record<string, unknown>;
  columns: DocsColumn[];
  rawCode: string | null;
  compiledCode: string | null;
  /** Parents and children in the lineage graph, tests excluded. */
  parents: string[];
  children: string[];
  /** Tests attached to or depending on this node. */
  tests: string[];
  lastResult: DocsResult | null;
  /** Set for exposures only: what dbt's exposure YAML says beyond name and description. */
  exposure?: DocsExposure;
  /** Whether `sm check` read the node's SQL (`not_checked` with the reason when it could not); `open` when other columns may exist. */
  check?: { status: string; reason: string | null; open: boolean } | undefined;
}

/** An exposure's facts for the detail panel. */
export interface DocsExposure {
  type: string;
  label: string | null;
  owner: { name: string | null; email: string | string[] | null };
  maturity: string | null;
  url: string | null;
}

export interface DocsData {
  project: string;
  generatedAt: string;
  target: string;
  adapter: string;
  /** When the run results the page shows were written, if any. */
  resultsAt: string | null;
  /** The project's `{% docs __overview__ %}` block (Markdown), shown before a node is chosen. */
  overview: string | null;
  nodes: DocsNode[];
}

/** Everything the docs page shows, as plain data; written once into target/docs. */
export function buildDocsData(
  compiled: CompiledProject,
  graph: Dag,
  relationName: (n: GraphNode) => string | undefined,
  catalog: CatalogArtifact | undefined,
  runResults: RunResultsArtifact | undefined,
): DocsData {
  const p = compiled.project;
  const results = new Map((runResults?.results ?? []).map((r) => [r.unique_id, r]));
  const isTest = (id: string) => {
    const t = compiled.nodes.get(id)?.resourceType;
    return t === 'test' || t === 'unit_test';
  };
  const nodes: DocsNode[] = [];
  for (const n of compiled.nodes.values()) {
    const cat = catalog?.nodes[n.uniqueId] ?? catalog?.sources[n.uniqueId];
    const actual = new Map(Object.values(cat?.columns ?? {}).map((c) => [c.name.toLowerCase(), c]));
    const columns: DocsColumn[] = Object.values(n.columns).map((c) => ({
      name: c.name,
      description: c.description,
      declaredType: c.dataType ?? null,
      actualType: actual.get(c.name.toLowerCase())?.type ?? null,
    }));
    // Columns the warehouse has but the YAML does not document still deserve a row.
    const declared = new Set(columns.map((c) => c.name.toLowerCase()));
    for (const c of Object.values(cat?.columns ?? {}).sort((a, b) => a.index - b.index)) {
      if (!declared.has(c.name.toLowerCase())) columns.push({ name: c.name, description: '', declaredType: null, actualType: c.type });
    }
    const preds = [...(graph.predecessors(n.uniqueId) ?? [])];
    const succs = [...(graph.successors(n.uniqueId) ?? [])];
    const r = results.get(n.uniqueId);
    const execute = r?.timing.find((t) => t.name === 'execute');
    nodes.push({
      id: n.uniqueId,
      name: n.name,
      type: n.resourceType,
      path: n.originalFilePath,
      // A source table without a description of its own shows its source's, as the page does not list the source apart.
      description: n.description || (n.resourceType === 'source' ? (n.sourceDescription ?? '') : ''),
      relation: relationName(n) ?? null,
      materialized: typeof n.config.materialized === 'string' ? n.config.materialized : null,
      tags: n.tags,
      config: n.config,
      columns,
      // A Python model shows its source, not the template sm made from its calls.
      rawCode: 'pythonCode' in n && n.pythonCode !== undefined ? n.pythonCode : 'rawCode' in n ? n.rawCode : null,
      compiledCode: 'compiledCode' in n && n.compiledCode !== undefined ? redact('pythonCode' in n && n.pythonCode !== undefined ? pythonSourceOf(n.compiledCode) : n.compiledCode, p.secrets) : null,
      parents: preds.filter((id) => !isTest(id)).sort(),
      children: succs.filter((id) => !isTest(id)).sort(),
      tests: succs.filter(isTest).sort(),
      lastResult: r ? { status: r.status, executionTime: r.execution_time, message: r.message, completedAt: execute?.completed_at ?? null } : null,
      ...exposureFacts(n),
    });
  }
  nodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    project: p.config.name,
    generatedAt: new Date().toISOString(),
    target: p.target.name,
    adapter: p.target.type,
    resultsAt: runResults?.metadata.generated_at ?? null,
    overview: p.docs.find((d) => d.name === '__overview__' && d.packageName === p.config.name)?.blockContents ?? null,
    nodes,
  };
}

function exposureFacts(n: GraphNode): { exposure?: DocsExposure } {
  if (n.resourceType !== 'exposure') return {};
  return { exposure: { type: n.exposureType, label: n.label, owner: { name: n.owner.name, email: n.owner.email }, maturity: n.maturity, url: n.url } };
}
