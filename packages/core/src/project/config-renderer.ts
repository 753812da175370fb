import type { TargetConfig } from '../adapter.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { ColumnInfo, ProjectConfig } from '../types.ts';
import { pyStr } from '../jinja/py-values.ts';
import { renderDeep, ValueRenderError, type ValueContext } from './render-value.ts';

/** Hooks are rendered when they run, not when the project loads (dbt defers them too). */
const DEFERRED = /^\+?(pre|post)[-_]hook$/;

/** Render Jinja in config values for one context; problems become diagnostics at `file`. */
export type RenderConfig = (value: unknown, file: string) => unknown;

/**
 * A renderer of YAML config values as dbt's: `env_var()`, `var()` from `vars` and `target`,
 * results native (`"{{ var('on', false) }}"` is false). A missing variable or a template error
 * is a diagnostic naming the file.
 */
export function configRenderer(env: NodeJS.ProcessEnv, vars: Record<string, unknown>, target: TargetConfig, diagnostics: Diagnostic[], onEnvRead?: ValueContext['onEnvRead']): RenderConfig {
  const targetCtx = { ...target, target_name: target.name };
  return (value, file) => {
    const ctx: ValueContext = {
      env,
      vars,
      target: targetCtx,
      onEnvRead,
      onMissingEnv: (n) => diagnostics.push(diag('SM_ENV_VAR_MISSING', `Environment variable ${n} is not set (read in ${file})`, { file }, { hint: `export ${n}=... or give env_var('${n}', 'default') a default.` })),
      onMissingVar: (n) => diagnostics.push(diag('SM_VAR_MISSING', `var("${n}") has no value and no default (read in ${file})`, { file }, { hint: `Pass --vars '{${n}: ...}', set it under vars:, or give var() a default.` })),
    };
    try {
      return renderDeep(value, ctx, (path) => typeof path[path.length - 1] === 'string' && DEFERRED.test(path[path.length - 1] as string));
    } catch (e) {
      if (!(e instanceof ValueRenderError)) throw e;
      diagnostics.push(diag('SM_TEMPLATE_RENDER', `A config value in ${file} could not be rendered: ${e.message}`, { file }));
      return value;
    }
  };
}

/**
 * The project file's folder configs (`models:`, `seeds:`, ... with `+materialized`, `+enabled`,
 * ...) rendered as dbt renders dbt_project.yml: with `--vars` only (the project's own `vars:`
 * are not visible there, as in dbt), `env_var()` and `target`. Hooks stay as written.
 */
export function renderProjectConfigs(config: ProjectConfig, render: RenderConfig): ProjectConfig {
  const text = JSON.stringify(config.resourceConfigs);
  if (!text.includes('{{') && !text.includes('{%')) return config;
  return { ...config, resourceConfigs: render(config.resourceConfigs, config.file) as ProjectConfig['resourceConfigs'], unrenderedResourceConfigs: config.resourceConfigs };
}

/**
 * Columns with Jinja in their properties rendered as dbt renders schema YAML at parse
 * (`data_type: "{{ 'UInt8' if target.type == 'clickhouse' else 'int' }}"`); descriptions and
 * tests are not rendered here, as in dbt. The same object when nothing has Jinja.
 */
export function renderColumns(render: RenderConfig | undefined, columns: Record<string, ColumnInfo>, file: string): Record<string, ColumnInfo> {
  if (!render) return columns;
  const jinja = (v: unknown) => /\{[{%]/.test(typeof v === 'string' ? v : JSON.stringify(v) ?? '');
  if (!Object.values(columns).some((c) => jinja(c.dataType) || jinja(c.meta) || jinja(c.tags))) return columns;
  const out: Record<string, ColumnInfo> = {};
  for (const [k, c] of Object.entries(columns)) {
    const r = { ...c };
    if (jinja(c.dataType)) r.dataType = String(render(c.dataType, file));
    if (jinja(c.meta)) r.meta = render(c.meta, file) as Record<string, unknown>;
    if (jinja(c.tags)) r.tags = (render(c.tags, file) as unknown[]).map(String);
    out[k] = r;
  }
  return out;
}

/**
 * A node's `meta:` from schema YAML as dbt renders it: Jinja in its strings rendered to text
 * (`"{{ 1 + 1 }}"` is '2', not 2), everything else as written.
 */
export function renderMeta(render: RenderConfig | undefined, meta: Record<string, unknown> | undefined, file: string): Record<string, unknown> {
  if (!meta || !render || !/\{[{%]/.test(JSON.stringify(meta))) return meta ?? {};
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!/\{[{%]/.test(v)) return v;
      const r = render(v, file);
      return typeof r === 'string' ? r : pyStr(r);
    }
    if (Array.isArray(v)) return v.map(walk);
    return v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v;
  };
  return walk(meta) as Record<string, unknown>;
}
