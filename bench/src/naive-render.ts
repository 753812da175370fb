/**
 * `node bench/src/naive-render.ts PROJECT_DIR`: the baseline sm's cold compile is held to (issue
 * 15: "cold compile ≤ 1.0× a naive nunjucks render of the same templates"). One process, one
 * thread: nunjucks renders every model file of the project once, with the project's macros and
 * vars, `ref`/`source` returning a quoted name and `config`/`is_incremental` doing nothing. No
 * project loading, no YAML tests, no graph, no artifacts, nothing written: only what any
 * templating of these files must do. Prints the number of templates and the characters rendered.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { parse } from 'yaml';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node bench/src/naive-render.ts PROJECT_DIR');

const sqlUnder = (root: string): string[] =>
  readdirSync(join(dir, root), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.sql'))
    .map((f) => join(dir, root, f));

const project = parse(readFileSync(join(dir, 'dbt_project.yml'), 'utf8')) as { vars?: Record<string, unknown> };
const vars = project.vars ?? {};
const env = new nunjucks.Environment(null, { autoescape: false });
const globals = (env as unknown as { globals: Record<string, unknown> }).globals;
Object.assign(globals, {
  ref: (name: string) => `"main"."${name}"`,
  source: (s: string, t: string) => `"${s}"."${t}"`,
  config: () => '',
  var: (k: string, d?: unknown) => (k in vars ? vars[k] : d),
  is_incremental: () => false,
  this: '"main"."this"',
});
for (const file of sqlUnder('macros')) {
  const t = new nunjucks.Template(readFileSync(file, 'utf8'), env, file, true);
  (t as unknown as { getExported: (c: object, p: null, cb: (e: unknown, x: Record<string, unknown>) => void) => void }).getExported({}, null, (err, exported) => {
    if (err) throw err;
    Object.assign(globals, exported);
  });
}
let templates = 0;
let chars = 0;
for (const file of sqlUnder('models')) {
  chars += new nunjucks.Template(readFileSync(file, 'utf8'), env, file, true).render({}).length;
  templates++;
}
console.log(`${templates} templates, ${chars} characters`);
