import { diag, type Diagnostic } from '../diagnostics.ts';
import { RefIndex } from './ref-index.ts';
import type { ExposureNode, GraphNode, ModelNode, RefCall, SeedNode, SourceNode } from '../types.ts';
import { strList, type ExposureDecl } from './exposure-yaml.ts';
import type { Scope } from './project-resources.ts';
import { pathInResourceFolder } from './discover.ts';
import type { SchemaDecls } from './schema-yaml.ts';

/** One project's (root or package) exposure declarations, with what names its files' places. */
export interface ExposureScope {
  packageName: string;
  /** Prepended to the scope's file paths (a package's folder under the root project), or ''. */
  prefix: string;
  /** The folders a YAML file may sit in (model-paths, seed-paths, ...), relative to the scope. */
  resourcePaths: readonly string[];
  decls: readonly ExposureDecl[];
  /** The project file's `exposures:` config at an exposure's fqn (after the package name), the root project's over a package's own. */
  projectConfig?: ((fqnTail: readonly string[]) => Record<string, unknown>) | undefined;
}

/** A loaded project scope's exposure declarations and where its YAML files may sit. */
export function exposureScope(s: Scope, decls: SchemaDecls): ExposureScope {
  const c = s.config;
  return {
    packageName: c.name,
    prefix: s.prefix,
    resourcePaths: [...c.modelPaths, ...c.seedPaths, ...c.snapshotPaths, ...c.macroPaths, ...c.testPaths],
    decls: decls.exposures,
    projectConfig: (tail) => ({ ...levelConfig(c.resourceConfigs.exposures, c.name, tail), ...(s.root ? levelConfig(s.root.resourceConfigs.exposures, c.name, tail) : {}) }),
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The project file's config for an exposure, as dbt 1.11 settles it: down the tree (the project,
 * then each folder, then the exposure's name), a key set at a deeper level replaces the one above
 * it whole: `+meta` of a folder replaces the project's, it is not merged into it (recorded with
 * dbt-core 1.11.16, `packages/core/test/exposure-project-config.test.ts`).
 */
function levelConfig(tree: Record<string, unknown> | undefined, projectName: string, tail: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const take = (level: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(level)) if (k.startsWith('+') || !isObj(v)) out[k.replace(/^\+/, '')] = v;
  };
  if (!tree) return out;
  take(tree);
  let level: unknown = tree[projectName];
  for (const f of [undefined, ...tail]) {
    if (f !== undefined) level = isObj(level) ? level[f] : undefined;
    if (!isObj(level)) break;
    take(level);
  }
  return out;
}

/** An exposure's config: the project file's, its own `config:` over it key by key; its own `tags:` and `meta:` added. */
function settledConfig(s: ExposureScope, d: ExposureDecl, fqnTail: readonly string[]): { enabled: boolean; tags: string[]; meta: Record<string, unknown>; unrendered: Record<string, unknown> } {
  const unrendered = { ...(s.projectConfig?.(fqnTail) ?? {}), ...d.configAsWritten };
  return {
    enabled: unrendered.enabled !== false,
    tags: [...new Set([...d.ownTags, ...strList(unrendered.tags)])].sort(),
    meta: { ...d.ownMeta, ...(isObj(unrendered.meta) ? unrendered.meta : {}) },
    unrendered,
  };
}


const CALL = /^\s*(ref|source|metric)\s*\((.*)\)\s*$/s;
const ARG = /\s*(?:(\w+)\s*=\s*)?(?:'([^']*)'|"([^"]*)"|(\d+(?:\.\d+)?))\s*(?:,|$)/gy;

/** `ref('a')`, `ref("pkg", "a", v=2)`, `source('s', 't')`: the function and its arguments; undefined when it is none of these. */
export function parseDependsOn(text: string): { fn: 'ref' | 'source' | 'metric'; args: string[]; kwargs: Record<string, string> } | undefined {
  const m = CALL.exec(text);
  if (!m) return undefined;
  const args: string[] = [];
  const kwargs: Record<string, string> = {};
  const body = m[2]!.trim();
  ARG.lastIndex = 0;
  let pos = 0;
  while (pos < body.length) {
    const a = ARG.exec(body);
    if (!a || a.index !== pos) return undefined;
    const value = a[2] ?? a[3] ?? a[4]!;
    if (a[1]) kwargs[a[1]] = value;
    else args.push(value);
    pos = ARG.lastIndex;
  }
  return { fn: m[1] as 'ref' | 'source' | 'metric', args, kwargs };
}

/**
 * Exposure nodes with `depends_on` resolved to the nodes it names, as dbt does: `ref()` the way
 * models resolve it (own package, then root, then any), `source()` in the exposure's package
 * first. A name that matches nothing is an error naming the exposure and its file. Disabled
 * exposures (`config: {enabled: false}`) are left out and listed in `disabled`.
 */
