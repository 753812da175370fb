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

/**
 * A node's `config` in a run result (on-run-end's `results[i].node.config`): dbt's config
 * object, where a key it lacks reads as None (`config.full_refresh` of a test, whose config has
 * no such field: dbt_artifacts falls back to `flags.FULL_REFRESH` on that None), by attribute,
 * by `[key]` and by `get(key)`. The graph's nodes stay plain dicts, as dbt's are.
 */
export class DbtConfig extends DbtObject {
  __getattr__(): null {
    return null;
  }
  __getitem__(key: unknown): unknown {
    return typeof key === 'string' && Object.hasOwn(this, key) ? this[key] : null;
  }
  get(key: unknown, dflt: unknown = null): unknown {
    return typeof key === 'string' && Object.hasOwn(this, key) ? this[key] : dflt;
  }
}

function plain(v: unknown): unknown {
  if (v instanceof DbtObject || isDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v) && !(v instanceof PyTuple)) return v.map(plain);
  return v;
}
