import { tagList } from '../project/folder-config.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { internalMacroFiles } from '../project/internal-macros.ts';
import type { GraphNode, ModelNode, NodeConfig } from '../types.ts';
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

/** The pseudo-node `--inline` text, hooks and operations render as: the root project's context. */
export function inlineNode(pkg: string): GraphNode {
  return { uniqueId: 'sql_operation.inline', name: 'inline', resourceType: 'model', packageName: pkg, config: {}, originalFilePath: '<inline>', fqn: [], tags: [], meta: {}, path: '', description: '', columns: {}, dependsOn: { nodes: [], macros: [] }, rawCode: '', relation: { schema: '', identifier: '' }, refs: [], sources: [], checksum: '' } as ModelNode;
}

export function cloneConfig(c: NodeConfig): NodeConfig {
  const out: NodeConfig = { ...c };
  if (Array.isArray(c.tags)) out.tags = [...c.tags];
  return out;
}

export function tagsOf(c: NodeConfig): string[] {
  return tagList(c.tags);
}
