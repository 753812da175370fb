import { parse } from 'yaml';
import { diag, SmProjectError } from '../diagnostics.ts';

/** `--vars '{key: value}'`: YAML or JSON, a mapping. */
export function parseVarsArg(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let v: unknown;
  try {
    v = parse(text);
  } catch (e) {
    throw new SmProjectError([diag('SM_USAGE', `--vars is not valid YAML: ${(e as Error).message.split('\n')[0]}`, undefined, { hint: `Example: --vars '{start_date: "2026-11-01", lookback_hours: 3}'` })]);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new SmProjectError([diag('SM_USAGE', '--vars must be a mapping', undefined, { hint: `Example: --vars '{lookback_hours: 3}'` })]);
  }
  return v as Record<string, unknown>;
}
