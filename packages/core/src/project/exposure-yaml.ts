import { diag, type Diagnostic } from '../diagnostics.ts';
import type { ExposureNode, SourceLocation } from '../types.ts';
import type { YamlFile } from './yaml-file.ts';

/** An `exposures:` entry of a schema YAML file, checked, its `depends_on` not yet resolved. */
export interface ExposureDecl {
  name: string;
  exposureType: ExposureNode['exposureType'];
  owner: ExposureNode['owner'];
  label: string | null;
  maturity: ExposureNode['maturity'];
  url: string | null;
  description: string;
  /** As written: `ref('x')`, `ref('pkg', 'x')`, `source('s', 't')`, `metric('m')`. */
  dependsOn: string[];
  /** Its own `tags:` and `meta:` (beside `config:`), which add to what the config settles. */
  ownTags: string[];
  ownMeta: Record<string, unknown>;
  /** Its `config:` as written: over the project file's `exposures:` config, dbt's `unrendered_config`. */
  configAsWritten: Record<string, unknown>;
  /** The YAML file, relative to the project (with a package's prefix). */
  file: string;
  location: SourceLocation;
}

const TYPES = ['dashboard', 'notebook', 'analysis', 'ml', 'application'] as const;
const MATURITIES = ['low', 'medium', 'high'] as const;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const strList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/**
 * Read `exposures:` of one schema YAML file, with dbt's rules: `name` (letters, digits and
 * underscores), `type` and `owner` (with `name` or `email`) are required; `maturity` is low,
 * medium or high. A bad entry is a diagnostic naming the file, line and the fix, and is left out.
 */
export function readExposures(y: YamlFile, list: unknown, diagnostics: Diagnostic[]): ExposureDecl[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    diagnostics.push(diag('SM_SCHEMA_YAML', '`exposures:` must be a list of entries with `name:`, `type:`, `owner:` and `depends_on:`', y.locate(['exposures'])));
    return [];
  }
  const out: ExposureDecl[] = [];
  list.forEach((e, i) => {
    const path = ['exposures', i];
    const bad = (msg: string, key?: string) => diagnostics.push(diag('SM_SCHEMA_YAML', msg, y.locate(key ? [...path, key] : path)));
    if (!isObj(e) || typeof e.name !== 'string') return void bad('Each exposure needs a `name:`');
    const what = `Exposure "${e.name}"`;
    if (!/^[A-Za-z0-9_]+$/.test(e.name)) return void bad(`${what}: a name may contain only letters, digits and underscores (put a display name in \`label:\`)`, 'name');
    if (!TYPES.includes(e.type as (typeof TYPES)[number])) return void bad(`${what}: \`type:\` must be one of ${TYPES.join(', ')}${e.type === undefined ? '' : `, not "${String(e.type)}"`}`, e.type === undefined ? undefined : 'type');
    if (!isObj(e.owner) || (e.owner.name == null && e.owner.email == null)) return void bad(`${what}: \`owner:\` needs a \`name:\` or an \`email:\``, e.owner === undefined ? undefined : 'owner');
    if (e.maturity != null && !MATURITIES.includes(e.maturity as (typeof MATURITIES)[number])) return void bad(`${what}: \`maturity:\` must be low, medium or high, not "${String(e.maturity)}"`, 'maturity');
    if (e.depends_on != null && !Array.isArray(e.depends_on)) return void bad(`${what}: \`depends_on:\` must be a list such as [ref('model'), source('src', 'table')]`, 'depends_on');
    const config = isObj(e.config) ? e.config : {};
    const { name: ownerName, email, ...ownerRest } = e.owner;
    out.push({
      name: e.name,
      exposureType: e.type as ExposureDecl['exposureType'],
      owner: { ...ownerRest, email: Array.isArray(email) ? email.map(String) : email == null ? null : String(email), name: ownerName == null ? null : String(ownerName) },
      label: e.label == null ? null : String(e.label),
      maturity: (e.maturity ?? null) as ExposureDecl['maturity'],
      url: e.url == null ? null : String(e.url),
      description: typeof e.description === 'string' ? e.description : '',
      dependsOn: ((e.depends_on as unknown[] | undefined) ?? []).map(String),
      ownTags: strList(e.tags),
      ownMeta: isObj(e.meta) ? e.meta : {},
      configAsWritten: config,
      file: y.file,
      location: y.locate(path),
    });
  });
  return out;
}
