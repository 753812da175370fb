import type { GraphNode, ProjectConfig } from '../types.ts';
import type { RenderConfig } from './config-renderer.ts';
import { folderConfig, mergeConfigInto, tagList, unrenderedFolderConfig } from './folder-config.ts';

/** One project whose files are being loaded: the root project or an installed package. */
export interface Scope {
  /** Absolute directory of the project. */
  dir: string;
  /** Its files' path prefix relative to the root project: '' for the root, `dbt_packages/<dir>/` for a package. */
  prefix: string;
  config: ProjectConfig;
  /** Set for a package: the root project, whose config for the package's nodes wins over the package's own (as dbt). */
  root?: ProjectConfig | undefined;
  /**
   * Turn Jinja in schema YAML values (`materialized: "{{ var('mat') }}"`, a source's
   * `schema: "{{ target.schema }}"`) into values, with this project's vars as dbt does; values
   * without Jinja come back as they are. Identity when not given.
   */
  render?: RenderConfig | undefined;
}

type ResourceKind = 'models' | 'seeds' | 'snapshots' | 'analyses' | 'tests' | 'sources' | 'unit_tests';

/** What a node keeps of where its config came from: the root project's part, the place of its YAML's tags, and the config as written (dbt's unrendered_config). */
export interface ConfigLayers {
  rootConfig?: Record<string, unknown>;
  yamlTagSpan?: [at: number, count: number];
  unrenderedConfig?: Record<string, unknown>;
  unrenderedRootConfig?: Record<string, unknown>;
}

/**
 * A node's config as dbt computes it at load: its project's folder config for the fqn, then
 * the YAML patch's `config:`, then (for a package) the root project's config for the same fqn,
 * which wins. Returns the config and the root's part, which in-file `config()` must not beat,
 * and `layers`, to spread into the node.
 */
export function nodeConfig(s: Scope, kind: ResourceKind, parts: string[], patch: Record<string, unknown> | undefined, where: string): { config: Record<string, unknown>; rootConfig: Record<string, unknown> | undefined; layers: ConfigLayers } {
  const cfg = folderConfig(s.config.resourceConfigs[kind], s.config.name, parts);
  // dbt's unrendered_config: the project file's levels as written, then the YAML's config as rendered.
  const unrendered = unrenderedFolderConfig((s.config.unrenderedResourceConfigs ?? s.config.resourceConfigs)[kind], s.config.name, parts);
  const layers: ConfigLayers = { unrenderedConfig: unrendered };
  if (patch) {
    const own = tagList(cfg.tags).length;
    const given = (s.render ? s.render(patch, where) : patch) as Record<string, unknown>;
    mergeConfigInto(cfg, given);
    Object.assign(unrendered, given);
    const added = tagList(cfg.tags).length - own;
    if (added > 0) layers.yamlTagSpan = [own, added];
  }
  if (!s.root) return { config: cfg, rootConfig: undefined, layers };
  const over = folderConfig(s.root.resourceConfigs[kind], s.config.name, parts);
  if (!Object.keys(over).length) return { config: cfg, rootConfig: undefined, layers };
  mergeConfigInto(cfg, over);
  layers.rootConfig = over;
  layers.unrenderedRootConfig = unrenderedFolderConfig((s.root.unrenderedResourceConfigs ?? s.root.resourceConfigs)[kind], s.config.name, parts);
  return { config: cfg, rootConfig: over, layers };
}

/** dbt's `enabled: false` (or a rendered "False"): the node is left out of the project. */
export function isDisabled(cfg: Record<string, unknown>): boolean {
  const v = cfg.enabled;
  return v === false || (typeof v === 'string' && v.trim().toLowerCase() === 'false');
}

/** The node in a list of its own, or, when its config disables it, in `disabled` (the manifest lists it there) and none. */
export function listed<T extends GraphNode>(n: T, disabled: GraphNode[]): T[] {
  if (!isDisabled(n.config)) return [n];
  disabled.push(n);
  return [];
}

/**
 * Whether a model its folder or YAML config disables is left out before it is rendered. dbt
 * renders every model file, and the file's own `config(enabled=...)` (written there or in a
 * macro it calls) beats those; only the root project's config of a package's node beats the
 * file. A file with Jinja stays, as disabled, and its render decides.
 */
export function leftOutUnrendered(cfg: Record<string, unknown>, rootConfig: Record<string, unknown> | undefined, raw: string): boolean {
  if (!isDisabled(cfg)) return false;
  if ((rootConfig && isDisabled(rootConfig)) || !raw.includes('{{')) return true;
  cfg.enabled = false;
  return false;
}
