import { macroCalls, type JMacro } from '../jinja/macro.ts';
import { nodeTags } from '../project/folder-config.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { internalMacroFiles } from '../project/internal-macros.ts';
import type { FoundRef, GraphNode, NodeConfig, RefCall } from '../types.ts';
import { BUILTIN_STATEMENT_MACROS } from './builtin-statements.ts';
import { BUILTIN_TEST_MACROS } from './builtin-tests.ts';
import { INTERNAL_PACKAGE, type MacroFile } from './macro-namespaces.ts';

/** Every macro file the renderer loads: sm's built-in tests and statements and dbt's library (package `dbt`), then the project's and its packages'. */
export function macroFiles(project: LoadedProject): MacroFile[] {
  return [
    { packageName: INTERNAL_PACKAGE, file: 'macros/sm_builtin_tests.sql', sql: BUILTIN_TEST_MACROS },
    { packageName: INTERNAL_PACKAGE, file: 'macros/sm_statements.sql', sql: BUILTIN_STATEMENT_MACROS },
    ...internalMacroFiles().map((f) => ({ packageName: INTERNAL_PACKAGE, file: f.file, sql: f.sql })),
    ...project.macros.map((m) => ({ packageName: m.packageName, file: m.originalFilePath, sql: m.macroSql })),
  ];
}

/**
 * The pseudo-node `--inline` text renders as, dbt's SQL operation node (`model.name`
 * `inline_query`, `this` a relation of that name in the target's schema); hooks and operations
 * render with their own pseudo-nodes ({@link operationNode}).
 */
export function inlineNode(pkg: string): GraphNode {
  return { uniqueId: `sql_operation.${pkg}.inline_query`, name: 'inline_query', resourceType: 'sql_operation', packageName: pkg, config: {}, originalFilePath: 'from remote system.sql', fqn: [pkg, 'inline_query'], tags: [], meta: {}, path: 'sql/inline_query', description: '', columns: {}, dependsOn: { nodes: [], macros: [] }, rawCode: '', relation: { schema: '', identifier: 'inline_query' }, refs: [], sources: [], checksum: '' } as unknown as GraphNode;
}

/**
 * What `model` is while a project hook (an `operation` node, `this` None) or a `run-operation`
 * macro (`this` undefined) renders, as in dbt 1.11: a node without a relation.
 */
export function operationNode(pkg: string, uniqueId: string, name: string, resourceType: 'operation' | 'macro', originalFilePath: string): GraphNode {
  return { uniqueId, name, resourceType, packageName: pkg, config: {}, originalFilePath, fqn: [pkg, name], tags: [], meta: {}, path: '', description: '', columns: {}, dependsOn: { nodes: [], macros: [] }, rawCode: '', refs: [], sources: [], checksum: '' } as unknown as GraphNode;
}

/** Whether a node is one {@link operationNode} made (an on-run hook, an operation): never one of the project's loaded nodes. */
export function isOperationNode(n: GraphNode): boolean {
  const t: string = n.resourceType;
  return t === 'operation' || t === 'macro';
}

/** Whether a node is the macro `sm run-operation` calls (operationNode with resource type macro), which no parse went through. */
export function isRunOperationNode(n: GraphNode): boolean {
  const t: string = n.resourceType;
  return t === 'macro';
}

export function cloneConfig(c: NodeConfig): NodeConfig {
  const out: NodeConfig = { ...c };
  if (Array.isArray(c.tags)) out.tags = [...c.tags];
  return out;
}

/** A node's tags from its config's, as dbt lists them: each once, its YAML patch's last (dbt adds them when it applies the patch). */
export function tagsOf(c: NodeConfig, yamlTagSpan?: readonly [number, number]): string[] {
  if (!yamlTagSpan || !Array.isArray(c.tags)) return nodeTags(c.tags);
  const [at, count] = yamlTagSpan;
  const t = c.tags as unknown[];
  return nodeTags([...t.slice(0, at), ...t.slice(at + count), ...t.slice(at, at + count)]);
}

/**
 * A model's `refs` as dbt lists them: each ref() call of its template, repeats included, with the
 * package and version it gave; then the nodes only its hooks ref, once each.
 */
export function refsOf(calls: readonly FoundRef[], nodes: readonly string[]): RefCall[] {
  const called = new Set(calls.map((c) => c.id));
  const out: RefCall[] = calls.map(({ id: _id, ...c }) => c);
  for (const n of nodes) if (!n.startsWith('source.') && !called.has(n)) out.push({ name: n.split('.').pop()! });
  return out;
}

/**
 * A node's `sources` as dbt's manifest lists them: each source() call in order, repeats included
 * (fivetran_utils' union_data reads `source(...).database` and `.schema`: two entries), then any
 * source it depends on that it did not call itself (a hook's).
 */
export function sourcesOf(calls: readonly [string, string][], nodes: readonly string[]): [string, string][] {
  const called = new Set(calls.map((c) => c.join('.')));
  const out = calls.map((c) => [...c] as [string, string]);
  for (const n of nodes) if (n.startsWith('source.') && !called.has(n.split('.').slice(2).join('.'))) out.push(n.split('.').slice(2) as [string, string]);
  return out;
}

/** Run `fn` with the macros it calls itself told to `record` (to none when undefined), not to a render under way. */
export function recordingMacros<T>(record: ((m: JMacro) => void) | undefined, fn: () => T): T {
  const { listener, depth } = macroCalls;
  macroCalls.listener = record;
  macroCalls.depth = 0;
  try {
    return fn();
  } finally {
    macroCalls.listener = listener;
    macroCalls.depth = depth;
  }
}
