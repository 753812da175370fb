import { diag, type Diagnostic } from '../diagnostics.ts';
import type { GroupEntry } from '../project/load-project.ts';
import type { GraphNode } from '../types.ts';

const ACCESS = ['private', 'protected', 'public'];

/**
 * dbt's model governance, checked on the rendered project (final configs): a node's `group`
 * must be a declared group, `access` one of private, protected, public, and a private model may
 * be ref'd only by nodes of its own group (tests aside: they belong to what they test). Protected
 * and public models may be ref'd from anywhere in one project and its packages, as in dbt.
 */
export function accessDiagnostics(nodes: ReadonlyMap<string, GraphNode>, groups: readonly GroupEntry[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = new Set(groups.map((g) => g.name));
  const groupOf = (n: GraphNode): string | undefined => (typeof n.config.group === 'string' ? n.config.group : undefined);
  const fileOf = (n: GraphNode) => ({ file: ('patchPath' in n && n.patchPath) || n.originalFilePath });
  for (const n of nodes.values()) {
    if (n.resourceType !== 'model' && n.resourceType !== 'snapshot' && n.resourceType !== 'seed') continue;
    const g = n.config.group;
    if (g !== undefined && g !== null && (typeof g !== 'string' || !names.has(g))) {
      out.push(diag('SM_CONFIG_INVALID', `${n.name} is in group "${String(g)}", which no \`groups:\` entry declares${names.size ? ` (declared: ${[...names].sort().join(', ')})` : ''}`, fileOf(n), { nodeId: n.uniqueId, hint: 'Declare the group under `groups:` in a schema YAML file (with its `owner:`), or fix the name.' }));
    }
    const a = n.config.access;
    if (a !== undefined && a !== null && (typeof a !== 'string' || !ACCESS.includes(a))) {
      out.push(diag('SM_CONFIG_INVALID', `${n.name}: access must be private, protected or public, not "${String(a)}"`, fileOf(n), { nodeId: n.uniqueId }));
    }
  }
  for (const n of nodes.values()) {
    if (n.resourceType === 'test' || n.resourceType === 'unit_test' || n.resourceType === 'source') continue;
    for (const id of n.dependsOn.nodes) {
      const t = nodes.get(id);
      if (!t || t.resourceType !== 'model' || t.config.access !== 'private' || id === n.uniqueId) continue;
      const tg = groupOf(t);
      if (tg !== undefined && groupOf(n) === tg) continue;
      const raw = 'rawCode' in n && typeof n.rawCode === 'string' ? n.rawCode : '';
      const at = raw.search(new RegExp(`ref\\(\\s*['"]${t.name}['"]`));
      const line = at < 0 ? undefined : raw.slice(0, at).split('\n').length;
      out.push(
        diag(
          'SM_REF_PRIVATE',
          `Node ${n.uniqueId} attempted to reference node ${t.uniqueId}, which is not allowed because the referenced node is private to the '${tg ?? ''}' group.`,
          { file: n.originalFilePath, ...(line ? { line } : {}) },
          { nodeId: n.uniqueId, hint: `Put ${n.name} in group ${tg ?? '(none)'}, or make ${t.name} protected or public (access:).` },
        ),
      );
    }
  }
  return out;
}
