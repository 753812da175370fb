import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledProject } from '../render/render-project.ts';
import { STATE_FILE, type StateFingerprint } from '../select/state-fingerprint.ts';
import type { Command, Compilation, InvocationOptions } from './compilation.ts';
import { adapterFor, checkIfAsked, selectAndCheck, targetDir, writeCompileArtifacts } from './compile-shared.ts';
import type { WarmStart } from './warm-start.ts';

/** A compile from the stored results of the last one (its inputs unchanged): select, check columns, refresh the artifacts. */
export async function compileWarm(opts: InvocationOptions, command: Command, invocationId: string, w: WarmStart): Promise<Compilation> {
  const { project } = w;
  const adapter = await adapterFor(opts, project);
  const diagnostics = [...w.diagnostics];
  const compiled: CompiledProject = { project, nodes: w.nodes, disabled: w.disabled, disabledTests: w.disabledTests, ephemerals: w.ephemerals, diagnostics: [...w.diagnostics], macros: w.macros, said: w.said, hookMacros: w.hookMacros, warehouseNodes: w.warehouseNodes };
  const dir = targetDir(project);
  // sm-state.json was written from these inputs: it holds the fingerprints loading would compute.
  const fingerprintsNow = () => new Map(Object.entries(JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as Record<string, StateFingerprint>));
  const selectedOnly = await selectAndCheck(opts, command, { project, compiled, graph: w.graph, adapter, diagnostics, invocationId, reused: true }, w.selectionNodes, async () => (await import('../select/selectors-file.ts')).readSelectorsOrThrow(project.dir), fingerprintsNow, w.columnFindings, new Set(w.emptyNodes));
  // The checker answers an unchanged project from its cache without reading a stored node.
  const { check, manifestDigest } = await checkIfAsked(opts, selectedOnly, dir, w.digest);
  const c: Compilation = { ...selectedOnly, check, stableDigest: w.digest };
  const shape = (id: string) => {
    const e = w.selectionNodes.get(id)!;
    return { resourceType: e.resourceType, originalFilePath: e.originalFilePath, name: e.name, packageName: e.packageName, generic: e.resourceType === 'test' && !!e.testMetadata, alias: e.config?.alias };
  };
  if (!opts.keepManifest) await (await writeCompileArtifacts(c, command, w.digest, manifestDigest, shape)).files;
  return c;
}
