import { diag, type Diagnostic } from '../diagnostics.ts';
import { pyRepr } from '../jinja/py-values.ts';
import type { GraphNode } from '../types.ts';

/**
 * dbt 1.11 validates a node's final `enabled` as a boolean, enabled or not: a rendered text such
 * as "{{ 1 == 2 }}" (Jinja folds it to 'False') or a var that is text stops the parse with
 * "at path ['enabled']: 'False' is not of type 'boolean'" (exit 2), where sm read the text.
 */
export function enabledTypeDiagnostics(nodes: Iterable<GraphNode>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const n of nodes) {
    const v = n.config.enabled;
    if (v === undefined || v === null || typeof v === 'boolean') continue;
    out.push(
      diag('SM_CONFIG_INVALID', `${n.name}: at path ['enabled']: ${pyRepr(v)} is not of type 'boolean'`, { file: ('patchPath' in n && n.patchPath) || n.originalFilePath }, {
        nodeId: n.uniqueId,
        hint: "enabled must be true or false. Jinja over constants renders to text in YAML (\"{{ 1 == 2 }}\" is 'False'), and so does a var whose value is Jinja: end the expression with `| as_bool`.",
      }),
    );
  }
  return out;
}
