import { diag, type Diagnostic } from '../diagnostics.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { GraphNode, ModelNode, SeedNode } from '../types.ts';
import type { MacroNamespaces } from './macro-namespaces.ts';
import { constraintProblems } from '../project/constraints.ts';

type Resolve = (name: string, pkg: string | undefined, fromPackage: string) => ModelNode | SeedNode | undefined;

/**
 * The warnings dbt's parse gives about what the project's files say together: a `macros:` YAML entry that names no macro of its package, a package's ref that finds a root project node;
 * and what it says of each model's constraints and contract once its config is final (project/constraints.ts; some are errors).
 */
export function parseWarnings(project: LoadedProject, macros: MacroNamespaces, nodes: Iterable<GraphNode>, resolve: Resolve, reused: ReadonlySet<string> = new Set()): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const x of project.macroPatches ?? []) {
    if (!macros.nodeOf(x.uniqueId)) out.push(diag('SM_MACRO_PATCH_UNMATCHED', `${x.patchPath} describes the macro "${x.name}", which package "${x.packageName}" does not define`, x.location, { severity: 'warning', event: 'MacroNotFoundForPatch', eventData: { patch_name: x.name }, hint: 'Fix the name under `macros:`, or remove the entry.' }));
  }
  // dbt warns of a package's refs to the root project when it parses the node: on a full parse,
  // or when partial parsing reads its changed file; so not for a model reused from the render
  // cache, nor for another node while the cache serves some model (a partial parse).
  const all = [...nodes];
  const parsed = all.filter((n) => !reused.has(n.uniqueId) && (n.resourceType === 'model' || !reused.size));
  // A model's constraints and contract (errors for every model; the warning only where its file was parsed again).
  const contracts = all.flatMap((n) => constraintProblems(n, !reused.has(n.uniqueId)));
  return [...out, ...contracts, ...packageRefsToRoot(project, parsed, resolve)];
}

/**
 * dbt 1.11's warning (PackageNodeDependsOnRootProjectNode) for each ref of a package's node that
 * finds a node of the root project without naming it (`ref('x')`, or `ref('pkg', 'x')`), one per
 * ref as dbt's parse gives it; none when the project's
 * `require_ref_searches_node_package_before_root` flag is set.
 */
function packageRefsToRoot(project: LoadedProject, nodes: Iterable<GraphNode>, resolve: Resolve): Diagnostic[] {
  const root = project.config.name;
  if (project.config.refsSearchNodePackageFirst) return [];
  const out: Diagnostic[] = [];
  for (const n of nodes) {
    if (n.packageName === root || !('refs' in n) || !Array.isArray(n.refs)) continue;
    for (const r of n.refs as { name: string; package?: string | undefined }[]) {
      if (r.package === root) continue;
      const target = resolve(r.name, r.package, n.packageName);
      if (target?.packageName !== root) continue;
      out.push(
        diag('SM_PACKAGE_REFS_ROOT', `${n.resourceType} "${n.name}" of package "${n.packageName}" refs "${r.name}", which it finds in the root project (${target.uniqueId}); a node of the same name added to the package would not be used`, { file: n.originalFilePath }, {
          severity: 'warning',
          nodeId: n.uniqueId,
          event: 'PackageNodeDependsOnRootProjectNode',
          eventData: { node_name: n.name, package_name: n.packageName, root_project_unique_id: target.uniqueId },
          hint: `Name the root project in the ref (ref('${root}', '${r.name}')), or set \`flags: {require_ref_searches_node_package_before_root: true}\` to look in the package first.`,
        }),
      );
    }
  }
  return out;
}
