import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics.ts';
import type { ModelNode, ProjectConfig, SeedNode, SourceNode, TestNode } from '../types.ts';
import type { TestDecl } from './schema-yaml.ts';

/** A readable, stable test name in dbt's manner; long names keep a prefix and gain a hash. */
export function genericTestName(decl: TestDecl, node: ModelNode | SeedNode | SourceNode): string {
  const parts: string[] = [];
  if (node.resourceType === 'source') parts.push('source', decl.testName, node.sourceName, node.name);
  else parts.push(decl.testName, node.name);
  if (decl.columnName) parts.push(decl.columnName);
  const extra = Object.entries(decl.kwargs)
    .filter(([k]) => k !== 'column_name' && k !== 'model')
    .map(([, v]) => flat(v))
    .join('__');
  let name = parts.join('_') + (extra ? `__${extra}` : '');
  name = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/_+$/g, '');
  if (name.length > 63) name = `${name.slice(0, 30)}_${createHash('md5').update(name).digest('hex').slice(0, 16)}`;
  return name;
}

function flat(v: unknown): string {
  if (Array.isArray(v)) return v.map(flat).join('__');
  if (v && typeof v === 'object') return Object.values(v).map(flat).join('__');
  return String(v);
}

export function genericTestNode(
  config: ProjectConfig,
  decl: TestDecl,
  node: ModelNode | SeedNode | SourceNode,
  used: Set<string>,
  _diagnostics: Diagnostic[],
  _kind: string,
): TestNode {
  let name = decl.customName ?? genericTestName(decl, node);
  if (used.has(name)) name = `${name}_${createHash('md5').update(JSON.stringify([decl.location, decl.kwargs])).digest('hex').slice(0, 10)}`;
  used.add(name);
  const kwargs: Record<string, unknown> = { ...decl.kwargs };
  if (decl.columnName !== undefined) kwargs.column_name = decl.columnName;
  const tags = [...new Set([...(Array.isArray(decl.config.tags) ? decl.config.tags.map(String) : []), ...node.tags])];
  const rawCode = `{{ test_${decl.testName}(**_sm_generic_test_kwargs) }}`;
  return {
    uniqueId: `test.${config.name}.${name}`,
    resourceType: 'test',
    name,
    packageName: config.name,
    originalFilePath: decl.location.file,
    path: decl.location.file,
    fqn: [config.name, ...node.fqn.slice(1, -1), name],
    description: decl.description ?? '',
    tags,
    meta: {},
    config: { materialized: 'test', severity: 'error', ...decl.config, tags },
    columns: {},
    dependsOn: { nodes: [node.uniqueId], macros: [] },
    patchPath: decl.location.file,
    rawCode,
    refs: [],
    sources: [],
    testMetadata: { name: decl.testName, kwargs, namespace: decl.namespace },
    attachedNode: node.uniqueId,
    columnName: decl.columnName,
    checksum: createHash('sha256').update(rawCode + JSON.stringify(kwargs)).digest('hex'),
  };
}
