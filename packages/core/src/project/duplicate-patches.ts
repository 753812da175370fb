import { diag, type Diagnostic } from '../diagnostics.ts';
import type { SchemaDecls } from './schema-yaml.ts';

type Entry = { file: string; location: { line?: number } };

/** Where two entries of one name are: "twice in f (lines a and b)" or "in f:a and g:b". */
function twice(prev: Entry, p: Entry): string {
  return prev.file === p.file ? `twice in ${p.file} (lines ${prev.location.line ?? '?'} and ${p.location.line ?? '?'})` : `in ${prev.file}:${prev.location.line ?? ''} and ${p.file}:${p.location.line ?? ''}`;
}

/**
 * A model, seed, snapshot or analysis described by two YAML entries of one project is an error,
 * as in dbt ("two schema.yml entries for the same resource"): which description, columns and
 * tests would win is not something to guess. Reported at the second entry, naming both. So is a
 * source table declared twice.
 */
export function duplicatePatches(decls: SchemaDecls, diagnostics: Diagnostic[]): void {
  const kinds = [
    ['models', decls.models],
    ['seeds', decls.seeds],
    ['snapshots', decls.snapshots],
    ['analyses', decls.analyses],
  ] as const;
  for (const [key, patches] of kinds) {
    const first = new Map<string, (typeof patches)[number]>();
    for (const p of patches) {
      const prev = first.get(p.name);
      if (!prev) {
        first.set(p.name, p);
        continue;
      }
      diagnostics.push(
        diag('SM_SCHEMA_YAML', `"${p.name}" is described under \`${key}:\` ${twice(prev, p)}`, p.location, {
          hint: `A resource and its columns are described once: merge the two entries for ${p.name} into one and remove the other (dbt refuses this too).`,
        }),
      );
    }
  }
  duplicateSourceTables(decls, diagnostics);
}

/**
 * A table listed twice under one source (in one file or two) would be two sources of one id.
 * dbt 1.11.16 (recorded, error-fuzz 'yaml: source table named twice'): parse exit 2,
 * DuplicateResourceNameError "dbt found two sources with the name "app_app_events" ... change the
 * name of one of these resources: - source.efuzz.app.app_events (models/staging/sources.yml) - ...".
 * An `overrides:` entry names a package's table on purpose; a disabled entry builds nothing.
 */
function duplicateSourceTables(decls: SchemaDecls, diagnostics: Diagnostic[]): void {
  const first = new Map<string, SchemaDecls['sources'][number]>();
  for (const t of decls.sources) {
    if (t.overrides || t.config.enabled === false) continue;
    const key = `${t.sourceName}.${t.name}`;
    const prev = first.get(key);
    if (!prev) {
      first.set(key, t);
      continue;
    }
    diagnostics.push(
      diag('SM_SCHEMA_YAML', `Table "${t.name}" of source "${t.sourceName}" is declared ${twice(prev, t)}`, t.location, {
        hint: `source('${t.sourceName}', '${t.name}') must name one table: remove one entry, or give it another name (with identifier: for the same relation).`,
      }),
    );
  }
}
