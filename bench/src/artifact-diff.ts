/**
 * Compare one artifact dbt wrote with the one sm wrote on a copy of the same project:
 *
 *   node bench/src/artifact-diff.ts DBT.json SM.json [run_results|sources|manifest|catalog]
 *
 * Prints every key path whose presence or JSON type differs (MISSING-IN-SM, EXTRA-IN-SM, TYPE),
 * each value that differs where values are deterministic (VALUE), the order of results and of
 * keys (ORDER; `args` left out, dbt writes it in a Python set's order), and results only one side
 * has. Times, ids, absolute paths, checksums and dbt_version are not compared. Strings are
 * compared without the target's database in relation names (`"dev".` — sm leaves it out on
 * DuckDB, on purpose) and with runs of whitespace as one space (sm trims compiled SQL).
 * run_results and sources match results by unique_id; manifest compares nodes, sources and unit
 * tests by id; anything else is walked whole. Exit 0 always: a report, not a check.
 */
import { readFileSync } from 'node:fs';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const IGNORED = /(started_at|completed_at|execution_time|elapsed_time|generated_at|invocation_id|invocation_started_at|snapshotted_at|max_loaded_at_time_ago_in_s|\.dbt_version$|created_at|root_path|project_dir|profiles_dir|\.log_path|target_path$|invocation_command|\.env\.|checksum)/;

const kind = (v: Json): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const shown = (v: Json | undefined): string => {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 160 ? `${s.slice(0, 160)}…` : s;
};
/** A string as compared: without the DuckDB database part of relation names, whitespace runs as one space. */
const comparable = (v: Json): Json => (typeof v === 'string' ? v.replaceAll('"dev".', '').replace(/\s+/g, ' ').trim() : v);

/** Every difference between `dbt` and `sm` under `path`, as report lines. */
export function differences(dbt: Json, sm: Json, path: string, out: string[] = []): string[] {
  const [a, b] = [kind(dbt), kind(sm)];
  if (a !== b) {
    out.push(`TYPE ${path}: dbt=${a} ${shown(dbt)} sm=${b} ${shown(sm)}`);
    return out;
  }
  if (a === 'object') {
    const [x, y] = [dbt as Obj, sm as Obj];
    for (const k of Object.keys(x)) if (!(k in y)) out.push(`MISSING-IN-SM ${path}.${k} (dbt=${shown(x[k])})`);
    for (const k of Object.keys(y)) if (!(k in x)) out.push(`EXTRA-IN-SM ${path}.${k} (sm=${shown(y[k])})`);
    const common = Object.keys(x).filter((k) => k in y);
    const order = Object.keys(y).filter((k) => k in x);
    if (path !== 'args' && common.join() !== order.join()) out.push(`ORDER ${path}: dbt=${common.join(',')} sm=${order.join(',')}`);
    for (const k of common) differences(x[k]!, y[k]!, `${path}.${k}`, out);
  } else if (a === 'array') {
    const [x, y] = [dbt as Json[], sm as Json[]];
    if (x.length !== y.length) out.push(`LEN ${path}: dbt=${x.length} sm=${y.length} dbt=${shown(x)} sm=${shown(y)}`);
    for (let i = 0; i < Math.min(x.length, y.length); i++) differences(x[i]!, y[i]!, `${path}[${i}]`, out);
  } else if (comparable(dbt) !== comparable(sm) && !IGNORED.test(path)) out.push(`VALUE ${path}: dbt=${shown(dbt)} sm=${shown(sm)}`);
  return out;
}

/** The differences of two results lists, matched by unique_id, and of their order. */
function resultDifferences(dbt: Obj[], sm: Obj[], out: string[]): void {
  const [ids, smIds] = [dbt.map((r) => String(r.unique_id)), sm.map((r) => String(r.unique_id))];
  if (ids.join() !== smIds.join()) out.push(`RESULT-ORDER dbt=${ids.join(',')}\n              sm=${smIds.join(',')}`);
  const bySm = new Map(sm.map((r) => [String(r.unique_id), r]));
  for (const r of dbt) {
    const s = bySm.get(String(r.unique_id));
    if (s) differences(r, s, `results[${String(r.unique_id)}]`, out);
    else out.push(`MISSING-RESULT ${String(r.unique_id)}`);
  }
  for (const id of smIds) if (!ids.includes(id)) out.push(`EXTRA-RESULT ${id}`);
}

/** The report for two artifacts of `artifact`'s kind. */
export function artifactDifferences(dbt: Obj, sm: Obj, artifact: string): string[] {
  const out: string[] = [];
  if (artifact === 'run_results' || artifact === 'sources') {
    differences(dbt.metadata!, sm.metadata!, 'metadata', out);
    if (artifact === 'run_results') differences(dbt.args ?? {}, sm.args ?? {}, 'args', out);
    resultDifferences((dbt.results ?? []) as Obj[], (sm.results ?? []) as Obj[], out);
  } else if (artifact === 'manifest') {
    differences(dbt.metadata!, sm.metadata!, 'metadata', out);
    for (const section of ['nodes', 'sources', 'unit_tests']) {
      const [x, y] = [(dbt[section] ?? {}) as Obj, (sm[section] ?? {}) as Obj];
      for (const id of Object.keys(x)) {
        if (y[id] === undefined) out.push(`MISSING ${section} ${id}`);
        else differences(x[id]!, y[id]!, `${section}[${id}]`, out);
      }
      for (const id of Object.keys(y)) if (x[id] === undefined) out.push(`EXTRA ${section} ${id}`);
    }
  } else differences(dbt, sm, artifact, out);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dbtPath, smPath, artifact = 'run_results'] = process.argv.slice(2);
  if (!dbtPath || !smPath) {
    console.error('usage: node bench/src/artifact-diff.ts DBT.json SM.json [run_results|sources|manifest|catalog]');
    process.exit(2);
  }
  const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Obj;
  const lines = artifactDifferences(read(dbtPath), read(smPath), artifact);
  console.log(lines.length ? lines.join('\n') : 'no differences');
}
