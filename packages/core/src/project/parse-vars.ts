import { yamlLib } from '../util/yaml-lib.ts';
import { diag, SmProjectError } from '../diagnostics.ts';

/** `--vars '{key: value}'`: YAML or JSON, a mapping. A key given twice takes its last value, as dbt 1.11's YAML reader (PyYAML) does. */
export function parseVarsArg(text: string | undefined, flag = '--vars', example = `'{lookback_hours: 3}'`): Record<string, unknown> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let v: unknown;
  try {
    v = yamlLib().parse(text, { uniqueKeys: false });
  } catch (e) {
    throw new SmProjectError([diag('SM_USAGE', `${flag} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, undefined, { hint: `Example: ${flag} ${example}` })]);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new SmProjectError([diag('SM_USAGE', `${flag} must be a mapping`, undefined, { hint: `Example: ${flag} ${example}` })]);
  }
  return v as Record<string, unknown>;
}
