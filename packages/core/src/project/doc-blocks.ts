import type { TargetConfig } from '../adapter.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { Stmt } from '../jinja/ast.ts';
import { literalPair } from '../jinja/ast-walk.ts';
import { docsBlocks } from '../jinja/blocks.ts';
import { Environment } from '../jinja/environment.ts';
import { TemplateSyntaxError } from '../jinja/errors.ts';
import { pyFunction } from '../jinja/runtime.ts';
import type { ColumnInfo, ExposureNode, MacroPatch, ModelNode, SeedNode, SourceLocation, SourceNode, TestNode } from '../types.ts';
import { renderText, ValueRenderError, type ValueContext } from './render-value.ts';

/** A `{% docs name %}...{% enddocs %}` block of a `.md` file under a docs path: dbt's Documentation node. */
export interface DocBlock {
  readonly name: string;
  readonly packageName: string;
  /** Relative to the docs folder it was found under. */
  readonly path: string;
  /** Relative to the root project (a package's under its install folder), as other nodes' paths. */
  readonly originalFilePath: string;
  /** `doc.<package>.<name>` */
  readonly uniqueId: string;
  /** The block's text rendered (Jinja with nothing in its context, as dbt) and stripped. */
  readonly blockContents: string;
  readonly location: SourceLocation;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
let blockEnv: Environment | undefined;
const env = () => (blockEnv ??= new Environment());

/** The docs blocks of one `.md` file; a bad block name or template, or a block left open, is a diagnostic at its line. */
export function docBlocksOf(text: string, file: { rel: string; inFolder: string }, packageName: string, diagnostics: Diagnostic[]): DocBlock[] {
  if (!text.includes('docs')) return [];
  let found: ReturnType<typeof docsBlocks>;
  try {
    found = docsBlocks(text, file.rel);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    diagnostics.push(diag('SM_DOC_INVALID', `${file.rel} could not be read for docs blocks: ${e.message}`, { file: file.rel, line: e.location.line }));
    return [];
  }
  const out: DocBlock[] = [];
  for (const b of found.blocks) {
    const location = { file: file.rel, line: b.line };
    if (!NAME.test(b.name)) {
      diagnostics.push(diag('SM_DOC_INVALID', `The docs block name '${b.name}' in ${file.rel} is not a name`, location, { hint: 'Name docs blocks with letters, digits and underscores: {% docs my_column %}...{% enddocs %}.' }));
      continue;
    }
    let contents = b.body;
    if (contents.includes('{{') || contents.includes('{%')) {
      try {
        contents = env().renderString(contents, env().context(), file.rel);
      } catch (e) {
        diagnostics.push(diag('SM_TEMPLATE_RENDER', `The docs block '${b.name}' in ${file.rel} could not be rendered: ${String((e as Error).message).split('\n')[0]}`, location));
        continue;
      }
    }
    out.push({ name: b.name, packageName, path: file.inFolder, originalFilePath: file.rel, uniqueId: `doc.${packageName}.${b.name}`, blockContents: contents.trim(), location });
  }
  // dbt: "Reached EOF without finding a close tag for docs".
  if (found.unclosedAt !== undefined) {
    diagnostics.push(diag('SM_DOC_INVALID', `The docs block opened at ${file.rel}:${found.unclosedAt} has no {% enddocs %}`, { file: file.rel, line: found.unclosedAt }, { hint: 'Close it with {% enddocs %} before the file ends.' }));
  }
  return out;
}

/** Every package's blocks, one name per package (dbt refuses two: `doc()` could not choose). */
export function checkDuplicateDocs(docs: readonly DocBlock[], diagnostics: Diagnostic[]): void {
  const seen = new Map<string, DocBlock>();
  for (const d of docs) {
    const first = seen.get(d.uniqueId);
    if (!first) seen.set(d.uniqueId, d);
    else diagnostics.push(diag('SM_DOC_DUPLICATE', `Two docs blocks are named '${d.name}' in ${d.packageName}: ${first.originalFilePath} and ${d.originalFilePath}`, d.location, { hint: `Rename one of them; doc('${d.name}') cannot tell which one it means.` }));
  }
}

type Described = ModelNode | SeedNode | SourceNode | TestNode | ExposureNode | MacroPatch;

/**
 * The `doc()` calls a description makes as whole expressions with literal arguments
 * (`{{ doc('name') }}`, `{{ doc('package', 'name') }}`): what dbt lists in doc_blocks, read
 * from the template's syntax tree as dbt reads it. None for a description that does not parse.
 */
function docCalls(text: string, file: string): [pkg: string | undefined, name: string][] {
  let body: Stmt[];
  try {
    body = env().parse(text, file).ast.body;
  } catch {
    return [];
  }
  const out: [string | undefined, string][] = [];
  for (const s of body) {
    if (s.kind !== 'output' || s.expr.kind !== 'call' || s.expr.fn.kind !== 'name' || s.expr.fn.name !== 'doc') continue;
    const pair = literalPair(s.expr.args);
    if (pair) out.push(pair);
  }
  return out;
}

/**
 * Descriptions rendered as dbt renders them once the project is parsed: Jinja with `doc()`,
 * `var()` (the root project's vars), `env_var()` and `target`, for each model, seed, snapshot
 * and test (its description and its columns'), source (the table's, the source's, columns) and
 * exposure. `docBlocks` lists the blocks a description names as `{{ doc(...) }}`. A doc that
 * does not exist, or a template that fails, is a diagnostic naming the node and its YAML file.
 */
export function renderDescriptions(nodes: Iterable<Described>, docs: readonly DocBlock[], rootProject: string, base: { env: NodeJS.ProcessEnv; vars: Record<string, unknown>; target: TargetConfig; onEnvRead?: ValueContext['onEnvRead'] }, diagnostics: Diagnostic[]): void {
  const byName = new Map<string, Map<string, DocBlock>>();
  for (const d of docs) {
    const pkgs = byName.get(d.name) ?? byName.set(d.name, new Map()).get(d.name)!;
    if (!pkgs.has(d.packageName)) pkgs.set(d.packageName, d);
  }
  // dbt's search: the named package only; else the root project, the node's package, then any.
  const resolve = (name: string, pkg: string | undefined, nodePackage: string): DocBlock | undefined => {
    const pkgs = byName.get(name);
    if (!pkgs) return undefined;
    if (pkg !== undefined) return pkgs.get(pkg);
    return pkgs.get(rootProject) ?? pkgs.get(nodePackage) ?? pkgs.values().next().value;
  };
  const target = { ...base.target, target_name: base.target.name };
  const jinja = (text: string | undefined) => !!text && (text.includes('{{') || text.includes('{%'));
  for (const n of nodes) {
    // Most nodes' text is plain: nothing to render, no doc_blocks (the manifest writes none).
    const columnsJinja = n.resourceType !== 'exposure' && Object.values(n.columns).some((c) => jinja(c.description));
    if (!columnsJinja && !jinja(n.description) && !(n.resourceType === 'source' && jinja(n.sourceDescription))) continue;
    const file = n.patchPath ?? n.originalFilePath;
    const ctx: ValueContext = {
      env: base.env,
      vars: base.vars,
      target,
      onEnvRead: base.onEnvRead,
      onMissingEnv: (v) => diagnostics.push(diag('SM_ENV_VAR_MISSING', `Environment variable ${v} is not set (read in the description of ${n.uniqueId}, ${file})`, { file }, { hint: `export ${v}=... or give env_var('${v}', 'default') a default.` })),
      onMissingVar: (v) => diagnostics.push(diag('SM_VAR_MISSING', `var("${v}") has no value and no default (read in the description of ${n.uniqueId}, ${file})`, { file }, { hint: `Pass --vars '{${v}: ...}', set it under vars:, or give var() a default.` })),
    };
    const globals = {
      doc: pyFunction((_c, a) => {
        if (a.length < 1 || a.length > 2) throw new Error(`doc() takes a name, or a package and a name (got ${a.length} arguments)`);
        const [pkg, name] = a.length === 2 ? [String(a[0]), String(a[1])] : [undefined, String(a[0])];
        const d = resolve(name, pkg, n.packageName);
        if (d) return d.blockContents;
        diagnostics.push(
          diag('SM_DOC_NOT_FOUND', `The description of ${n.uniqueId} reads doc '${name}'${pkg === undefined ? '' : ` in package '${pkg}'`}, which is not defined`, { file }, {
            hint: `Define it in a .md file under a docs path (by default the model, seed, macro, test and snapshot folders): {% docs ${name} %}...{% enddocs %}.`,
          }),
        );
        return '';
      }),
    };
    const render = (text: string): string => {
      try {
        return renderText(text, ctx, globals);
      } catch (e) {
        if (!(e instanceof ValueRenderError)) throw e;
        diagnostics.push(diag('SM_TEMPLATE_RENDER', `The description of ${n.uniqueId} in ${file} could not be rendered: ${e.message}`, { file }));
        return text;
      }
    };
    const blocksOf = (text: string): string[] => (text.includes('doc(') ? docCalls(text, file).flatMap(([pkg, name]) => resolve(name, pkg, n.packageName)?.uniqueId ?? []) : []);
    n.docBlocks = blocksOf(n.description);
    n.description = render(n.description);
    if (n.resourceType === 'source' && n.sourceDescription) n.sourceDescription = render(n.sourceDescription);
    if (!columnsJinja) continue;
    // New column objects: the YAML's may be shared with the schema cache.
    const columns: Record<string, ColumnInfo> = {};
    for (const [k, c] of Object.entries(n.columns)) columns[k] = jinja(c.description) ? { ...c, docBlocks: blocksOf(c.description), description: render(c.description) } : c;
    n.columns = columns;
  }
}
