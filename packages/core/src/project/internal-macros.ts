import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where dbt's built-in macros, written for sm, live: packages/core/macros/. */
export const INTERNAL_MACROS_DIR = join(import.meta.dirname, '..', '..', 'macros');

let cached: { file: string; sql: string }[] | undefined;

/**
 * The files of the internal `dbt` package (`dbt.date_trunc`, `dbt.type_string`, ...), sorted
 * by name, each with a display path (`<sm>/macros/<file>`) and its text. Read once per process:
 * they ship with sm and do not change while it runs.
 */
export function internalMacroFiles(): readonly { file: string; sql: string }[] {
  cached ??= readdirSync(INTERNAL_MACROS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ file: `<sm>/macros/${f}`, sql: readFileSync(join(INTERNAL_MACROS_DIR, f), 'utf8') }));
  return cached;
}
