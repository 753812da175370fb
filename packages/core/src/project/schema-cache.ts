import { hash as oneShotHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import { writeJsonFileAtomic } from '../util/write-json.ts';
import { emptyDecls, readSchemaYaml, type SchemaDecls } from './schema-yaml.ts';
import { parseYamlText, type YamlFile } from './yaml-file.ts';
import { makeDirs } from '../util/make-dirs.ts';

/** What one schema YAML file contributes, as plain data: reusable while the file's text is unchanged. */
interface Entry {
  /** sha256 of the file's text. */
  hash: string;
  decls: SchemaDecls;
  diagnostics: Diagnostic[];
}

const VERSION = 2;

/**
 * Schema YAML files as read before, keyed by path and checked by the hash of their text, so a
 * warm load does not parse them again (YAML parsing was an eighth of a warm 10,000-model
 * compile). What a file contributes depends on its text alone; `codeFingerprint` drops the
 * cache when sm's own code changes.
 */
export class SchemaCache {
  readonly #path: string | undefined;
  readonly #key: string;
  readonly #old: Map<string, Entry>;
  readonly #now = new Map<string, Entry>();
  #dirty = false;

  private constructor(path: string | undefined, key: string, old: Map<string, Entry>) {
    this.#path = path;
    this.#key = key;
    this.#old = old;
  }

  /** Open the cache file at `path`; no path: a cache that remembers nothing (every file is parsed). */
  static open(path: string | undefined): SchemaCache {
    const key = `${VERSION}:${codeFingerprint()}`;
    if (path && existsSync(path)) {
      try {
        const data = JSON.parse(readFileSync(path, 'utf8')) as { key: string; files: Record<string, Entry> };
        if (data.key === key) return new SchemaCache(path, key, new Map(Object.entries(data.files)));
      } catch {
        // A damaged cache is only a slower load.
      }
    }
    return new SchemaCache(path, key, new Map());
  }

  /**
   * Read one schema file into `into`: from the cache when its text is unchanged, else parsed.
   * Returns the file as a YamlFile (parsed only when its data or locations are asked for) and
   * whether it declares snapshots.
   */
  read(text: string, rel: string, into: SchemaDecls, diagnostics: Diagnostic[]): { yaml: YamlFile | undefined; hasSnapshots: boolean } {
    const hash = oneShotHash('sha256', text);
    let e = this.#old.get(rel);
    let yaml: YamlFile | undefined;
    if (!e || e.hash !== hash) {
      const decls = emptyDecls();
      const diags: Diagnostic[] = [];
      yaml = parseYamlText(text, rel, diags, 'warn');
      if (yaml) readSchemaYaml(yaml, decls, diags);
      e = { hash, decls, diagnostics: diags };
      // Only plain JSON round-trips through the cache file; anything else is parsed every time.
      if (jsonSafe(e)) this.#dirty = true;
      else e = undefined;
      if (!e) {
        append(into, decls);
        diagnostics.push(...diags);
        return { yaml, hasSnapshots: decls.snapshots.length > 0 };
      }
    }
    this.#now.set(rel, e);
    append(into, e.decls);
    diagnostics.push(...e.diagnostics);
    return { yaml: yaml ?? lazyYaml(text, rel), hasSnapshots: e.decls.snapshots.length > 0 };
  }

  /**
   * Write the entries of the files read in this load, if any changed or went away. Call it
   * before anything can change the declarations handed out (they are the entries' own objects).
   */
  save(): void {
    if (!this.#path) return;
    if (!this.#dirty && this.#old.size === this.#now.size) return;
    try {
      makeDirs(dirname(this.#path));
      writeJsonFileAtomic(this.#path, { key: this.#key, files: Object.fromEntries(this.#now) });
    } catch {
      // An unwritable target/ only costs the next load a parse.
    }
  }
}

function append(into: SchemaDecls, d: SchemaDecls): void {
  into.models.push(...d.models);
  into.seeds.push(...d.seeds);
  into.snapshots.push(...d.snapshots);
  into.analyses.push(...(d.analyses ?? []));
  into.sources.push(...d.sources);
  into.unitTests.push(...d.unitTests);
  into.exposures.push(...d.exposures);
  into.groups.push(...d.groups);
  into.semantic.push(...d.semantic);
  into.macroPatches.push(...(d.macroPatches ?? []));
}

/** A YamlFile that parses its text the first time its data or a location is asked for. */
function lazyYaml(text: string, rel: string): YamlFile {
  let parsed: YamlFile | undefined;
  const get = () => (parsed ??= parseYamlText(text, rel, [])!);
  return {
    file: rel,
    get data() {
      return get().data;
    },
    locate: (path) => get().locate(path),
  };
}

/** Whether `v` survives JSON.stringify/parse unchanged (plain objects, arrays, strings, finite numbers, booleans, null). */
function jsonSafe(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(jsonSafe);
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    // An undefined property is dropped by JSON; that reads back the same through `obj.key`.
    return Object.values(v as object).every((x) => x === undefined || jsonSafe(x));
  }
  return false;
}
