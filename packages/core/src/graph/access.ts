import { diag, type Diagnostic } from '../diagnostics.ts';
import { locate } from '../jinja/errors.ts';
import { normaliseSource, tokenize } from '../jinja/lexer.ts';
import type { GroupEntry } from '../project/load-project.ts';
import type { GraphNode, SourceLocation } from '../types.ts';

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
      out.push(
        diag(
          'SM_REF_PRIVATE',
          `Node ${n.uniqueId} attempted to reference node ${t.uniqueId}, which is not allowed because the referenced node is private to the '${tg ?? ''}' group.`,
          refLocation(n, t.name),
          { nodeId: n.uniqueId, hint: `Put ${n.name} in group ${tg ?? '(none)'}, or make ${t.name} protected or public (access:).` },
        ),
      );
    }
  }
  return out;
}

/** Where `n`'s template calls ref() with `name` as its model (the last string argument before any keyword): the first such call, read by the Jinja lexer; the file alone when none is found. */
function refLocation(n: GraphNode, name: string): SourceLocation {
  const file = n.originalFilePath;
  if (!('rawCode' in n) || typeof n.rawCode !== 'string') return { file };
  const t = { file, source: normaliseSource(n.rawCode) };
  let tokens;
  try {
    tokens = tokenize(t);
  } catch {
    return { file };
  }
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i]!.type !== 'name' || tokens[i]!.value !== 'ref' || tokens[i + 1]!.value !== '(') continue;
    const args: string[] = [];
    for (let j = i + 2; j < tokens.length && tokens[j]!.type === 'string'; j += 2) {
      args.push(String(tokens[j]!.value));
      if (tokens[j + 1]?.value !== ',') break;
    }
    if (args[args.length - 1] === name) {
      return { file, line: locate(t, tokens[i]!.pos).line };
    }
  }
  return { file };
}
