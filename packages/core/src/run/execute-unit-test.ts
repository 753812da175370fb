import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Relation } from '../adapter.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { injectCtes } from '../render/render-project.ts';
import { printedRelationName } from '../render/relation.ts';
import { CTE_PREFIX } from '../render/inject-ctes.ts';
import { TemplateColumn } from '../render/introspection.ts';
import type { GraphNode, ModelNode, SourceNode, UnitTestNode } from '../types.ts';
import { compareRows, formatDiff } from '../unit/compare-rows.ts';
import { inputColumns, parseFixture } from '../unit/fixture-rows.ts';
import { ACTUAL_OR_EXPECTED, expectedSql, fixtureSql, unitTestSql, unknownFixtureColumns, type CastCells, type FixtureColumn } from '../unit/fixture-sql.ts';
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
  const ctes: { order: number; name: string; body: string }[] = [];
  const given = new Set<string>();
  const cast = castCells(x, model);
  for (const [i, g] of u.given.entries()) {
    const input = resolveInput(g.input, model, nodes, what);
    given.add(input.node.uniqueId);
    // Its rows stand in for the ephemeral's CTE in the model's SQL (compile rendered it so: render-for-run.ts).
    if (ephemeralSqlInput(g, model, nodes)) continue;
    if (!input.isThis && input.node.resourceType === 'model' && input.node.config.materialized === 'ephemeral') {
      throw new Error(`${what}: input ${g.input} is an ephemeral model; give its rows with \`format: sql\` (as dbt requires), or mock the inputs of that model instead`);
    }
    const rel = input.node.relation;
    const printed = printedRelationName(rel, d, project.target);
    // An input the model does not read is never compiled by dbt (no CTE, no fixture, its rows not checked).
    if (!input.isThis && !sql.includes(printed)) continue;
    const fixture = parseFixture(fixtureText(g, project, what) ?? u.givenSql?.[i] ?? g.rows, g.format ?? (g.fixture ? 'csv' : undefined), `${what}, given ${g.input}`);
    // dbt names the fixture after the input (a source after its source and table) and writes it beside the test's file.
    const label = input.node.name;
    const name = `${CTE_PREFIX}${input.node.resourceType === 'source' ? `${(input.node as SourceNode).sourceName}__${label}` : label}`;
    let body: string;
    if (fixture.kind === 'sql') body = fixture.sql;
    else {
      const columns = await inputColumnsOf(x, rel, fixture.rows, declaredTypes(input.node.columns));
      if (!columns.length) throw new Error(`${what}: given ${g.input} has no rows, and its relation ${printed} does not exist to give its columns: build its parents first (\`sm run -s +${u.model} --empty\`) or add \`data_type:\` to its YAML columns`);
      const unknown = columns.real ? unknownFixtureColumns(fixture.rows, columns) : [];
      if (unknown.length) throw new Error(`${what}: given ${g.input} names ${unknown.map((c) => `'${c}'`).join(', ')}, which ${label} does not have. Accepted columns for '${label}' are: ${columns.map((c) => `'${c.name.toLowerCase()}'`).join(', ')}`);
      body = await fixtureSql(label, fixture.rows, columns, cast);
    }
    x.compiledFixture(label, body);
    // dbt puts the model's own relation (`this`) first, then its inputs in its depends_on order.
    ctes.push({ order: input.isThis ? -1 : model.dependsOn.nodes.indexOf(input.node.uniqueId), name, body });
    sql = replaceAll(sql, printed, name);
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
  ctes.sort((a, b) => a.order - b.order);
  const actualSql = ctes.length ? injectCtes(sql, ctes.map((c) => [c.name, c.body])) : sql;
  const path = x.compiled(actualSql);
  // The model's output columns and types, as dbt reads them from an empty table of the query.
  const shape = await x.conn.execute(`select * from (\n${actualSql}\n) sm_unit_actual limit 0`);
  // A result's column names come as the driver shows them (Snowflake's stored EVENT_TS as event_ts): quoted as the warehouse stores them.
  const outputs: FixtureColumn[] = shape.columns.map((c, i) => ({ name: c, quoted: d.quoteIdentifier(c), dataType: new TemplateColumn(c, shape.types?.[i] ?? 'VARCHAR', d).data_type }));
  const expected = parseFixture(fixtureText(u.expect, project, what) ?? u.expect.rows, u.expect.format ?? (u.expect.fixture ? 'csv' : undefined), `${what}, expect`);
  // The columns compared: those the first expected row names (dbt), and any a later row adds; all of them for expected SQL.
  const named: string[] = [];
  if (expected.kind === 'rows') for (const r of expected.rows) for (const k of Object.keys(r)) if (!named.some((n) => n.toLowerCase() === k.toLowerCase())) named.push(k);
  const compared = named.length ? named.map((n) => outputs.find((o) => o.name.toLowerCase() === n.toLowerCase())) : outputs;
  const absent = named.filter((_n, i) => !compared[i]);
  if (absent.length) throw new Error(`${what}: expect names ${absent.map((c) => `"${c}"`).join(', ')}, which ${u.model} does not output (its columns: ${shape.columns.join(', ')}). Fix the column names under expect:.`);
  const columns = compared as FixtureColumn[];
  const expectSql = expected.kind === 'sql' ? expected.sql : await expectedSql(expected.rows, columns, cast);
  const query = unitTestSql(actualSql, expectSql, columns.map((c) => c.quoted), (s) => d.quoteString(s), (s) => `"${s}"`);
  x.runFile(`\n    ${query}`);
  let result: Awaited<ReturnType<typeof x.conn.execute>>;
  try {
    result = await x.conn.execute(query);
  } catch (e) {
    // As dbt says it: most such errors are a fixture's value or an expected query that does not fit the model's columns.
    throw new Error(`An error occurred during execution of unit test '${u.name}'. There may be an error in the unit test definition: check the data types.\n  ${e instanceof Error ? e.message : String(e)}`);
  }
  const marker = result.columns.find((c) => c.toLowerCase() === ACTUAL_OR_EXPECTED) ?? ACTUAL_OR_EXPECTED;
  const rowsOf = (side: string) => result.rows.filter((r) => r[marker] === side);
  const diff = compareRows(rowsOf('actual'), rowsOf('expected'), columns.map((c) => c.name));
  if (diff.equal) return { status: 'pass', message: 'PASS', failures: 0, compiledPath: path, compiledCode: actualSql };
  return {
    status: 'fail',
    message: `actual differs from expected (${diff.missing.length} expected row${diff.missing.length === 1 ? '' : 's'} missing, ${diff.extra.length} unexpected):\n${formatDiff(diff)}`,
    // dbt 1.11 counts a failed unit test as one failure, whatever the rows (its run_results and `FAIL 1`); the message counts them.
    failures: 1,
    compiledPath: path,
    compiledCode: actualSql,
  };
}

