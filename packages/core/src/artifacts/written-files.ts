import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeJsonFileAtomic } from '../util/write-json.ts';
import { makeDirs } from '../util/make-dirs.ts';

/**
 * Which compiled files were last written with what (path -> `<content hash>:<input digest>`),
 * so a compile of unchanged inputs leaves ten thousand files alone without reading them.
 * Kept in `<target>/.sm/compiled-files.json`.
 */
export class WrittenFiles {
  readonly #path: string;
  readonly #map: Map<string, string>;
  #dirty = false;

  private constructor(path: string, map: Map<string, string>) {
    this.#path = path;
    this.#map = map;
  }

  static open(path: string): WrittenFiles {
    try {
      return new WrittenFiles(path, new Map(Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>)));
    } catch {
      // Missing or damaged: every file is compared afresh.
      return new WrittenFiles(path, new Map());
    }
  }

  writtenAs(path: string): string | undefined {
    return this.#map.get(path);
  }

  markWritten(path: string, as: string): void {
    if (this.#map.get(path) === as) return;
    this.#map.set(path, as);
    this.#dirty = true;
  }

  save(): void {
    if (!this.#dirty) return;
    makeDirs(dirname(this.#path));
    writeJsonFileAtomic(this.#path, Object.fromEntries(this.#map));
    this.#dirty = false;
  }

  /** Forget everything: files it counts as written may not be. */
  discard(): void {
    rmSync(this.#path, { force: true });
    this.#map.clear();
  }
}
