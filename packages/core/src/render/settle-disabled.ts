import type { Relation } from '../adapter.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { TemplateAst } from '../jinja/ast.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { isDisabled } from '../project/project-resources.ts';
import type { GraphNode, NodeConfig, TestNode } from '../types.ts';
import { parseLike, type ParseLikeHost } from './parse-like.ts';
import { lineOf, refPattern } from './where.ts';

/** What the end of a compile reads of the renderer to tell enabled nodes from disabled ones. */
export interface SettleHost {
  readonly project: LoadedProject;
  /** Every node rendered, by id. */
  readonly rendered: ReadonlyMap<string, GraphNode>;
  /** Every node loaded, by id. */
  readonly byId: ReadonlyMap<string, GraphNode>;
  /** Tests whose ref or source names nothing (ProjectHost `targetless`). */
  readonly targetless: Iterable<string>;
  readonly parseHost: ParseLikeHost;
  relationFor(node: GraphNode, config: NodeConfig): Relation;
}

/** The compile's nodes: the enabled ones, and what the manifest lists as disabled. */
export interface SettledNodes {
  nodes: Map<string, GraphNode>;
  disabled: GraphNode[];
  disabledTests: TestNode[];
}

/**
 * Once every render has decided, part the enabled nodes from the disabled ones as dbt does, and
 * settle `diagnostics` (changed in place) to match: a node its own file disables
 * (`{{ config(enabled=false) }}`) is left out with the tests on it; a test on a disabled node,
 * or whose ref or source names nothing, is disabled too (dbt keeps those among its nodes,
 * depending on what they found enabled); a disabled node's missing var, ref or source, or a
 * macro it calls that is not defined, is no error, and an enabled node's ref to a disabled one is.
 */
export function settleDisabled(h: SettleHost, diagnostics: Diagnostic[]): SettledNodes {
  const p = h.project;
  const off = new Set<string>();
  for (const [id, n] of h.rendered) if (n.config.enabled === false) off.add(id);
  const targetless = new Set(h.targetless);
  for (const t of p.tests) if (t.attachedNode && off.has(t.attachedNode)) targetless.add(t.uniqueId);
  for (const id of targetless) off.add(id);
  // dbt's parse gives a missing var None and resolves refs and sources of enabled nodes only; an
  // error it lets by until the node compiles (a macro a package lacks) is none for a node that never will.
  const unresolved = new Set(['SM_VAR_MISSING', 'SM_REF_NOT_FOUND', 'SM_SOURCE_NOT_FOUND']);
  // A test whose ref or source names nothing is disabled by dbt's parse, which lets a call of an undefined macro by
  // (ade-bench's f1008: dbt 1.11.16 warns, disables the test and exits 0; sm stopped the project with exit 2).
  const undefinedCall = (d: Diagnostic) => !!d.nodeId && targetless.has(d.nodeId) && d.code === 'SM_TEMPLATE_RENDER' && / is undefined\b/.test(d.message);
  const kept = diagnostics.filter((d) => !(d.severity === 'error' && d.nodeId && off.has(d.nodeId) && (unresolved.has(d.code) || d.atCompile || undefinedCall(d))));
  diagnostics.splice(0, diagnostics.length, ...kept, ...refsToDisabled(h, off), ...configTypes(h));
  const out: SettledNodes = { nodes: new Map(), disabled: [], disabledTests: [] };
  // Loading's: a test there that its own config leaves enabled is on a disabled node.
  for (const n of p.disabled) {
    const parsed = disabledAsParsed(h, n);
    // Enabled when dbt's parse named its schema (generate_schema_name's), disabled only once its target was found missing or disabled.
    if (parsed.resourceType === 'test' && !isDisabled(parsed.config)) out.disabledTests.push({ ...parsed, ...(n.resourceType === 'test' ? foundTargets(h, n, off) : {}), relation: h.relationFor(parsed, parsed.config), config: { ...parsed.config, enabled: false } });
    else out.disabled.push(parsed);
  }
  for (const n of [...p.models, ...p.seeds, ...p.sources, ...p.tests, ...p.unitTests, ...p.exposures, ...(p.semantic ?? [])]) {
    const r = h.rendered.get(n.uniqueId) ?? n;
    if (!off.has(n.uniqueId)) out.nodes.set(n.uniqueId, r);
    // It depends on what it found enabled, as dbt's does (a relationships test whose `to` is missing, on the model it tests).
    // A test its own config() disables is disabled whatever it refs: dbt resolves no ref of it.
    else if (targetless.has(n.uniqueId) && !isDisabled(r.configCall ?? {})) out.disabledTests.push({ ...(r as TestNode), config: { ...r.config, enabled: false }, dependsOn: { ...r.dependsOn, nodes: r.dependsOn.nodes.filter((d) => h.byId.has(d) && !off.has(d)) } });
    else out.disabled.push(r);
  }
  return out;
}

/**
 * A node loading found disabled as dbt's manifest lists it: its relation, and what dbt's parse
 * records of its text (literal refs and sources, the macros it calls); it depends on no node.
 */
