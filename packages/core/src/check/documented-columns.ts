import { closestNames, diag, type Diagnostic } from '../diagnostics.ts';
import type { ModelNode } from '../types.ts';
import type { SqlDialectName } from './sql/lexer.ts';
import type { KeyFn } from './relation-index.ts';
import { findCol, type Shape } from './infer/shape.ts';
import { clash, formatType, isKnown } from './types/sql-type.ts';
import { typeFromString } from './types/type-from-name.ts';
import { contractEnforced } from '../project/constraints.ts';

/**
 * A model against its YAML: every documented column must be selected, with the documented
 * type's family (warnings); under an enforced contract the columns must be exactly the YAML's,
 * each with a `data_type` (errors). Only for a model whose columns are all known.
 */
export function documentedColumnIssues(n: ModelNode, shape: Shape, dialect: SqlDialectName, key: KeyFn): Diagnostic[] {
  if (shape.open) return [];
  const out: Diagnostic[] = [];
  const contract = contractEnforced(n);
  const code = contract ? 'SM_CHECK_CONTRACT' : 'SM_CHECK_DOCUMENTED_COLUMN';
  // Without an enforced contract the YAML is documentation: out of date, the model still builds (a warning; --warn-error fails on it).
  const severity = contract ? 'error' : 'warning';
  const yamlFile = n.patchPath ?? n.originalFilePath;
  const selected = shape.cols.map((c) => c.name);
  const documented = new Set<string>();
  for (const c of Object.values(n.columns)) {
    const k = key(c.name, false);
    documented.add(k);
    const where = c.declaredAt ?? { file: yamlFile };
    const got = findCol(shape, k);
    if (!got) {
      const close = closestNames(c.name, selected);
      out.push(
        diag(code, `${n.name}: ${yamlFile} ${contract ? 'contracts' : 'documents'} column "${c.name}", which the model does not select`, where, {
          nodeId: n.uniqueId,
          severity,
          hint: close.length ? `Did the model rename it to ${close.map((x) => `"${x}"`).join(' or ')}? Fix the YAML or ${n.originalFilePath}.` : `The model selects: ${selected.join(', ')}.`,
        }),
      );
      continue;
    }
    if (contract && !c.dataType) {
      out.push(diag(code, `${n.name}: column "${c.name}" has no data_type, which an enforced contract needs`, where, { nodeId: n.uniqueId, hint: `Add data_type: ${formatType(got.type, dialect).toLowerCase()}.` }));
      continue;
    }
    if (!c.dataType) continue;
    const want = typeFromString(c.dataType, dialect);
    if (isKnown(want) && isKnown(got.type) && clash(want, got.type)) {
      out.push(
        diag(code, `${n.name}: ${yamlFile} ${contract ? 'contracts' : 'documents'} column "${c.name}" as ${c.dataType}, but the model selects ${formatType(got.type, dialect)}`, where, {
          nodeId: n.uniqueId,
          severity,
          hint: `Cast it in ${n.originalFilePath} or change the data_type.`,
        }),
      );
    }
  }
  if (contract) {
    for (const c of shape.cols) {
      if (documented.has(c.key)) continue;
      out.push(
        diag('SM_CHECK_CONTRACT', `${n.name}: the model selects column "${c.name}", which its enforced contract does not list`, { file: yamlFile }, {
          nodeId: n.uniqueId,
          hint: `Add it to the columns of ${n.name} in ${yamlFile} with its data_type (${formatType(c.type, dialect).toLowerCase()}), or stop selecting it.`,
        }),
      );
    }
  }
  return out;
}
