import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnDef, Dialect } from '../adapter.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { injectCtes } from '../render/render-project.ts';
import { printedRelationName } from '../render/relation.ts';
import type { GraphNode, ModelNode, UnitTestNode } from '../types.ts';
import { compareRows, formatDiff } from '../unit/compare-rows.ts';
import { inputColumns, parseFixture, valuesQuery, type FixtureRows } from '../unit/fixture-rows.ts';
import { resolveInput } from '../unit/unit-inputs.ts';
import { ephemeralSqlInput } from '../compile/render-for-run.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';

/**
 * dbt 1.8 unit tests: the model's SQL with every input replaced by a CTE of the given rows,
 * run as one read-only query (nothing is created, no real table is read), compared with
 * the expected rows regardless of order, on the expected columns only.
 */
export async function executeUnitTest(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const u = node as UnitTestNode;
  const { nodes, project } = x.run;
  const d = x.run.adapter.dialect;
  const what = `Unit test ${u.name} (${u.originalFilePath})`;
  const model = nodes.get(u.dependsOn.nodes[0] ?? '') as ModelNode | undefined;
  if (!model) throw new Error(`${what}: model "${u.model}" does not exist`);
  // Compile rendered the model again with this test's overrides (vars, macros, env_vars) where it has any. A
  // render that asked the warehouse (run_query; a template raising once `execute` is true: audit_helper's
  // quick_are_queries_identical on DuckDB) is rendered again live, as dbt compiles the model for the test.
  const overrides = u.overrides as { vars?: Record<string, unknown>; macros?: Record<string, unknown>; env_vars?: Record<string, unknown> } | undefined;
  let sql =
    u.modelCode !== undefined
      ? u.modelLive
        ? await x.renderLive({ node: model, overrides: { vars: overrides?.vars, macros: overrides?.macros, envVars: overrides?.env_vars } })
        : u.modelCode
      : model.needsWarehouse
        ? await x.renderLive({ node: model })
        : (model.compiledCode ?? '');
  const ctes: [string, string][] = [];
  const given = new Set<string>();
  for (const [i, g] of u.given.entries()) {
    const input = resolveInput(g.input, model, nodes, what);
    given.add(input.node.uniqueId);
    // Its rows stand in for the ephemeral's CTE in the model's SQL (compile rendered it so: render-for-run.ts).
    if (ephemeralSqlInput(g, model, nodes)) continue;
    if (!input.isThis && input.node.resourceType === 'model' && input.node.config.materialized === 'ephemeral') {
      throw new Error(`${what}: input ${g.input} is an ephemeral model; give its rows with \`format: sql\` (as dbt requires), or mock the inputs of that model instead`);
    }
    const rel = input.node.relation;
    const real = await x.columns(rel);
    const fixture = parseFixture(fixtureText(g, project, what) ?? u.givenSql?.[i] ?? g.rows, g.format ?? (g.fixture ? 'csv' : undefined), `${what}, given ${g.input}`);
    const name = `__sm_given_${i}_${input.node.name.replace(/\W/g, '_')}`;
    ctes.push([name, fixtureSql(fixture, real, declaredTypes(input.node.columns), d)]);
    sql = replaceAll(sql, printedRelationName(rel, d, project.target), name);
  }
  // An ephemeral parent is inlined: its own inputs, once given, are replaced inside it.
  const missing = model.dependsOn.nodes.filter((id) => !given.has(id) && nodes.get(id)?.config.materialized !== 'ephemeral');
  if (missing.length) {
    const specs = missing.map((id) => {
      const n = nodes.get(id)!;
      return n.resourceType === 'source' ? `source('${n.sourceName}', '${n.name}')` : `ref('${n.name}')`;
    });
    throw new Error(`${what}: ${u.model} reads ${specs.join(', ')} but the test gives no rows for ${missing.length === 1 ? 'it' : 'them'}. Add \`- input: ${specs[0]}\` under given: (rows: [] for an empty input).`);
  }
  const actualSql = ctes.length ? injectCtes(sql, ctes) : sql;
  const expected = parseFixture(fixtureText(u.expect, project, what) ?? u.expect.rows, u.expect.format ?? (u.expect.fixture ? 'csv' : undefined), `${what}, expect`);
  let expectRows: Record<string, unknown>[];
  let columns: string[];
  if (expected.kind === 'sql') {
    const r = await x.exec(expected.sql);
    expectRows = [...r.rows];
    columns = [...r.columns];
  } else {
    expectRows = expected.rows;
    columns = [];
    for (const r of expectRows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  }
  const query = `select ${columns.length ? columns.map((c) => d.quoteIdentifier(c)).join(', ') : '*'} from (\n${actualSql}\n) sm_unit_actual`;
  const path = x.compiled(query);
  let actual: Awaited<ReturnType<typeof x.exec>>;
  try {
    actual = await x.exec(query);
  } catch (e) {
    // An expected column the model does not output: said by name, not as the warehouse's binder error on sm's query.
    const has = (await x.exec(`select * from (\n${actualSql}\n) sm_unit_actual limit 0`).catch(() => undefined))?.columns;
    const absent = has ? columns.filter((c) => !has.some((h) => h.toLowerCase() === c.toLowerCase())) : [];
    if (absent.length) throw new Error(`${what}: expect names ${absent.map((c) => `"${c}"`).join(', ')}, which ${u.model} does not output (its columns: ${has!.join(', ')}). Fix the column names under expect:.`);
    throw e;
  }
  if (!columns.length) columns = [...actual.columns];
  const diff = compareRows(actual.rows, expectRows, columns);
  if (diff.equal) return { status: 'pass', message: 'PASS', failures: 0, compiledPath: path, compiledCode: query };
  return {
    status: 'fail',
    message: `actual differs from expected (${diff.missing.length} expected row${diff.missing.length === 1 ? '' : 's'} missing, ${diff.extra.length} unexpected):\n${formatDiff(diff)}`,
    // dbt 1.11 counts a failed unit test as one failure, whatever the rows (its run_results and `FAIL 1`); the message counts them.
    failures: 1,
    compiledPath: path,
    compiledCode: query,
  };
}

/** dbt's `fixture: name`: the rows live in <test-path>/fixtures/name.csv (or .sql for format sql). */
function fixtureText(f: { fixture?: string | undefined; format?: string | undefined }, project: LoadedProject, what: string): string | undefined {
  if (!f.fixture) return undefined;
  const ext = (f.format ?? 'csv').toLowerCase() === 'sql' ? 'sql' : 'csv';
  const tried = project.config.testPaths.map((t) => join(t, 'fixtures', `${f.fixture}.${ext}`));
  const found = tried.find((rel) => existsSync(join(project.dir, rel)));
  if (!found) throw new Error(`${what}: fixture "${f.fixture}" not found; looked for ${tried.join(', ')}`);
  return readFileSync(join(project.dir, found), 'utf8');
}

function declaredTypes(columns: Record<string, { dataType?: string | undefined }>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(columns).filter(([, c]) => c.dataType).map(([k, c]) => [k, c.dataType]));
}

function fixtureSql(f: FixtureRows, real: readonly ColumnDef[] | undefined, declared: Record<string, string | undefined>, d: Dialect): string {
  if (f.kind === 'sql') return f.sql;
  const cols = inputColumns(f.rows, real, declared);
  if (!cols.length) throw new Error('an input with no rows needs its relation to exist (build its parents first) or `data_type:` on its YAML columns');
  return valuesQuery(f.rows, cols, d);
}

function replaceAll(s: string, find: string, by: string): string {
  return s.split(find).join(by);
}
