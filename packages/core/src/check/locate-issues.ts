import { diag, type Diagnostic } from '../diagnostics.ts';
import type { ModelNode, TestNode } from '../types.ts';
import type { SqlIssue } from './infer/infer-env.ts';
import { lineColumn } from './sql/lexer.ts';
import { TemplateMap } from './template-map.ts';

/**
 * Turn issues at offsets of compiled SQL into diagnostics at the template's line and column
 * when the text came from the template itself; text a macro or `{{ }}` produced is placed at
 * that tag, and the compiled file's line is given too.
 */
export function locateIssues(issues: readonly SqlIssue[], n: ModelNode | TestNode, sql: string, compiledPath: string, injected?: { from: number; to: number }): Diagnostic[] {
  if (!issues.length) return [];
  const map = new TemplateMap(n.rawCode, sql, injected);
  return issues.map((i) => {
    const at = map.position(i.pos);
    const compiled = lineColumn(sql, i.pos);
    const hint = at.exact ? i.hint : [i.hint, `The SQL comes from a macro or expression at this line; it is at line ${compiled.line} of ${compiledPath}.`].filter(Boolean).join(' ');
    return diag(i.code, `${n.name}: ${i.message}`, { file: n.originalFilePath, line: at.line, column: at.column }, { nodeId: n.uniqueId, hint, severity: i.severity ?? 'error' });
  });
}
