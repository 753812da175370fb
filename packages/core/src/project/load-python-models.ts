import { basename } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { GraphNode, ModelNode } from '../types.ts';
import { discover } from './discover.ts';
import { byName, fileChecksum, fileNodeBase, folderParts, isDisabled, nodeConfig, type Scope } from './project-resources.ts';
import { pythonModelTemplate, readPythonModel } from './python-model.ts';
import { readSourceText } from './source-text.ts';
import type { SchemaDecls } from './schema-yaml.ts';

/**
 * dbt's Python models (`models/**\/*.py`, `def model(dbt, session)`) of one project, read from
 * their literal dbt.ref/source/config calls as dbt does (project/python-model.ts). `models`: the
 * SQL models loaded already (a name both define is a duplicate). A file that cannot be read is
 * an error naming it, and is added to `unreadable` (a ref() to it then says where to look).
 */
export function loadPythonModels(s: Scope, decls: SchemaDecls, models: readonly ModelNode[], diagnostics: Diagnostic[], disabled: GraphNode[], unreadable: string[]): ModelNode[] {
  const patches = byName(decls.models);
  const seen = new Map(models.map((m) => [m.uniqueId, m.originalFilePath]));
  const out: ModelNode[] = [];
  for (const f of discover(s.dir, s.config.modelPaths, ['.py'])) {
    const name = basename(f.rel, '.py');
    const id = `model.${s.config.name}.${name}`;
    const rel = s.prefix + f.rel;
    const prev = seen.get(id);
    if (prev) {
      diagnostics.push(diag('SM_DUPLICATE_NODE', `Two models are named "${name}": ${prev} and ${rel}`, { file: rel }, { hint: 'Model names are unique within a project; rename one file.' }));
      continue;
    }
    seen.set(id, rel);
    const py = readSourceText(f.abs, rel);
    const patch = patches.get(name);
    // dbt gives a Python model `materialized: table` as its YAML config unless its YAML sets one: over
    // the project file's (+materialized: incremental included), under its dbt.config() calls.
    const { config: cfg, layers } = nodeConfig(s, 'models', [...folderParts(f), name], { materialized: 'table', ...patch?.config }, patch?.file ?? rel);
    const calls = readPythonModel(py);
    const template = typeof calls === 'string' ? undefined : pythonModelTemplate(py, calls);
    const disable = isDisabled(typeof calls === 'string' ? cfg : { ...cfg, ...calls.config });
    if ((typeof calls === 'string' || template === undefined) && !disable) {
      unreadable.push(rel);
      diagnostics.push(diag('SM_PYTHON_MODEL', `${rel} is a Python model that cannot be read: ${typeof calls === 'string' ? calls : 'it contains {% endraw %}'}`, { file: rel }, { hint: 'Fix the file, or disable the model (enabled: false in its YAML).' }));
      continue;
    }
    // dbt builds a Python model as a table unless it says incremental (a view cannot hold a DataFrame).
    if (cfg.materialized === undefined || cfg.materialized === 'view') cfg.materialized = 'table';
    if (disable) cfg.enabled = false;
    (disable ? disabled : out).push({
      uniqueId: id,
      resourceType: 'model',
      ...fileNodeBase(s, f, name, patch, cfg, layers),
      tags: [],
      rawCode: template ?? '',
      pythonCode: py,
      relation: { schema: '', identifier: name },
      refs: [],
      sources: [],
      checksum: fileChecksum(py),
    });
  }
  return out;
}
