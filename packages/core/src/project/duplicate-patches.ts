import { diag, type Diagnostic } from '../diagnostics.ts';
import type { SchemaDecls } from './schema-yaml.ts';

/**
 * A model, seed, snapshot or analysis described by two YAML entries of one project is an error,
 * as in dbt ("two schema.yml entries for the same resource"): which description, columns and
 * tests would win is not something to guess. Reported at the second entry, naming both.
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
      const where = prev.file === p.file ? `twice in ${p.file} (lines ${prev.location.line ?? '?'} and ${p.location.line ?? '?'})` : `in ${prev.file}:${prev.location.line ?? ''} and ${p.file}:${p.location.line ?? ''}`;
      diagnostics.push(
        diag('SM_SCHEMA_YAML', `"${p.name}" is described under \`${key}:\` ${where}`, p.location, {
          hint: `A resource and its columns are described once: merge the two entries for ${p.name} into one and remove the other (dbt refuses this too).`,
        }),
      );
    }
  }
}
