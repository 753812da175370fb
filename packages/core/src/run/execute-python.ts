import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RelationInfo } from '../adapter.ts';
import { nodeHooks, withHooks } from '../plan/hooks.ts';
import { CompilerError } from '../render/template-diagnostic.ts';
import { incrementalConfigError, isIncrementalRun, planIncremental, planTable } from '../plan/plan.ts';
import { resolvedOf } from '../project/python-model.ts';
import { CTE_PREFIX } from '../render/inject-ctes.ts';
import type { ModelNode } from '../types.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';
import { printedRelationName } from '../render/relation.ts';

/**
 * A dbt Python model on DuckDB. dbt-duckdb runs `model(dbt, session)` in its own process, on the
 * database's connection; sm's database is open in Node, so the model runs in a Python process of
 * its own (`SM_PYTHON`, else `python3`, with the `duckdb` package) on files: each parent the model
 * refs is copied to Parquet, `dbt.ref()`/`dbt.source()` read those with DuckDB, and what `model`
 * returns (a DuckDB relation, a pandas or polars DataFrame, an Arrow table) is written to Parquet
 * and becomes the model's table through the same plans as a SQL model's query: an atomic
 * replace, or for an incremental model its strategy (merge on unique_key, append,
 * delete+insert), with `dbt.is_incremental` true and `dbt.this` readable in `session` (a copy of
 * the table) when the table exists. The files live in a temporary folder removed afterwards.
 */
export async function executePython(m: ModelNode, x: NodeContext, existing: RelationInfo | undefined): Promise<ExecOutcome> {
  const where = `${m.name} (${m.originalFilePath})`;
  const mat = m.config.materialized;
  if (mat !== 'table' && mat !== 'incremental') throw new Error(`${where} is a Python model materialized as ${String(mat)}: a Python model is a table or incremental (as in dbt).`);
  if (mat === 'incremental') {
    const bad = incrementalConfigError(m) ?? (m.config.incremental_strategy === 'microbatch' ? `${where}: sm does not run a Python model as microbatch; use a SQL model or another incremental strategy.` : undefined);
    if (bad) throw new CompilerError(bad);
  }
  // As dbt's: incremental when the table exists and no full refresh is asked; then the model may read it through dbt.this.
  const incremental = isIncrementalRun(m, existing, x.plan);
  const rendered = m.compiledCode ?? '';
  const resolved = resolvedOf(rendered);
  const ephemeral = Object.entries(resolved.refs).find(([, rel]) => rel.startsWith(CTE_PREFIX));
  if (ephemeral) throw new Error(`${where} refs the ephemeral model ${ephemeral[0]}: a Python model reads relations, and an ephemeral model is none (dbt fails on it too). Materialize ${ephemeral[0]} as a view or table.`);
  const path = x.compiled(rendered);
  // The files go through the dialect's Parquet statements (the external models' own); a warehouse without them cannot run one.
  const d = x.run.adapter.dialect;
  const parquet = <T>(f: () => T): T => {
    try {
      if (!d.copyToParquet || !d.readParquet) throw new Error('no Parquet');
      return f();
    } catch {
      throw new Error(`${where} is a Python model: sm runs one on Parquet copies of its refs, which the ${d.name} adapter cannot write (dbt-${d.name} runs Python models on the warehouse's own Python).`);
    }
  };
  const dir = mkdtempSync(join(tmpdir(), 'sm-python-'));
  try {
    const out = join(dir, 'model.parquet');
    // What the model returns, applied as a SQL model's query would be: replaced, or merged/appended by its strategy.
    const query = parquet(() => d.readParquet!(out));
    const copy = (sql: string, file: string) => parquet(() => d.copyToParquet!(sql, file, []));
    const files = async (rels: Record<string, string>, kind: string): Promise<Record<string, string>> => {
      const out: Record<string, string> = {};
      let i = 0;
      for (const [key, relation] of Object.entries(rels)) {
        const file = join(dir, `${kind}${i++}.parquet`);
        await x.exec(copy(`select * from ${relation}`, file));
        out[key] = file;
      }
      return out;
    };
    let thisFile: string | undefined;
    if (incremental) {
      thisFile = join(dir, 'this.parquet');
      await x.exec(copy(`select * from ${resolved.this}`, thisFile));
    }
    const spec = {
      file: resolve(x.run.project.dir, m.originalFilePath),
      refs: await files(resolved.refs, 'ref'),
      sources: await files(resolved.sources, 'source'),
      this: resolved.this,
      this_parts: nameParts(resolved.this),
      this_file: thisFile ?? null,
      is_incremental: incremental,
      config: jsonSafe(m.config),
      out,
    };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    writeFileSync(join(dir, 'harness.py'), HARNESS);
    await runPython(where, [join(dir, 'harness.py'), join(dir, 'spec.json')], x.run.signal);
    const plan = incremental ? planIncremental(m, query, existing!.columns, x.plan) : planTable(m, query, existing, x.plan);
    const rows = (await x.runPlan(withHooks(plan, nodeHooks(m), x.plan.capabilities), incremental)).rows;
    await x.remember(m.relation, undefined);
    return {
      status: 'success',
      message: incremental ? `+${rows} rows` : 'CREATE TABLE',
      relationName: printedRelationName(m.relation, d, x.run.project.target),
      compiledPath: path,
      compiledCode: rendered,
      rowsAffected: incremental ? rows : undefined,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `"db"."main"."t"` as its parts, database first (none when the name has two). */
function nameParts(printed: string): [string | null, string, string] {
  const parts = [...printed.matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!));
  const [a, b, c] = parts;
  return parts.length >= 3 ? [a!, b!, c!] : [null, parts.length === 2 ? a! : 'main', (parts.length === 2 ? b : a)!];
}

/** Config values as JSON can carry them (dbt.config.get reads them). */
function jsonSafe(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) ?? 'null');
}

