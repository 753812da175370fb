import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, isSmProjectError, type Adapter } from '../src/index.ts';
import { writeProject } from './fixture.ts';
import { NAMESPACE_FILES } from './namespace-fixture.ts';

/**
 * Macro resolution as dbt does it (dbt-core's MacroNamespace and adapter.dispatch), on a root
 * project `demo` with a package `util` (namespace-fixture.ts). Each line is a node and the SQL
 * dbt-core 1.11.16 + dbt-duckdb 1.11.1 compiled for it, recorded by
 * `node scripts/record-jinja-parity.ts [path/to/dbt]` (as dbt printed it, as in jinja-compat).
 * What they show: a node sees its own package's macros, then the root project's, then packages
 * by name, then dbt's; a package's macro runs in the calling node's context (util.calls_shared()
 * from a root model finds the root's shared()); dispatch searches the root project before the
 * named package, every prefix of one package before the next, or the project's dispatch: order;
 * a root macro named like one of dbt's overrides it, dbt.x() still reaches dbt's own.
 */
const EXPECT: [node: string, sql: string][] = [
  ["model.demo.root_qualified", "select 'util helper' as a, 'root shared' as b, 'util shared' as c"],
  ["model.demo.root_unqualified", "select 'root shared' as a, 'root only' as b"],
  ["model.demo.root_calls_package_macro", "select '[root shared|root only]' as a"],
  ["model.demo.root_dispatch", "select 'root default r' as a, 'util duckdb c' as b, 'root default n' as d"],
  ["model.demo.root_builtin_override", "select ROOT_TEXT as a, ROOT_TEXT as b, ROOT_NOW as c, now() as d"],
  ["model.demo.root_package_missing_macro", "(error) Compilation Error in model root_package_missing_macro (models/root_package_missing_macro.sql) 'helper' is undefined. This can happen when calling a macro that does not exist. Check for typos and/or in"],
  ["model.util.pkg_unqualified", "select 'util helper' as a, 'util shared' as b, 'root only' as c, '[util shared|root only]' as d, 'root shared' as e, 'root default p' as f"],
];

class DuckDbNamedDialect extends BaseDialect {
  override readonly name = 'duckdb';
}

const offline: Adapter = {
  type: 'duckdb',
  dialect: new DuckDbNamedDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};

describe('macro namespaces as dbt resolves them', async () => {
  const { 'dbt_project.yml': project, ...rest } = NAMESPACE_FILES;
  const dir = writeProject({ 'sm_project.yml': project!, ...rest });
  const sql = new Map<string, string>();
  const errors = new Map<string, string>();
  try {
    await compile({ projectDir: dir, adapters: { duckdb: () => offline } });
  } catch (e) {
    if (!isSmProjectError(e)) throw e;
    for (const d of e.diagnostics) if (d.nodeId) errors.set(d.nodeId, d.message);
  }
  // The compile stops at the node dbt also refuses; compile the rest without it.
  const { 'models/root_package_missing_macro.sql': _bad, ...good } = rest;
  const c = await compile({ projectDir: writeProject({ 'sm_project.yml': project!, ...good }), adapters: { duckdb: () => offline } });
  for (const [id, n] of c.compiled.nodes) if ('compiledCode' in n && n.compiledCode !== undefined) sql.set(id, n.compiledCode);

  it.each(EXPECT)('%s', (node, want) => {
    if (!want.startsWith('(error)')) return expect(sql.get(node)).toBe(want);
    // dbt refuses it too: the same undefined name, in sm's own words.
    expect(errors.get(node)).toBeDefined();
    const undef = /'[^']+' is undefined/.exec(want);
    if (undef) expect(errors.get(node)).toContain(undef[0]);
  });
});
