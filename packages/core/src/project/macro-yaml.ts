import { diag, type Diagnostic } from '../diagnostics.ts';
import type { SourceLocation } from '../types.ts';
import type { YamlFile } from './yaml-file.ts';

/** A `macros:` entry of a schema YAML file (dbt's macro patch): what the manifest lists for the macro it names. */
export interface MacroPatchDecl {
  name: string;
  description: string;
  arguments: { name: string; type: string | null; description: string }[];
  /** `meta:` with `config: {meta:}` over it. */
  meta: Record<string, unknown>;
  docs: { show: boolean; node_color: string | null };
  /** The YAML file, relative to the project (with a package's prefix). */
  file: string;
  location: SourceLocation;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Read `macros:` of one schema YAML file with dbt's rules: each entry needs a `name`;
 * `arguments` is a list of entries each with a `name` (a `type` and `description` optional);
 * `docs` and `meta` may sit under `config:` too. A bad entry is an error naming the file and
 * line, as dbt's parse stops on it.
 */
export function readMacroPatches(y: YamlFile, list: unknown, diagnostics: Diagnostic[]): MacroPatchDecl[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    diagnostics.push(diag('SM_SCHEMA_YAML', '`macros:` must be a list of entries with `name:`', y.locate(['macros']), { hint: 'Write each macro as `- name: my_macro` with its description and arguments under it.' }));
    return [];
  }
  const out: MacroPatchDecl[] = [];
  list.forEach((m, i) => {
    const path = ['macros', i];
    const bad = (msg: string, at: (string | number)[] = []) => diagnostics.push(diag('SM_SCHEMA_YAML', msg, y.locate([...path, ...at]), { hint: 'Fix the `macros:` entry (name, description, arguments: [{name, type, description}], docs, meta).' }));
    if (!isObj(m) || typeof m.name !== 'string' || !m.name) return void bad('Each macro entry needs a `name:`');
    const what = `Macro "${m.name}"`;
    if (m.description != null && typeof m.description !== 'string') return void bad(`${what}: \`description:\` must be text`, ['description']);
    if (m.arguments != null && !Array.isArray(m.arguments)) return void bad(`${what}: \`arguments:\` must be a list of entries with \`name:\``, ['arguments']);
    const args: MacroPatchDecl['arguments'] = [];
    for (const [j, a] of ((m.arguments ?? []) as unknown[]).entries()) {
      if (!isObj(a) || typeof a.name !== 'string') return void bad(`${what}: each argument needs a \`name:\``, ['arguments', j]);
      args.push({ name: a.name, type: a.type == null ? null : String(a.type), description: typeof a.description === 'string' ? a.description : '' });
    }
    const config = isObj(m.config) ? m.config : {};
    for (const [k, v] of [['meta', m.meta], ['docs', m.docs], ['config.meta', config.meta], ['config.docs', config.docs]] as const) {
      if (v != null && !isObj(v)) return void bad(`${what}: \`${k}:\` must be a mapping`, k.split('.'));
    }
    const docs = { ...(isObj(m.docs) ? m.docs : {}), ...(isObj(config.docs) ? config.docs : {}) };
    out.push({
      name: m.name,
      description: typeof m.description === 'string' ? m.description : '',
      arguments: args,
      meta: { ...(isObj(m.meta) ? m.meta : {}), ...(isObj(config.meta) ? config.meta : {}) },
      docs: { show: docs.show !== false, node_color: typeof docs.node_color === 'string' ? docs.node_color : null },
      file: y.file,
      location: y.locate(path),
    });
  });
  return out;
}