function runPython(where: string, args: string[], signal: AbortSignal | undefined): Promise<void> {
  const python = process.env.SM_PYTHON || 'python3';
  return new Promise((done, fail) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err = (err + b.toString('utf8')).slice(-8000);
    });
    child.stdout.resume();
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') fail(new Error(`${where} is a Python model, and there is no ${python} to run it: install Python 3 with the duckdb package, or set SM_PYTHON to a Python that has it.`));
      else fail(e);
    });
    child.on('close', (code) => {
      if (code === 0) return done();
      const lines = err.trim().split('\n');
      if (code === 3) return fail(new Error(lines.at(-1) ?? `${python} has no duckdb package`));
      fail(new Error(`${where} failed in Python (exit ${code}):\n${lines.slice(-12).join('\n')}`));
    });
  });
}

/** The process a Python model runs in: dbt's `dbt` object over the Parquet files, then the result to Parquet. */
const HARNESS = String.raw`import json, sys
spec = json.load(open(sys.argv[1]))
try:
    import duckdb
except ImportError:
    sys.stderr.write("This Python model needs the duckdb package in " + sys.executable + ": pip install duckdb (or set SM_PYTHON to a Python that has it).\n")
    sys.exit(3)

con = duckdb.connect()


class _Config:
    def __init__(self, values):
        self._values = values

    def __call__(self, *args, **kwargs):
        return ""

    def get(self, key, default=None):
        return self._values.get(key, default)


class _Dbt:
    def __init__(self):
        self.config = _Config(spec["config"])
        self.this = spec["this"]
        self.is_incremental = spec["is_incremental"]

    def ref(self, *args, **kwargs):
        path = spec["refs"].get(".".join(args)) or spec["refs"].get(args[-1])
        if path is None:
            raise KeyError("dbt.ref%r: sm reads the refs a Python model makes from its literal dbt.ref() calls, and found no such call" % (args,))
        return con.read_parquet(path)

    def source(self, source_name, table_name):
        path = spec["sources"].get(source_name + "." + table_name)
        if path is None:
            raise KeyError("dbt.source(%r, %r): sm reads the sources a Python model reads from its literal dbt.source() calls, and found no such call" % (source_name, table_name))
        return con.read_parquet(path)


def _expose(parts, path):
    # The model's own table, readable in session under the name dbt.this prints.
    q = lambda s: '"' + s.replace('"', '""') + '"'
    database, schema, name = parts
    prefix = ""
    if database:
        try:
            con.execute("attach ':memory:' as " + q(database))
        except duckdb.Error:
            pass
        prefix = q(database) + "."
    con.execute("create schema if not exists " + prefix + q(schema))
    con.execute("create or replace view " + prefix + q(schema) + "." + q(name) + " as select * from read_parquet('" + path.replace("'", "''") + "')")


if spec["this_file"]:
    _expose(spec["this_parts"], spec["this_file"])

namespace = {"__name__": "__sm_model__", "__file__": spec["file"]}
with open(spec["file"]) as f:
    code = compile(f.read(), spec["file"], "exec")
exec(code, namespace)
result = namespace["model"](_Dbt(), con)
out = spec["out"].replace("'", "''")
if isinstance(result, duckdb.DuckDBPyRelation):
    result.write_parquet(spec["out"])
else:
    con.register("__sm_result", result)
    con.execute("copy (select * from __sm_result) to '" + out + "' (format parquet)")
`;
