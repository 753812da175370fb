import type { GraphNode, ModelNode, SeedNode, SourceNode } from '../types.ts';

/** A `given` input resolved to the node it stands in for. */
export interface ResolvedInput {
  /** As written: `ref('stg_users')`, `source('raw', 'events')`, `this`. */
  spec: string;
  node: ModelNode | SeedNode | SourceNode;
  /** `this`: the model's own relation, for incremental logic. */
  isThis: boolean;
}

const REF = /^\s*ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)\s*$/;
const SOURCE = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/;

/** Resolve `input:` of a given; throws a message that says what to write instead. */
export function resolveInput(spec: string, model: ModelNode, nodes: ReadonlyMap<string, GraphNode>, what: string): ResolvedInput {
  if (spec.trim() === 'this') return { spec, node: model, isThis: true };
  const r = REF.exec(spec);
  if (r) {
    const name = r[2] ?? r[1]!;
    const n = [...nodes.values()].find((x) => (x.resourceType === 'model' || x.resourceType === 'seed' || x.resourceType === 'snapshot') && x.name === name);
    if (!n) throw new Error(`${what}: input ${spec} names no model, seed or snapshot`);
    return { spec, node: n as ModelNode | SeedNode, isThis: false };
  }
  const s = SOURCE.exec(spec);
  if (s) {
    const n = [...nodes.values()].find((x) => x.resourceType === 'source' && x.sourceName === s[1] && x.name === s[2]);
    if (!n) throw new Error(`${what}: input ${spec} names no declared source table`);
    return { spec, node: n as SourceNode, isThis: false };
  }
  throw new Error(`${what}: input "${spec}" must be ref('model'), source('source', 'table') or this`);
}