export function exposureNodes(
  scopes: readonly ExposureScope[],
  rootName: string,
  found: { models: readonly ModelNode[]; seeds: readonly SeedNode[]; sources: readonly SourceNode[] },
  diagnostics: Diagnostic[],
  disabled: GraphNode[],
): ExposureNode[] {
  const refs = new RefIndex([...found.models, ...found.seeds], rootName);
  const out: ExposureNode[] = [];
  const seen = new Map<string, string>();
  for (const s of scopes) {
    for (const d of s.decls) {
      const uniqueId = `exposure.${s.packageName}.${d.name}`;
      const at = placed(s, d);
      if (!at.enabled) {
        // As dbt lists it: what it names, resolved to nothing.
        const calls = d.dependsOn.map(parseDependsOn).filter((c) => !!c);
        const refs = calls.filter((c) => c.fn === 'ref').map((c) => ({ name: c.args.at(-1)!, package: c.args.length === 2 ? c.args[0] : undefined, version: c.kwargs.v ?? c.kwargs.version }));
        disabled.push(exposureNode(s, d, uniqueId, at, { refs, sources: calls.filter((c) => c.fn === 'source').map((c) => c.args as [string, string]), metrics: calls.filter((c) => c.fn === 'metric').map((c) => c.args), nodes: [] }));
        continue;
      }
      const where = `Exposure '${uniqueId}' (${d.file})`;
      const first = seen.get(uniqueId);
      if (first !== undefined) {
        diagnostics.push(diag('SM_DUPLICATE_NODE', `${where}: an exposure of that name is already declared in ${first}`, d.location, { hint: 'Exposure names are unique within a project: rename one.' }));
        continue;
      }
      seen.set(uniqueId, d.file);
      const nodeRefs: RefCall[] = [];
      const nodeSources: [string, string][] = [];
      const metrics: string[][] = [];
      const refIds: string[] = [];
      const sourceIds: string[] = [];
      let ok = true;
      for (const text of d.dependsOn) {
        const call = parseDependsOn(text);
        if (!call || (call.fn === 'source' ? call.args.length !== 2 : call.args.length < 1 || call.args.length > 2)) {
          diagnostics.push(diag('SM_SCHEMA_YAML', `${where}: cannot read depends_on entry "${text}"`, d.location, { hint: "Write ref('model'), ref('package', 'model'), source('source', 'table') or metric('name')." }));
          ok = false;
          continue;
        }
        if (call.fn === 'metric') {
          metrics.push(call.args);
          continue;
        }
        if (call.fn === 'source') {
          const [src, tbl] = call.args as [string, string];
          const hit = found.sources.find((n) => n.packageName === s.packageName && n.sourceName === src && n.name === tbl) ?? found.sources.find((n) => n.sourceName === src && n.name === tbl);
          if (!hit) {
            diagnostics.push(diag('SM_SOURCE_NOT_FOUND', `${where} depends on a source named '${src}.${tbl}' which was not found`, d.location));
            ok = false;
            continue;
          }
          nodeSources.push([src, tbl]);
          if (!sourceIds.includes(hit.uniqueId)) sourceIds.push(hit.uniqueId);
          continue;
        }
        const [pkg, name] = call.args.length === 2 ? [call.args[0], call.args[1]!] : [undefined, call.args[0]!];
        const version = call.kwargs.v ?? call.kwargs.version;
        const hit = refs.resolve(name, pkg, s.packageName);
        if (!hit) {
          diagnostics.push(diag('SM_REF_NOT_FOUND', `${where} depends on a node named '${name}' which was not found`, d.location));
          ok = false;
          continue;
        }
        nodeRefs.push({ name, package: pkg, version });
        if (!refIds.includes(hit.uniqueId)) refIds.push(hit.uniqueId);
      }
      if (!ok) continue;
      // As dbt lists them: sources first, then refs.
      out.push(exposureNode(s, d, uniqueId, at, { refs: nodeRefs, sources: nodeSources, metrics, nodes: [...sourceIds, ...refIds] }));
    }
  }
  return out;
}

/** An exposure's fqn after its package's name: the folders of its YAML file within its resource folder, then its name. */
/** Where an exposure sits (its path within its resource folder; its fqn after the package's name: those folders, then its name) and its settled config. */
function placed(s: ExposureScope, d: ExposureDecl): ReturnType<typeof settledConfig> & { path: string; tail: string[] } {
  const path = pathInResourceFolder(s, d.file);
  const tail = [...path.split('/').slice(0, -1), d.name];
  return { path, tail, ...settledConfig(s, d, tail) };
}

function exposureNode(s: ExposureScope, d: ExposureDecl, uniqueId: string, at: ReturnType<typeof placed>, deps: { refs: RefCall[]; sources: [string, string][]; metrics: string[][]; nodes: string[] }): ExposureNode {
  const { path, tail, enabled, tags, meta, unrendered } = at;
  return {
    resourceType: 'exposure',
    uniqueId,
    name: d.name,
    packageName: s.packageName,
    originalFilePath: d.file,
    path,
    fqn: [s.packageName, ...tail],
    description: d.description,
    tags,
    meta,
    config: { enabled, tags, meta },
    unrenderedConfig: unrendered,
    columns: {},
    dependsOn: { nodes: deps.nodes, macros: [] },
    exposureType: d.exposureType,
    owner: d.owner,
    label: d.label,
    maturity: d.maturity,
    url: d.url,
    refs: deps.refs,
    sources: deps.sources,
    metrics: deps.metrics,
  };
}
