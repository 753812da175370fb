import { join } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { GraphNode, ProjectConfig } from '../types.ts';
import { readSourceText } from './source-text.ts';
import { parseYamlText } from './yaml-file.ts';

/** The project file's resource keys (as sm keeps them) and the resource type each configures, in dbt's order. */
const KINDS: readonly (readonly [configKey: string, written: readonly string[], dbtKey: string, resourceTypes: readonly string[]])[] = [
  ['models', ['models'], 'models', ['model']],
  ['seeds', ['seeds'], 'seeds', ['seed']],
  ['snapshots', ['snapshots'], 'snapshots', ['snapshot']],
  ['sources', ['sources'], 'sources', ['source']],
  ['tests', ['data_tests', 'tests'], 'data_tests', ['test']],
  ['unit_tests', ['unit_tests'], 'unit_tests', ['unit_test']],
  ['metrics', ['metrics'], 'metrics', ['metric']],
  ['semantic-models', ['semantic-models'], 'semantic_models', ['semantic_model']],
  ['saved-queries', ['saved-queries'], 'saved_queries', ['saved_query']],
  ['exposures', ['exposures'], 'exposures', ['exposure']],
];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** dbt's config paths of one tree: a level holding a `+key` or a value that is no mapping is a path. */
function configPaths(tree: Record<string, unknown>, path: readonly string[] = [], out: string[][] = []): string[][] {
  let added = false;
  for (const [k, v] of Object.entries(tree)) {
    if (isObj(v) && !k.startsWith('+')) configPaths(v, [...path, k], out);
    else if (!added) {
      out.push([...path]);
      added = true;
    }
  }
  return out;
}

/**
 * dbt 1.11's UnusedResourceConfigPath: a folder or project under `models:` (`seeds:`, ...) of the
 * root project file that is the start of no node's fqn of that type (nor of any disabled node's),
 * almost always a typo that leaves its configs applied to nothing (a `+materialized: table` that
 * builds views). One warning listing them, each with its line; --warn-error makes it an error.
 */
export function warnUnusedConfigPaths(dir: string, config: ProjectConfig, nodes: readonly GraphNode[], disabled: readonly GraphNode[], diagnostics: Diagnostic[]): void {
  const disabledFqns = disabled.map((n) => n.fqn);
  const unused: { name: string; path: string[]; written: readonly string[] }[] = [];
  for (const [configKey, written, dbtKey, types] of KINDS) {
    const tree = config.resourceConfigs[configKey];
    if (!tree) continue;
    const fqns = [...nodes.filter((n) => types.includes(n.resourceType)).map((n) => n.fqn), ...disabledFqns];
    for (const path of configPaths(tree)) {
      if (fqns.some((f) => path.length <= f.length && path.every((p, i) => f[i] === p))) continue;
      unused.push({ name: [dbtKey, ...path].join('.'), path, written });
    }
  }
  if (!unused.length) return;
  const yaml = projectYaml(dir, config.file);
  const top = isObj(yaml?.data) ? yaml.data : {};
  const lineOf = (u: (typeof unused)[number]) => yaml?.locate([u.written.find((w) => w in top) ?? u.written[0]!, ...u.path]).line;
  const list = unused.map((u) => `- ${u.name}${lineOf(u) === undefined ? '' : ` (line ${lineOf(u)})`}`).join('\n');
  diagnostics.push(
    diag('SM_PROJECT_INVALID', `Configuration paths exist in ${config.file} which do not apply to any resources.\nThere ${unused.length === 1 ? 'is 1 unused configuration path' : `are ${unused.length} unused configuration paths`}:\n${list}`, { file: config.file, line: lineOf(unused[0]!) }, {
      severity: 'warning',
      event: 'UnusedResourceConfigPath',
      eventData: { unused_config_paths: unused.map((u) => u.name) },
      hint: 'Each level under the resource key names the project (or a package), then folders: correct a misspelt name, or remove what configures nothing.',
    }),
  );
}

/** The project file again, for the lines of its keys (the config kept is rendered and has none). */
function projectYaml(dir: string, file: string) {
  try {
    return parseYamlText(readSourceText(join(dir, file), file), file, []);
  } catch {
    return undefined;
  }
}
