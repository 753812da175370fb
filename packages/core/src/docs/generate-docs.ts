import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { readArtifact, runResultsProblem } from '../artifacts/read-artifact.ts';
import { join } from 'node:path';
import { compile, relationNameOf, writeCompileResults, writeJsonAtomic, writeLiveSql, type InvocationOptions } from '../api.ts';
import { compileLive } from '../compile/compile-live.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { buildCatalog } from '../artifacts/catalog.ts';
import type { CatalogArtifact, RunResultsArtifact } from '../artifacts/artifact-types.ts';
import { buildDocsData } from './docs-data.ts';
import { addColumnLineage } from './column-lineage-docs.ts';
import { checkCompiled } from '../check/check-compilation.ts';
import { DOCS_DATA_FILE, indexAtTarget, siteFiles } from './site-files.ts';
import { makeDirs } from '../util/make-dirs.ts';

export interface DocsOutcome {
  /** Absolute path of target/docs. */
  docsDir: string;
  nodes: number;
  /** Undefined when the warehouse could not be described (the site is still written, without actual types). */
  catalog: CatalogArtifact | undefined;
  /** Why there is no catalog, if there is none. */
  catalogError?: string | undefined;
  /** Warnings of the compile it starts with (the warehouse not reached for a template that queries it). */
  warnings: readonly Diagnostic[];
}

/**
 * `sm docs generate`: compile the whole project, describe the warehouse once per schema into
 * target/catalog.json, and write a self-contained static site into target/docs (open
 * index.html straight from disk: no server, no network), its page also at target/index.html,
 * where dbt writes its site. The last target/run_results.json, if any and not a compile's,
 * provides each node's last result; then, as dbt's does, this compile's results replace it.
 */
export async function generateDocs(opts: InvocationOptions & { skipCatalog?: boolean; noCompile?: boolean }): Promise<DocsOutcome> {
  const startedAt = performance.now();
  // As dbt 1.11's: --select, --exclude and --selector choose what is compiled and described in the catalog; the site shows the whole project.
  const selecting = !!(opts.select?.length || opts.exclude?.length || opts.selector);
  const inv = { ...opts, ...(selecting ? {} : { select: undefined, exclude: undefined, selector: undefined }), check: true, includeEmptyNodes: true };
  // dbt's --no-compile parses (the catalog is of the project as it is now) but compiles nothing:
  // no compiled files, and the last manifest.json and run_results.json stay as they were.
  const c = opts.noCompile ? await compile({ ...inv, keepManifest: true }, 'ls') : await compile(inv, 'compile');
  const target = join(c.project.dir, c.project.config.targetPath);
  // As dbt's docs generate compiles: with the warehouse where a template or an incremental model needs it (compile-live.ts).
  const live = opts.noCompile ? undefined : await compileLive(c, inv, true);
  if (live) writeLiveSql(c, live.sql);
  let catalog: CatalogArtifact | undefined;
  let catalogError: string | undefined;
  if (!opts.skipCatalog) {
    try {
      const session = await c.adapter.connect(c.project.target, { projectDir: c.project.dir });
      try {
        catalog = await buildCatalog(c.compiled, c.adapter.dialect, session, c.invocationId, selecting ? new Set(c.selected) : undefined);
      } finally {
        await session.close();
      }
      writeJsonAtomic(join(target, 'catalog.json'), catalog);
    } catch (e) {
      catalogError = (e as Error).message;
    }
  }
  const rrPath = join(target, 'run_results.json');
  const last = existsSync(rrPath) ? readArtifact<RunResultsArtifact>(rrPath, 'run_results.json', runResultsProblem) : undefined;
  // A compile's results (compile, docs generate) say nothing of how a node last ran.
  const runResults = last?.args?.which === 'compile' || last?.args?.which === 'generate' ? undefined : last;
  // As dbt's: the compile it starts with records its results (once the last run's are read, for the site).
  if (!opts.noCompile) writeCompileResults(c, inv, { which: 'generate', startedAt, args: { compile: true, static: false, empty_catalog: !!opts.skipCatalog }, live: live?.sql });
  // Columns, types and lineage as sm check infers them, with the catalog just described (the cache re-reads only what it changed).
  const check = catalog ? checkCompiled(c.compiled, c.graph, { targetDir: target, noCache: opts.noCache }) : c.check!;
  const data = addColumnLineage(buildDocsData(c.compiled, c.graph, (n) => relationNameOf(c, n), catalog, runResults), check);
  const docsDir = join(target, 'docs');
  makeDirs(docsDir);
  const site = siteFiles();
  for (const [name, text] of Object.entries(site)) writeFileSync(join(docsDir, name), text);
  writeFileSync(join(target, 'index.html'), indexAtTarget(site['index.html']!));
  // A script, not a .json fetched at run time: browsers refuse fetch() from file:// pages.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  writeFileSync(join(docsDir, DOCS_DATA_FILE), `window.SM_DOCS = ${json};\n`);
  writeJsonAtomic(join(docsDir, 'docs.json'), data);
  copyAssets(c.project.dir, c.project.config.assetPaths, target, docsDir);
  return { docsDir, nodes: data.nodes.length, catalog, catalogError, warnings: live?.diagnostics ?? [] };
}

/**
 * `asset-paths`, as dbt's docs generate copies them: each folder to `<target>/<path>`, what was
 * there removed first (a folder gone from the project leaves no copy). sm's page in
 * target/docs reads them from beside it too (sm docs serve serves that folder alone).
 */
function copyAssets(projectDir: string, paths: readonly string[], target: string, docsDir: string): void {
  for (const p of paths) {
    const from = join(projectDir, p);
    for (const to of [join(target, p), join(docsDir, p)]) {
      rmSync(to, { recursive: true, force: true });
      if (existsSync(from)) cpSync(from, to, { recursive: true });
    }
  }
}
