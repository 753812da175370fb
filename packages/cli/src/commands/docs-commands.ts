import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadProjectCollecting } from '@smsql/core';
import { generateDocs } from '@smsql/core/docs';
import { builtinAdapters } from '../adapters.ts';
import { serveDocs } from '../docs/serve-docs.ts';
import type { CliContext } from '../cli-context.ts';
import { commonOptions } from '../common-options.ts';
import { EXIT } from '../exit-codes.ts';
import { selectionOptions } from '../selection-options.ts';
import { invocation } from './project-commands.ts';

interface DocsFlags {
  projectDir: string;
  select?: string[];
  exclude?: string[];
  selector?: string;
  state?: string;
  profilesDir?: string;
  target?: string;
  vars?: string;
  logFormat?: string;
  emptyCatalog?: boolean;
  compile?: boolean;
  port?: string;
  host?: string;
}

/** `sm docs generate` and `sm docs serve`. */
export function registerDocsCommands(program: Command, ctx: CliContext): void {
  const docs = program.command('docs').description('the project\'s documentation site: models, columns, tests, lineage');

  selectionOptions(commonOptions(docs.command('generate').description('write target/catalog.json and a static site into target/docs (open index.html there or target/index.html, no server needed)')))
    .option('--empty-catalog', 'do not describe the warehouse (no actual column types)')
    // dbt 1.11.16's docs generate takes --threads INTEGER; sm said "unknown option", exit 2.
    .addOption(new Option('--threads <n>', 'accepted for dbt').hideHelp())
    .option('--compile', 'compile the project first, writing manifest.json and run_results.json (the default)')
    .option('--no-compile', 'parse only: no compiled SQL, and the last manifest.json and run_results.json stay as they are')
    .action(async (flags: DocsFlags) => {
      const reporter = ctx.reporter(flags.logFormat);
      const out = await generateDocs({ ...invocation(flags, ctx), skipCatalog: flags.emptyCatalog, noCompile: flags.compile === false });
      if (out.warnings.length) reporter.onDiagnostics?.([...out.warnings]);
      if (out.catalogError) reporter.onError?.(`Could not describe the warehouse, so the site has no actual column types: ${out.catalogError}`);
      const found = out.catalog ? Object.keys(out.catalog.nodes).length + Object.keys(out.catalog.sources).length : 0;
      reporter.onOutput?.(`Wrote ${out.nodes} nodes to ${join(out.docsDir, 'index.html')}${out.catalog ? ` and the catalog of ${found} relations to target/catalog.json` : ''}`);
    });

  commonOptions(docs.command('serve').description('serve target/docs on 127.0.0.1 until Ctrl-C'))
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <name>', 'address to listen on and the name browsers may use besides localhost/127.0.0.1/[::1] (0.0.0.0: every interface, any name)', '127.0.0.1')
    .action(async (flags: DocsFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        ctx.output.err(`--port must be a whole number from 0 to 65535, not "${flags.port}"`);
        ctx.exitCode = EXIT.usage;
        return;
      }
      const project = loadProjectCollecting({ projectDir: resolve(flags.projectDir), profilesDir: flags.profilesDir, target: flags.target, adapters: builtinAdapters });
      const dir = join(project.dir, project.config.targetPath, 'docs');
      let server;
      try {
        server = await serveDocs(dir, port, { host: flags.host });
      } catch (e) {
        ctx.output.err((e as Error).message);
        ctx.exitCode = EXIT.usage;
        return;
      }
      ctx.output.out(`Serving ${dir} at ${server.url} (Ctrl-C to stop)`);
      await new Promise<void>((done) => {
        if (ctx.signal.aborted) done();
        else ctx.signal.addEventListener('abort', () => done(), { once: true });
      });
      await server.close();
    });
}
