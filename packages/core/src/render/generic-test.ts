import { closestNames, diag, type Diagnostic } from '../diagnostics.ts';
import type { Environment } from '../jinja/environment.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { MacroNamespaces } from './macro-namespaces.ts';
import { JMacro, type Context } from '../jinja/macro.ts';
import { pyStr } from '../jinja/py-values.ts';
import type { SourceLocation, TestNode } from '../types.ts';
import { BUILTIN_TEST_USAGE } from './builtin-tests.ts';
import { INTERNAL_PACKAGE } from './macro-namespaces.ts';
import type { Frame } from './frame.ts';
import { ControlSignal } from '../jinja/errors.ts';
import type { TemplateRelation } from './relation.ts';
import { templateDiagnostic } from './template-diagnostic.ts';

const LOOKS_LIKE_CALL = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/s;

/**
 * A test argument as dbt hands it over: strings that look like `ref(...)`, `source(...)`,
 * `var(...)`, `env_var(...)` are evaluated, Jinja in strings renders natively (one expression
 * gives its value), lists and dicts are walked.
 */
function nativeArgument(r: GenericTestHost, v: unknown, c: Context, file: string): unknown {
  if (typeof v === 'string') return r.env.renderNative(LOOKS_LIKE_CALL.test(v) ? `{{ ${v} }}` : v, c, file);
  if (Array.isArray(v)) return v.map((x) => nativeArgument(r, x, c, file));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nativeArgument(r, x, c, file)]));
  return v;
}

/** What rendering a generic test needs of the renderer. */
export interface GenericTestHost {
  readonly project: LoadedProject;
  readonly macros: MacroNamespaces;
  readonly env: Environment;
  readonly diagnostics: Diagnostic[];
}

/**
 * A generic test's SQL: its test macro (`test_<name>`, resolved as dbt resolves it) called with
 * `model` (the attached node's relation, filtered by `where`) and the YAML's arguments, in the
 * test's own context. Arguments written `ref(...)`/`source(...)` are evaluated, as dbt does.
 */
export function renderGenericTest(r: GenericTestHost, t: TestNode, c: Context, frame: Frame, relationOf: (id: string) => TemplateRelation | undefined): string {
  const meta = t.testMetadata!;
  const loc: SourceLocation = t.declaredAt ?? { file: t.originalFilePath };
  const on = t.attachedNode?.split('.').slice(2).join('.');
  const macro = r.macros.testMacro(meta.name, t.packageName, meta.namespace);
  if (!macro) {
    const known = r.macros.entries.filter((e) => e.kind === 'test' || e.name.startsWith('test_')).map((e) => (e.packageName === 'dbt' || e.packageName === r.project.config.name ? e.name.slice(5) : `${e.packageName}.${e.name.slice(5)}`));
    const name = meta.namespace ? `${meta.namespace}.${meta.name}` : meta.name;
    r.diagnostics.push(
      diag('SM_TEST_INVALID', `Unknown test "${name}" on ${on}`, loc, {
        nodeId: t.uniqueId,
        atCompile: true,
        hint: `Known tests: ${closestNames(name, known).join(', ') || known.join(', ')}. Define it with {% test ${meta.name}(model, column_name) %} under macros/ or tests/generic/${meta.namespace ? `, or check that the package "${meta.namespace}" is installed (sm deps)` : ''}.`,
      }),
    );
    return '';
  }
  const entry = r.macros.entryOf(macro);
  // dbt passes an argument the YAML leaves out as undefined (packages rely on it: dbt_expectations'
  // `{% if compare_column_name %}`); only dbt's own tests, which cannot work without theirs, say so here.
  const builtin = entry?.packageName === INTERNAL_PACKAGE;
  const missing = builtin ? (entry?.params ?? []).filter((p) => !p.hasDefault && p.name !== 'model' && !(p.name in meta.kwargs)).map((p) => p.name) : [];
  if (missing.length) {
    const usage = BUILTIN_TEST_USAGE[meta.name];
    r.diagnostics.push(
      diag('SM_TEST_INVALID', `Test "${meta.name}" on ${on} is missing its argument${missing.length > 1 ? 's' : ''} ${missing.map((a) => `"${a}"`).join(' and ')}`, loc, {
        nodeId: t.uniqueId,
        atCompile: true,
        hint: missing.includes('column_name') ? 'Declare the test under a column, or pass column_name.' : usage ? `Write it as ${usage}` : `Add ${missing.map((a) => `\`${a}:\``).join(' and ')} under the test.`,
      }),
    );
    return '';
  }
  // dbt hands the test `get_where_subquery(relation)`: the relation, or a subquery with the test's `where`.
  const narrow = c.get_where_subquery;
  recordMacros(frame, macro, narrow);
  const relation: unknown = t.attachedNode ? (relationOf(t.attachedNode) ?? '') : '';
  const kwargs: Record<string, unknown> = {};
  try {
    const where = frame.config.where;
    kwargs.model = narrow instanceof JMacro ? narrow.invoke(c, [relation], null) : typeof where === 'string' && where ? `(select * from ${String(relation)} where ${where}) dbt_subquery` : relation;
    for (const [k, v] of Object.entries(meta.kwargs)) kwargs[k] = k === 'column_name' ? v : nativeArgument(r, v, c, t.originalFilePath);
    return pyStr(macro.invoke(c, [], kwargs));
  } catch (e) {
    if (e instanceof ControlSignal) throw e;
    r.diagnostics.push(templateDiagnostic(e, t.originalFilePath, t.uniqueId));
    return '';
  }
}

/**
 * A generic test's `depends_on.macros` as dbt 1.11 lists them: its test macro, then the
 * `get_where_subquery` its `model` argument is rendered through, except for dbt's own `unique`
 * and `not_null`, which dbt builds without rendering (recorded from dbt-core 1.11.16).
 */
function recordMacros(frame: Frame, test: JMacro, narrow: unknown): void {
  frame.macros.clear();
  const testId = test.meta.uniqueId;
  if (!testId) return;
  frame.macros.add(testId);
  if (testId === `macro.${INTERNAL_PACKAGE}.test_unique` || testId === `macro.${INTERNAL_PACKAGE}.test_not_null`) return;
  if (narrow instanceof JMacro && narrow.meta.uniqueId) frame.macros.add(narrow.meta.uniqueId);
}
