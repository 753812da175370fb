import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { DispatchConfig, ProjectConfig } from '../types.ts';
import { parseYamlText, type YamlFile } from './yaml-file.ts';

const NOT_PROJECT_FILES = new Set(['profiles.yml', 'selectors.yml', 'packages.yml', 'dependencies.yml', 'profiles.yaml', 'selectors.yaml']);

/**
 * Which file is the project file: `sm_project.yml`, then `dbt_project.yml`, then the one
 * YAML file at the project root with a top-level `name` (so `streamify.yml` works).
 */
export function findProjectFile(dir: string): string | undefined {
  for (const f of ['sm_project.yml', 'dbt_project.yml']) if (existsSync(join(dir, f))) return f;
  if (!existsSync(dir)) return undefined;
  const candidates = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !NOT_PROJECT_FILES.has(f))
    .filter((f) => /^name\s*:/m.test(readFileSync(join(dir, f), 'utf8')));
  return candidates.length === 1 ? candidates[0] : undefined;
}

const str = (v: unknown, d: string) => (typeof v === 'string' && v ? v : d);
const strList = (v: unknown, d: string[]) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : d);

export function readProjectFile(dir: string, diagnostics: Diagnostic[]): { config: ProjectConfig; yaml: YamlFile } | undefined {
  const file = findProjectFile(dir);
  if (!file) {
    diagnostics.push(
      diag('SM_PROJECT_NOT_FOUND', `No project file found in ${dir}`, undefined, {
        hint: 'Run from a project directory or pass --project-dir; the project file is sm_project.yml, dbt_project.yml or one <name>.yml with a top-level `name:`.',
      }),
    );
    return undefined;
  }
  const yaml = parseYamlText(readFileSync(join(dir, file), 'utf8'), file, diagnostics);
  if (!yaml) return undefined;
  const d = (yaml.data ?? {}) as Record<string, unknown>;
  if (typeof d !== 'object' || Array.isArray(d) || typeof d.name !== 'string') {
    diagnostics.push(diag('SM_PROJECT_INVALID', 'The project file needs a top-level `name:`', { file, line: 1 }));
    return undefined;
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(d.name)) {
    diagnostics.push(diag('SM_PROJECT_INVALID', `Project name "${d.name}" must be letters, digits and underscores`, yaml.locate(['name'])));
  }
  const resourceConfigs: Record<string, Record<string, unknown>> = {};
  for (const k of ['models', 'seeds', 'snapshots', 'tests', 'data_tests', 'sources', 'unit_tests']) {
    const v = d[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) resourceConfigs[k === 'data_tests' ? 'tests' : k] = v as Record<string, unknown>;
  }
  const hooks = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
  const config: ProjectConfig = {
    name: d.name,
    profile: str(d.profile, d.name),
    version: String(d.version ?? '1.0.0'),
    modelPaths: strList(d['model-paths'] ?? d['source-paths'], ['models']),
    seedPaths: strList(d['seed-paths'] ?? d['data-paths'], ['seeds']),
    macroPaths: strList(d['macro-paths'], ['macros']),
    testPaths: strList(d['test-paths'], ['tests']),
    snapshotPaths: strList(d['snapshot-paths'], ['snapshots']),
    targetPath: str(d['target-path'], 'target'),
    vars: (d.vars && typeof d.vars === 'object' ? d.vars : {}) as Record<string, unknown>,
    resourceConfigs,
    onRunStart: hooks(d['on-run-start']),
    onRunEnd: hooks(d['on-run-end']),
    dispatch: dispatchOf(d.dispatch),
    packagesInstallPath: str(d['packages-install-path'], 'dbt_packages'),
    requireDbtVersion: strList(d['require-dbt-version'], []),
    file,
  };
  return { config, yaml };
}

/** dbt's `dispatch: [{macro_namespace: x, search_order: [a, b]}]`; malformed entries are left out here and reported by validation. */
function dispatchOf(v: unknown): DispatchConfig[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e) => {
    const ns = (e as Record<string, unknown> | null)?.macro_namespace;
    const order = (e as Record<string, unknown> | null)?.search_order;
    return typeof ns === 'string' && Array.isArray(order) ? [{ macroNamespace: ns, searchOrder: order.map(String) }] : [];
  });
}