/** The columns of a given input: its relation's, typed as dbt's Column types them, or else named by the rows (and YAML) and typed by inference. */
async function inputColumnsOf(x: NodeContext, rel: Relation, rows: readonly Record<string, unknown>[], declared: Record<string, string | undefined>): Promise<FixtureColumn[] & { real?: boolean }> {
  const d = x.run.adapter.dialect;
  const real = await x.columns(rel);
  const cols = inputColumns(rows, real, declared).map((c) => {
    const col = new TemplateColumn(c.name, c.type ?? 'VARCHAR', d);
    return { name: c.name, quoted: col.quoted, dataType: real?.length ? col.data_type : (c.type ?? 'varchar') };
  });
  return Object.assign(cols, { real: !!real?.length });
}

const CAST_TEMPLATE = `{%- for c in sm_fixture_cells -%}
{%- if c[0] is string -%}{%- set v = dbt.string_literal(dbt.escape_single_quotes(c[0])) -%}
{%- elif c[0] is none -%}{%- set v = 'null' -%}
{%- else -%}{%- set v = c[0] -%}{%- endif -%}
{{ sm_fixture_sep }}{{ safe_cast(v, c[1]) }}
{%- endfor -%}{{ sm_fixture_sep }}`;
const SEP = '\u0001';

/** Casts cells with the project's own `safe_cast` and `string_literal` (an adapter's or a project's override included), rendered live for the tested model. */
function castCells(x: NodeContext, model: ModelNode): CastCells {
  return async (cells) => {
    if (!cells.length) return [];
    const text = await x.renderLive({ text: CAST_TEMPLATE, name: 'unit test fixture', node: model, context: { sm_fixture_cells: cells.map((c) => [c.value, c.type]), sm_fixture_sep: SEP } });
    // Each cell between separators: the render's text is trimmed as a whole, a cell's own spacing is not.
    return text.split(SEP).slice(1, cells.length + 1);
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

function replaceAll(s: string, find: string, by: string): string {
  return s.split(find).join(by);
}
