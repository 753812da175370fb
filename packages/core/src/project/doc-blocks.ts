import type { TargetConfig } from '../adapter.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import { Environment } from '../jinja/environment.ts';
import { pyFunction } from '../jinja/runtime.ts';
import type { ColumnInfo, ExposureNode, ModelNode, SeedNode, SourceLocation, SourceNode, TestNode } from '../types.ts';
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

const BLOCK = /\{%-?\s*docs\s+([^\s%]+)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;
const OPEN = /\{%-?\s*docs\s/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
let blockEnv: Environment | undefined;

/** The docs blocks of one `.md` file; a bad block name or template is a diagnostic at its line. */
export function docBlocksOf(text: string, file: { rel: string; inFolder: string }, packageName: string, diagnostics: Diagnostic[]): DocBlock[] {
  if (!text.includes('docs')) return [];
  const out: DocBlock[] = [];
  const lineAt = (i: number) => text.slice(0, i).split('\n').length;
  const spans: [number, number][] = [];
  for (const m of text.matchAll(BLOCK)) {
    spans.push([m.index, m.index + m[0].length]);
    const name = m[1]!;
    const location = { file: file.rel, line: lineAt(m.index) };
    if (!NAME.test(name)) {
      diagnostics.push(diag('SM_DOC_INVALID', `The docs block name '${name}' in ${file.rel} is not a name`, location, { hint: 'Name docs blocks with letters, digits and underscores: {% docs my_column %}...{% enddocs %}.' }));
      continue;
    }
    let contents = m[2]!;
    if (contents.includes('{{') || contents.includes('{%')) {
      try {
        const env = (blockEnv ??= new Environment());
        contents = env.renderString(contents, env.context(), file.rel);
      } catch (e) {
        diagnostics.push(diag('SM_TEMPLATE_RENDER', `The docs block '${name}' in ${file.rel} could not be rendered: ${String((e as Error).message).split('\n')[0]}`, location));
        continue;
      }
    }
    out.push({ name, packageName, path: file.inFolder, originalFilePath: file.rel, uniqueId: `doc.${packageName}.${name}`, blockContents: contents.trim(), location });
  }
  // A block opened and never closed (dbt: "Reached EOF without finding a close tag for docs").
  for (const m of text.matchAll(OPEN)) {
    if (spans.some(([a, b]) => m.index >= a && m.index < b)) continue;
    const location = { file: file.rel, line: lineAt(m.index) };
    diagnostics.push(diag('SM_DOC_INVALID', `The docs block opened at ${file.rel}:${location.line} has no {% enddocs %}`, location, { hint: 'Close it with {% enddocs %} before the file ends.' }));
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

type Described = ModelNode | SeedNode | SourceNode | TestNode | ExposureNode;

/** `{{ doc('name') }}` or `{{ doc('package', 'name') }}` written as a whole expression, literal arguments: what dbt lists in doc_blocks. */
const DOC_CALL = /\{\{-?\s*doc\(\s*(['"])([^'"]*)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)\s*-?\}\}/g;

/**
 * Descriptions rendered as dbt renders them once the project is parsed: Jinja with `doc()`,
 * `var()` (the root project's vars), `env_var()` and `target`, for each model, seed, snapshot
 * and test (its description and its columns'), source (the table's, the source's, columns) and
 * exposure. `docBlocks` lists the blocks a description names as `{{ doc(...) }}`. A doc that
 * does not exist, or a template that fails, is a diagnostic naming the node and its YAML file.
 */
export function renderDescriptions(nodes: Iterable<Described>, docs: readonly DocBlock[], rootProject: string, base: { env: NodeJS.ProcessEnv; vars: Record<string, unknown>; target: TargetConfig }, diagnostics: Diagnostic[]): void {
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
  for (const n of nodes) {
    const file = n.patchPath ?? n.originalFilePath;
    const ctx: ValueContext = {
      env: base.env,
      vars: base.vars,
      target,
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
    const blocksOf = (text: string): string[] => {
      const out: string[] = [];
      if (!text.includes('doc(')) return out;
      for (const m of text.matchAll(DOC_CALL)) {
        const d = m[3] !== undefined ? resolve(m[4]!, m[2]!, n.packageName) : resolve(m[2]!, undefined, n.packageName);
        if (d) out.push(d.uniqueId);
      }
      return out;
    };
    n.docBlocks = blocksOf(n.description);
    n.description = render(n.description);
    if (n.resourceType === 'exposure') continue;
    if (n.resourceType === 'source' && n.sourceDescription) n.sourceDescription = render(n.sourceDescription);
    if (!Object.values(n.columns).some((c) => /\{[{%]/.test(c.description))) continue;
    // New column objects: the YAML's may be shared with the schema cache.
    const columns: Record<string, ColumnInfo> = {};
    for (const [k, c] of Object.entries(n.columns)) columns[k] = /\{[{%]/.test(c.description) ? { ...c, docBlocks: blocksOf(c.description), description: render(c.description) } : c;
    n.columns = columns;
  }
}
