import { isDict, PyTuple } from '../jinja/py-values.ts';

/**
 * One of dbt's objects as templates see it (a run result in on-run-end's `results`, its node, a
 * timing): its fields as attributes (`r.node.name`) and `to_dict()`, the plain data of dbt's
 * dataclasses with nested objects as dicts (elementary uploads run results through it). Not a
 * mapping, as dbt's are not.
 */
export class DbtObject {
  [field: string]: unknown;
  constructor(fields: Record<string, unknown>) {
    Object.assign(this, fields);
  }
  to_dict(): Record<string, unknown> {
    return plain(this) as Record<string, unknown>;
  }
}

function plain(v: unknown): unknown {
  if (v instanceof DbtObject || isDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v) && !(v instanceof PyTuple)) return v.map(plain);
  return v;
}
