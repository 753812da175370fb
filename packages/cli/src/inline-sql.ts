import { CTE_PREFIX, injectCtes, renderText, type Compilation, type LoadOptions, type TemplateMessage } from '@smsql/core';
import { usage } from './usage-error.ts';

/**
 * Render `--inline` text in the project's context, with the same Jinja a model file may use.
 * What it shows (`log(msg, info=True)`, `print`) goes to `say`. A ref to an ephemeral
 * model becomes a CTE, as in a model; a template error or a ref to nothing is a usage error.
 */
export function renderInline(c: Compilation, load: LoadOptions, text: string, say?: (m: TemplateMessage) => void): string {
  let sql: string;
  try {
    sql = renderText(c, load, text, say);
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).trim();
    throw usage(`--inline does not render: ${msg}`, 'Fix the Jinja in the --inline text; it accepts what a model file accepts.');
  }
  const missing = [...new Set([...sql.matchAll(/__sm_missing_ref__([A-Za-z0-9_]+)/g)].map((m) => m[1]!))];
  if (missing.length) {
    throw usage(`--inline refers to ${missing.map((m) => `"${m}"`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not a model, seed or snapshot`, 'List what exists with: sm ls --output name');
  }
  const ctes = [...new Set([...sql.matchAll(new RegExp(`${CTE_PREFIX}([A-Za-z0-9_]+)`, 'g'))].map((m) => m[1]!))];
  if (!ctes.length) return sql;
  const bodies: [string, string][] = [];
  for (const identifier of ctes) {
    const n = [...c.compiled.nodes.values()].find((x) => x.resourceType === 'model' && x.relation.identifier === identifier);
    if (n && 'compiledCode' in n && n.compiledCode !== undefined) bodies.push([`${CTE_PREFIX}${identifier}`, n.compiledCode]);
  }
  return injectCtes(sql, bodies);
}