function disabledAsParsed(h: SettleHost, n: GraphNode): GraphNode {
  if (n.resourceType !== 'model' && n.resourceType !== 'snapshot' && n.resourceType !== 'analysis' && n.resourceType !== 'seed' && n.resourceType !== 'test') return n;
  const relation = n.resourceType === 'test' ? {} : { relation: h.relationFor(n, n.config) };
  if (n.resourceType === 'seed') return { ...n, ...relation };
  const parsed = parseLike(n, () => quietAst(h.parseHost, n.rawCode, n.originalFilePath), h.parseHost);
  // A generic test refs the node it tests (or reads the source), its template aside.
  const generic = n.resourceType === 'test' && n.testMetadata ? n.dependsOn.nodes : undefined;
  const refs = generic ? generic.filter((d) => !d.startsWith('source.')).map((d) => d.split('.').pop()!) : parsed.refs;
  const sources = generic ? generic.filter((d) => d.startsWith('source.')).map((d) => d.split('.').slice(2) as [string, string]) : parsed.sources;
  return { ...n, ...relation, refs: refs.map((name) => ({ name })), sources, dependsOn: { nodes: [], macros: parsed.macros } };
}

/**
 * What a generic test set aside at loading (its node missing or disabled) refs and depends on, as dbt's
 * manifest keeps it among its nodes: its arguments' targets then its node (refs [a, ghost] for a
 * relationships test to a on a YAML entry no file defines), depending on those found enabled (dbt 1.11.16).
 */
function foundTargets(h: SettleHost, t: TestNode, off: ReadonlySet<string>): Pick<TestNode, 'refs' | 'sources' | 'dependsOn'> | undefined {
  if (!t.testMetadata) return undefined;
  const parsed = parseLike(t, () => undefined, h.parseHost);
  return { refs: parsed.refs.map((name) => ({ name })), sources: parsed.sources, dependsOn: { macros: parsed.macros, nodes: parsed.nodes.filter((d) => h.byId.has(d) && !off.has(d)) } };
}

/** A template parsed, or undefined when it does not parse (a disabled node's errors are not the project's). */
function quietAst(h: ParseLikeHost, text: string, file: string): TemplateAst | undefined {
  try {
    return h.parse(text, file);
  } catch {
    return undefined;
  }
}

/** An enabled model's ref to a node its render disabled: an error, as in dbt (said here, when every render has decided). */
function refsToDisabled(h: SettleHost, off: ReadonlySet<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [id, n] of h.rendered) {
    if (off.has(id) || n.resourceType === 'test' || !('dependsOn' in n)) continue;
    for (const dep of n.dependsOn.nodes) {
      const target = off.has(dep) ? h.byId.get(dep) : undefined;
      if (!target || dep === id) continue;
      out.push(
        diag('SM_REF_NOT_FOUND', `"${n.name}" refers to "${target.name}", which is disabled (its config sets enabled: false)`, { file: n.originalFilePath, line: lineOf('rawCode' in n ? n.rawCode : '', refPattern(target.name)) }, {
          nodeId: id,
          hint: `Enable ${target.originalFilePath}, or remove the ref.`,
        }),
      );
    }
  }
  return out;
}

/**
 * A node whose `enabled` is not true or false, wherever it was set (a `--vars` value given as
 * 'false' is text): dbt 1.11.16 refuses the project, exit 2 ("Parsing Error at path ['enabled']:
 * 'false' is not of type 'boolean'"), where sm took the text for a yes or a no. So is one whose
 * `materialized` is not text (recorded: `config(materialized=none)`, `=42` and dbt_project.yml's
 * `+materialized: null` are "Parsing Error at path ['materialized']: None is not of type 'string'",
 * exit 2), where sm failed the model at build with 'Unknown materialization "null"'.
 */
function configTypes(h: SettleHost): Diagnostic[] {
  const p = h.project;
  const out: Diagnostic[] = [];
  const shown = (v: unknown) => (typeof v === 'string' ? `the text ${JSON.stringify(v)}` : (JSON.stringify(v) ?? String(v)));
  for (const n of [...p.disabled, ...p.models, ...p.seeds, ...p.sources, ...p.tests, ...p.unitTests, ...p.exposures, ...(p.semantic ?? [])]) {
    const { enabled, materialized } = (h.rendered.get(n.uniqueId) ?? n).config as { enabled?: unknown; materialized?: unknown };
    if (enabled !== undefined && typeof enabled !== 'boolean') {
      out.push(
        diag('SM_CONFIG_INVALID', `${n.resourceType} "${n.name}": \`enabled\` must be true or false, not ${shown(enabled)}`, { file: n.originalFilePath }, {
          hint: "Set it to true or false where it is configured (a var from --vars is text when quoted: write {x: false}, not {x: 'false'}); dbt refuses the project as it is.",
        }),
      );
    }
    if (materialized !== undefined && typeof materialized !== 'string') {
      out.push(
        diag('SM_CONFIG_INVALID', `${n.resourceType} "${n.name}": \`materialized\` must be a name such as 'table' or 'view', not ${materialized === null ? 'none (null)' : shown(materialized)}`, { file: n.originalFilePath }, {
          hint: "Quote the name (config(materialized='table')), or leave materialized out for the folder's or the project's; dbt refuses the project as it is.",
        }),
      );
    }
  }
  return out;
}
