import { createHash, hash as oneShotHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Relation } from '../adapter.ts';
import { codeFingerprint } from '../project/code-fingerprint.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { FoundRef, NodeConfig, TemplateMessage } from '../types.ts';
import { jsonHoldsSecret } from '../util/redact.ts';
import { writeNow, type FileSink } from '../util/background-writer.ts';
import { jsonText } from '../util/json-text.ts';
import { makeDirs } from '../util/make-dirs.ts';

/**
 * What rendering one model produced, reusable while its inputs are unchanged: its own file
 * (checksum), everything global (project file, target, vars, macros: the cache key) and what
 * each `ref()`/`source()` returned (checked again on use, so a changed alias upstream
 * re-renders its dependents). Models that read the environment or the clock are never cached.
 */
export interface RenderCacheEntry {
  checksum: string;
  sql: string;
  config: NodeConfig;
  relation: Relation;
  /** uniqueId -> what it rendered as (relation name or `ephemeral:<name>`). */
  deps: Record<string, string>;
  ephemerals: string[];
  /** The macros the template called itself (depends_on.macros). */
  macros: string[];
  /** What dbt's parse records instead (execute false), for `parse` and `ls`, when the template read execute. */
  parseMacros?: string[] | undefined;
  /** What the template showed (`log(msg, info=True)`, `print`): shown again on reuse. */
  said?: TemplateMessage[] | undefined;
  /** Its ref() calls (the node's `refs`), when it made any. */
  refCalls?: FoundRef[] | undefined;
  /** Its source() calls (the node's `sources`), when it made any. */
  sourceCalls?: [string, string][] | undefined;
  /** Its config() calls as dbt gathers them (the manifest's unrendered_config), when it made any. */
  configCall?: Record<string, unknown> | undefined;
}

const VERSION = 7;

export class RenderCache {
  readonly path: string;
  readonly key: string;
  readonly #entries: Map<string, RenderCacheEntry>;
  /** Compiled files as last written (path -> content hash), so unchanged ones are not rewritten. */
  readonly #written: Map<string, string>;
  #dirty = false;
  /** The models whose entry served their render this time (never stored). */
  readonly reused = new Set<string>();
  /** The project's secrets: an entry that holds one is not kept, since no secret goes to disk. */
  #secrets: readonly string[] = [];

  constructor(path: string, key: string, entries: Map<string, RenderCacheEntry>, written = new Map<string, string>()) {
    this.path = path;
    this.key = key;
    this.#entries = entries;
    this.#written = written;
  }


  /** What {@link markWritten} last recorded for `path`. */
  writtenAs(path: string): string | undefined {
    return this.#written.get(path);
  }

  markWritten(path: string, hash: string): void {
    if (this.#written.get(path) === hash) return;
    this.#written.set(path, hash);
    this.#dirty = true;
  }

  /** Open the cache of a project; a cache written under another key (vars, target, macros...) starts empty. */
  static open(path: string, project: LoadedProject): RenderCache {
    const key = cacheKey(project);
    if (existsSync(path)) {
      try {
        const data = JSON.parse(readFileSync(path, 'utf8')) as { version: number; key: string; entries: Record<string, RenderCacheEntry>; written?: Record<string, string> };
        if (data.version === VERSION && data.key === key) {
          const c = new RenderCache(path, key, new Map(Object.entries(data.entries)), new Map(Object.entries(data.written ?? {})));
          c.#secrets = project.secrets;
          return c;
        }
      } catch {
        // A damaged cache is only a slower compile.
      }
    }
    const c = new RenderCache(path, key, new Map());
    c.#dirty = true;
    c.#secrets = project.secrets;
    return c;
  }

  get(id: string): RenderCacheEntry | undefined {
    return this.#entries.get(id);
  }

  set(id: string, e: RenderCacheEntry): void {
    if (this.#secrets.length && jsonHoldsSecret(JSON.stringify(e), this.#secrets)) return this.delete(id);
    this.#entries.set(id, e);
    this.#dirty = true;
  }

  delete(id: string): void {
    if (this.#entries.delete(id)) this.#dirty = true;
  }

  /** Delete the cache file: what it says can no longer be trusted (e.g. files it counts as written were not). */
  discard(): void {
    rmSync(this.path, { force: true });
    this.#dirty = true;
  }

  /** Keep only the ids still in the project, then write if anything changed. */
  save(liveIds: Iterable<string>, sink: FileSink = writeNow): void {
    const live = new Set(liveIds);
    for (const id of [...this.#entries.keys()]) if (!live.has(id)) this.delete(id);
    if (!this.#dirty) return;
    makeDirs(dirname(this.path));
    sink.write(this.path, jsonText({ version: VERSION, key: this.key, entries: Object.fromEntries(this.#entries), written: Object.fromEntries(this.#written) }));
    this.#dirty = false;
  }
}

function cacheKey(p: LoadedProject): string {
  const h = createHash('sha256');
  const t = p.target;
  // Everything a template sees of the target (`target.threads` too; a DuckDB file's path names its
  // database, which relations print), and sm's own code.
  h.update(JSON.stringify({ v: VERSION, code: codeFingerprint(), config: p.config, vars: p.vars, target: { type: t.type, name: t.name, schema: t.schema, database: t.database, path: t.path ?? null, threads: t.threads } }));
  for (const m of p.macros) h.update(`\0${m.originalFilePath}\0${m.macroSql}`);
  return h.digest('hex');
}

/** RenderOptions `cache` as a function: the cache given, or the one its opener opens, once, when first asked for. */
export function cacheOnDemand(c: RenderCache | (() => RenderCache | undefined) | undefined): () => RenderCache | undefined {
  if (typeof c !== 'function') return () => c;
  let opened: { cache: RenderCache | undefined } | undefined;
  return () => (opened ??= { cache: c() }).cache;
}

/**
 * What a cached render is valid for: the node's checksum, which is dbt's (of the file stripped),
 * the length of the text rendered, so that blank lines added at either end, which move the
 * lines of the compiled SQL and of any error, render again, and the config the node was loaded
 * with (its YAML's and the project file's): a `materialized` or `meta` changed in schema YAML
 * alone must not come back as the cached render's config.
 */
export function renderKey(n: { checksum: string; rawCode: string; config: NodeConfig }): string {
  return `${n.checksum}:${n.rawCode.length}:${configDigest(n.config)}`;
}

/** One digest per loaded config object (a compile asks for each node's key several times). */
const configDigests = new WeakMap<object, string>();
function configDigest(config: NodeConfig): string {
  let d = configDigests.get(config);
  if (d === undefined) {
    // The plain call first: a replacer takes V8 off its fast serializer, and only a bigint needs one (the plain call throws on it).
    let text: string;
    try {
      text = JSON.stringify(config);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      text = JSON.stringify(config, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    }
    d = oneShotHash('sha1', text).slice(0, 16);
    configDigests.set(config, d);
  }
  return d;
}
