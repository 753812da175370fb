import { createHash } from 'node:crypto';
import type * as Yaml from 'yaml';
import { yamlLib } from '../util/yaml-lib.ts';
import { pyYamlLoad } from './pyyaml-load.ts';
import { DBT_COMPAT_VERSION } from '../project/dbt-version.ts';
import type { Context } from '../jinja/macro.ts';
import { NotJsonSerializable, PyDecimal } from '../jinja/py-decimal.ts';
import { floatRepr, isDict, pyJson, pyJsonParse, PyFloat, PySet, pyStr, PyTuple } from '../jinja/py-values.ts';
import { UTC } from '../jinja/py-datetime.ts';
import { datetimeModule, fromInstant, pytzModule } from '../jinja/py-datetime-module.ts';
import { itertoolsModule } from '../jinja/py-itertools.ts';
import { reModule } from '../jinja/py-re.ts';
import { call, doReturn, iter, pyFunction } from '../jinja/runtime.ts';
import { ControlSignal } from '../jinja/errors.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { publicTarget } from '../project/profiles.ts';
import { FRAME, type Frame } from './frame.ts';
import { CompilerError } from './template-diagnostic.ts';

export interface BuiltinOptions {
  project: LoadedProject;
  /** `target.database`: the target's, or the adapter's default (dbt-duckdb: the file's name). */
  defaultDatabase: string | undefined;
  /** dbt's `flags`. */
  flags: Record<string, unknown>;
  runStartedAt: Date;
  invocationId: string;
  /** The environment templates read (`env_var`, `dbt_metadata_envs`). */
  env: NodeJS.ProcessEnv;
  /** Called when a template reads something that differs from run to run (the clock, the invocation). */
  onVolatile: () => void;
}

/**
 * dbt's toyaml is PyYAML's safe_dump: YAML 1.1 (a string that reads back as a date, a time or
 * yes/no/on/off is quoted), sequences not indented under their key, single quotes, multi-line
 * strings quoted rather than as blocks. PyYAML's booleans are the words, not y/n.
 */
const PY_BOOL = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON|no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const PYYAML_STYLE = {
  version: '1.1',
  indentSeq: false,
  singleQuote: true,
  blockQuote: false,
  customTags: (tags: Yaml.Tags) => [PY_FLOAT, ...tags].map((t) => (typeof t === 'object' && !t.collection && t.tag === 'tag:yaml.org,2002:bool' ? ({ ...t, test: PY_BOOL } as Yaml.ScalarTag) : t)),
} as const satisfies Yaml.DocumentOptions & Yaml.SchemaOptions & Yaml.ToStringOptions;

/** A float as toyaml's value, written as PyYAML's safe_dump writes it (see {@link PY_FLOAT}). */
class YamlFloat {
  readonly v: number;
  constructor(v: number) {
    this.v = v;
  }
}

/**
 * PyYAML's float: Python's repr with a `.0` before a bare exponent (`1.0e+20`, `1.0e-07`),
 * `.inf`, `-.inf`, `.nan`; ints (a whole number that was not made a float) as their digits.
 */
const PY_FLOAT: Yaml.ScalarTag = {
  identify: (v) => v instanceof YamlFloat,
  tag: 'tag:yaml.org,2002:float',
  default: true,
  resolve: (s) => Number(s),
  stringify: (item) => {
    const x = (item.value as YamlFloat).v;
    if (Number.isNaN(x)) return '.nan';
    if (!Number.isFinite(x)) return x > 0 ? '.inf' : '-.inf';
    const r = floatRepr(x);
    return !r.includes('.') && r.includes('e') ? r.replace('e', '.0e') : r;
  },
};

/** A value for toyaml: its floats as PyYAML writes them, in dicts and lists too; a whole number past 1e21 as its digits. */
function pyYamlValue(v: unknown): unknown {
  if (v instanceof PyFloat) return new YamlFloat(v.v);
  // safe_dump cannot represent a Decimal: toyaml gives its default.
  if (v instanceof PyDecimal) throw new TypeError(`cannot represent an object: ${v.__repr__()}`);
  if (typeof v === 'number') return Number.isInteger(v) ? (Math.abs(v) >= 1e21 ? BigInt(v) : v) : new YamlFloat(v);
  if (Array.isArray(v)) return v.map(pyYamlValue);
  if (isDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pyYamlValue(x)]));
  return v;
}

