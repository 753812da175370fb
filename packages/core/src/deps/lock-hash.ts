import { createHash } from 'node:crypto';
import { yamlLib } from '../util/yaml-lib.ts';
import type { PackageSpec } from '../project/package-specs.ts';

/**
 * Python's `json.dumps(v, sort_keys=True)`: `, ` and `: ` separators, keys sorted, non-ASCII
 * escaped. dbt hashes packages.yml in this form, so the same bytes give the same hash here.
 */
export function pythonJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return `[${v.map(pythonJson).join(', ')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${pythonJson(k)}: ${pythonJson(o[k])}`).join(', ')}}`;
}

/** A declared spec as dbt's contract serialises it: rendered values, defaults, and the entry as written under `unrendered`. */
function contractDict(s: PackageSpec): Record<string, unknown> {
  const raw = s.raw;
  const rendered = (key: string, value: unknown) => (typeof raw[key] === 'string' ? value : raw[key]);
  const named = s.name !== undefined ? { name: s.name } : {};
  switch (s.kind) {
    case 'local':
      return { local: s.local, unrendered: raw, ...named };
    case 'git':
      return {
        git: s.git,
        revision: raw.revision === undefined ? null : rendered('revision', s.revision),
        'warn-unpinned': raw['warn-unpinned'] ?? raw.warn_unpinned ?? null,
        subdirectory: raw.subdirectory === undefined ? null : rendered('subdirectory', s.subdirectory ?? raw.subdirectory),
        unrendered: raw,
        ...named,
      };
    case 'hub':
      return { package: s.package, version: raw.version, install_prerelease: s.installPrerelease, unrendered: raw, ...named };
    case 'tarball':
      return { tarball: s.tarball, name: s.name, unrendered: raw };
  }
}

/** dbt's `sha1_hash` of the declared packages: changes exactly when packages.yml's entries change. */
export function packagesHash(specs: readonly PackageSpec[]): string {
  const lines = specs.map((s) => pythonJson(contractDict(s))).sort();
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}

/** package-lock.yml's text as dbt writes it: keys sorted, list items indented under their key. */
export function lockFileText(entries: readonly Record<string, unknown>[], hash: string): string {
  return yamlLib().stringify({ packages: entries, sha1_hash: hash }, { sortMapEntries: true, indentSeq: true, singleQuote: true, lineWidth: 0 });
}
