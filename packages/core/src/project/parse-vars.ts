import { withPyBooleans, yamlLib } from '../util/yaml-lib.ts';
import { diag, SmProjectError } from '../diagnostics.ts';

/** `--vars '{key: value}'`: YAML or JSON, a mapping (an empty string is an error, as in dbt). A key given twice takes its last value, as dbt 1.11's YAML reader (PyYAML) does. */
export function parseVarsArg(text: string | undefined, flag = '--vars', example = `'{lookback_hours: 3}'`): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const invalid = (why: string) => new SmProjectError([diag('SM_USAGE', `${flag} is not valid YAML: ${why}`, undefined, { hint: `Example: ${flag} ${example}` })]);
  // dbt 1.11: "Invalid value for '--vars': String '' is not valid YAML", exit 2. An empty value is
  // most often a scheduler's template that rendered to nothing: running with defaults hides it.
  if (text.trim() === '') throw new SmProjectError([diag('SM_USAGE', `${flag} is empty`, undefined, { hint: `Give a mapping such as ${flag} ${example}, or leave ${flag} out.` })]);
  let v: unknown;
  try {
    const doc = yamlLib().parseDocument(text, { uniqueKeys: false, customTags: withPyBooleans });
    // A tag YAML does not know (!!python/name:...) is only a warning to the yaml package, printed by Node; dbt refuses it.
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw problem;
    v = doc.toJS();
  } catch (e) {
    throw invalid((e as Error).message.split('\n')[0]!);
  }
  // An anchor used inside itself (`{a: &x [*x]}`) makes a value that contains itself: no template can use it.
  try {
    JSON.stringify(v);
  } catch {
    throw invalid('a YAML anchor (&name) is used inside itself (*name), so the value never ends');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new SmProjectError([diag('SM_USAGE', `${flag} must be a mapping`, undefined, { hint: `Example: ${flag} ${example}` })]);
  }
  return v as Record<string, unknown>;
}