/** Note what a template said for the render's caller to show; renders to nothing. */
function say(c: Context, msg: unknown, shown: boolean, print?: true): string {
  const f = (c as { [FRAME]?: Frame })[FRAME];
  if (shown && f) (f.said ??= []).push(print ? { message: pyStr(msg), print } : { message: pyStr(msg) });
  return '';
}

/** Mark the render reading `c` as depending on the clock or the environment. */
export function markVolatile(c: Context, onVolatile: () => void): void {
  const f = (c as { [FRAME]?: Frame })[FRAME];
  if (f) f.volatile = true;
  onVolatile();
}

/**
 * dbt's `flags`, as the render reading them sees them. Flags differ from command to command: a
 * render that reads one is not reused by another. Except a test reading STORE_FAILURES (dbt's
 * should_store_failures, which not_null calls): a test's render is reused only under the
 * project's input digest, which holds --store-failures (models' are also cached under a key
 * that does not).
 */
function flagsGetter(flags: Readonly<Record<string, unknown>>, onVolatile: () => void): (this: Context) => unknown {
  return function (this: Context) {
    const c = this;
    return new Proxy(flags, {
      get(t, k) {
        if (typeof k === 'string' && Object.hasOwn(t, k) && !(k === 'STORE_FAILURES' && (c as { [FRAME]?: Frame })[FRAME]?.node.resourceType === 'test')) markVolatile(c, onVolatile);
        return Reflect.get(t, k);
      },
    });
  };
}

/**
 * The names of dbt's context that do not depend on the node: target, project_name, flags,
 * run_started_at, invocation_id, log, print, exceptions, return, modules, zip and the
 * JSON/YAML helpers. Returned as the properties to define on the base context.
 */
