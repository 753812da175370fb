import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedProject } from '../project/load-project.ts';
import type { RenderCache } from '../render/render-cache.ts';
import type { GraphNode } from '../types.ts';
import { redact } from '../util/redact.ts';
import { writeFilesAsync } from './write-files.ts';

/**
 * Write target/compiled for the selected nodes: the files are still being written when this
 * returns; the promise says when they are. A file written from the same input `digest` is
 * skipped unread; else one whose content hash is unchanged is left alone.
 */
export function writeCompiledFiles(
  project: LoadedProject,
  nodes: ReadonlyMap<string, GraphNode>,
  selected: readonly string[],
  dir: string,
  cache: RenderCache | undefined,
  digest: string | undefined,
): Promise<void> {
  const files = new CompiledFiles();
  const root = join(dir, 'compiled', project.config.name);
  const fromDigest = digest ? `:${digest}` : undefined;
  for (const id of selected) {
    const n = nodes.get(id)!;
    if (!('compiledCode' in n) || n.compiledCode === undefined) continue;
    const file = n.resourceType === 'test' && n.testMetadata ? `${n.originalFilePath}/${n.name}.sql` : n.originalFilePath;
    const abs = `${root}/${file}`;
    // Rewriting ten thousand unchanged files costs more than the whole warm compile. A file
    // written from the same input digest holds this text already; else compare content hashes.
    const was = cache?.writtenAs(abs);
    if (fromDigest && was?.endsWith(fromDigest) && files.exists(abs)) continue;
    const text = `${redact(n.compiledCode, project.secrets)}\n`;
    const hash = createHash('sha1').update(text).digest('hex');
    if (was?.startsWith(`${hash}:`) && files.exists(abs)) {
      cache?.markWritten(abs, `${hash}:${digest ?? ''}`);
      continue;
    }
    files.add(abs, text);
    cache?.markWritten(abs, `${hash}:${digest ?? ''}`);
  }
  return files.write();
}

/** The compiled files to write (paths with `/` before the file name); each folder is listed once to learn what exists. */
class CompiledFiles {
  readonly #listed = new Map<string, Set<string>>();
  readonly #missingDirs = new Set<string>();
  readonly #files: [string, string][] = [];

  #names(d: string): Set<string> {
    let names = this.#listed.get(d);
    if (!names) {
      const there = existsSync(d);
      if (!there) this.#missingDirs.add(d);
      names = new Set(there ? readdirSync(d) : []);
      this.#listed.set(d, names);
    }
    return names;
  }

  exists(abs: string): boolean {
    const cut = abs.lastIndexOf('/');
    return this.#names(abs.slice(0, cut)).has(abs.slice(cut + 1));
  }

  add(abs: string, text: string): void {
    const cut = abs.lastIndexOf('/');
    this.#names(abs.slice(0, cut)).add(abs.slice(cut + 1));
    this.#files.push([abs, text]);
  }

  write(): Promise<void> {
    return writeFilesAsync([...this.#missingDirs], this.#files);
  }
}