export function dbtBuiltins(o: BuiltinOptions): PropertyDescriptorMap {
  const p = o.project;
  const t = p.target;
  const value = (v: unknown): PropertyDescriptor => ({ value: v, enumerable: true, writable: true });
  const volatileGetter = (get: () => unknown): PropertyDescriptor => ({
    get(this: Context) {
      markVolatile(this, o.onVolatile);
      return get();
    },
    enumerable: true,
  });
  const flagsValue = Object.freeze({ ...o.flags });
  let invocationArgs: Record<string, unknown> | undefined;
  // dbt's run_started_at: an aware UTC datetime.
  const startedAt = fromInstant(o.runStartedAt.getTime(), UTC);
  const raise = (msg: unknown): never => {
    throw new CompilerError(pyStr(msg));
  };
  // exceptions.<fn>(msg): the message positional or as msg=; without it, Python's TypeError as dbt 1.11 shows it (sm said "undefined").
  const msgOf = (fn: string, a: unknown[], kw: Record<string, unknown> | null | undefined): unknown => {
    if (a.length) return a[0];
    if (kw && 'msg' in kw) return kw.msg;
    return raise(`${fn}() missing 1 required positional argument: 'msg'`);
  };
  return {
    // dbt's target: the profile's fields but its secrets (dbt-snowflake's account, user, role, warehouse), then dbt's names.
    target: value(Object.freeze({ ...publicTarget(t), name: t.name, target_name: t.name, schema: t.schema, database: o.defaultDatabase, type: t.type, threads: t.threads, profile_name: p.config.profile })),
    project_name: value(p.config.name),
    dbt_version: value(DBT_COMPAT_VERSION),
    flags: { get: flagsGetter(flagsValue, o.onVolatile), enumerable: true },
    // dbt's invocation_args_dict: the invocation's flags by their lower-case names (dbt_artifacts
    // uploads it and updates it in place, so it is a plain dict). Neither the command line nor
    // --vars is in it: either may hold a secret.
    invocation_args_dict: volatileGetter(() => (invocationArgs ??= Object.fromEntries(Object.entries(flagsValue).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' && k === 'WHICH' ? v.toLowerCase() : v])))),
    // dbt's dbt_metadata_envs: the DBT_ENV_CUSTOM_ENV_ variables, without that prefix.
    dbt_metadata_envs: volatileGetter(() => Object.fromEntries(Object.entries(o.env).flatMap(([k, v]) => (k.startsWith('DBT_ENV_CUSTOM_ENV_') && v !== undefined ? [[k.slice(19), v]] : [])))),
    run_started_at: volatileGetter(() => startedAt),
    invocation_id: volatileGetter(() => o.invocationId),
    // dbt shows log(msg, info=True) and print(msg); a plain log(msg) goes to its debug log only.
    log: value(pyFunction((c, a, kw) => say(c, a[0], !!(kw?.info ?? a[1])))),
    print: value(pyFunction((c, a) => say(c, a[0], true, true))),
    return: value(pyFunction((_c, a) => doReturn(a[0]))),
    exceptions: value({
      raise_compiler_error: pyFunction((_c, a, kw) => raise(msgOf('raise_compiler_error', a, kw))),
      raise_not_implemented: pyFunction((_c, a, kw) => raise(`Not implemented: ${pyStr(msgOf('raise_not_implemented', a, kw))}`)),
      raise_database_error: pyFunction((_c, a, kw) => raise(`Database Error: ${pyStr(msgOf('raise_database_error', a, kw))}`)),
      raise_dependency_error: pyFunction((_c, a, kw) => raise(`Dependency Error: ${pyStr(msgOf('raise_dependency_error', a, kw))}`)),
      raise_fail_fast_error: pyFunction((_c, a, kw) => raise(`Failing early: ${pyStr(msgOf('raise_fail_fast_error', a, kw))}`)),
      missing_config: pyFunction((_c, a) => raise(`Model '${String((a[0] as { name?: unknown })?.name ?? a[0])}' does not define a required config parameter '${String(a[1])}'.`)),
      relation_wrong_type: pyFunction((_c, a) => raise(`Trying to create ${String(a[1])} ${String(a[0])}, but it currently exists as a ${String((a[0] as { type?: unknown })?.type)}.`)),
      column_type_missing: pyFunction((_c, a) => raise(`Contracted models require data_type to be defined for each column: ${String(a[0])}`)),
      warn: pyFunction(() => ''),
    }),
    modules: value({
      datetime: datetimeModule((c) => {
        markVolatile(c, o.onVolatile);
        return (c as { [FRAME]?: Frame })[FRAME]?.warehouse?.now() ?? Date.now();
      }),
      pytz: pytzModule(),
      re: reModule(),
      itertools: itertoolsModule(),
    }),
    zip: value(pyFunction((_c, a) => {
      const lists = a.map(iter);
      const n = Math.min(...lists.map((l) => l.length));
      return Array.from({ length: lists.length ? n : 0 }, (_, i) => PyTuple.fromArray(lists.map((l) => l[i])));
    })),
    tojson: value(pyFunction((_c, a, kw) => {
      try {
        return pyJson(a[0], !!(kw?.sort_keys ?? a[2]));
      } catch (e) {
        // json.dumps' TypeError (a Decimal) is not caught by dbt's tojson; its ValueError is.
        if (e instanceof NotJsonSerializable) throw e;
        return kw?.default ?? a[1] ?? null;
      }
    })),
    fromjson: value(pyFunction((_c, a, kw) => {
      try {
        return pyJsonParse(String(a[0]));
      } catch {
        return kw?.default ?? a[1] ?? null;
      }
    })),
    toyaml: value(pyFunction((_c, a, kw) => {
      try {
        return yamlLib().stringify(pyYamlValue(a[0]), { sortMapEntries: !!(kw?.sort_keys ?? a[2]), ...PYYAML_STYLE });
      } catch {
        return kw?.default ?? a[1] ?? null;
      }
    })),
    fromyaml: value(pyFunction((_c, a, kw) => {
      try {
        return pyYamlLoad(String(a[0]));
      } catch {
        return kw?.default ?? a[1] ?? null;
      }
    })),
    local_md5: value(pyFunction((_c, a) => createHash('md5').update(String(a[0])).digest('hex'))),
    set: value(pyFunction((_c, a, kw) => {
      try {
        return PySet.fromItems(iter(a[0]));
      } catch {
        return kw?.default ?? a[1] ?? null;
      }
    })),
    // dbt's strict forms raise where the plain ones give the default.
    set_strict: value(pyFunction((_c, a) => PySet.fromItems(iter(a[0])))),
    zip_strict: value(pyFunction((_c, a) => {
      const lists = a.map(iter);
      const n = Math.min(...lists.map((l) => l.length));
      return Array.from({ length: lists.length ? n : 0 }, (_, i) => PyTuple.fromArray(lists.map((l) => l[i])));
    })),
    try_or_compiler_error: value(pyFunction((c, a, kw) => {
      try {
        return call(c, a[1], a.slice(2), kw);
      } catch (e) {
        if (e instanceof ControlSignal) throw e;
        throw new CompilerError(String(a[0]));
      }
    })),
    try_set: value(pyFunction((_c, a) => {
      try {
        return PySet.fromItems(iter(a[0]));
      } catch {
        throw new CompilerError(`Couldn't set ${String(a[0])}`);
      }
    })),
  };
}
