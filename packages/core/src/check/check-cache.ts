import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { codeFingerprint } from '../project/code-fingerprint.ts';
import type { SqlType } from './types/sql-type.ts';
import type { NodeCheck } from './node-check.ts';
import type { Shape } from './infer/shape.ts';
import { writeFileAtomic } from '../util/write-json.ts';
import { makeDirs } from '../util/make-dirs.ts';

/** Bump when the files' layout changes. (A change of the checker's code is seen by its code fingerprint.) */
export const CHECK_VERSION = 3;

/**
 * What every command needs of a node's result, read on every check, so kept small: digest,
 * output digest, status, where the columns came from, open (1/0), then reason and diagnostics
 * when there are any.
 */
type IndexEntry = [digest: string, outDigest: string, status: NodeCheck['status'], from: NodeCheck['from'], open: 0 | 1, reason?: string | null, diagnostics?: Diagnostic[]];

/** A cached result: the columns are read from the shapes file the first time they are asked for. */
class CachedCheck implements NodeCheck {
  readonly id: string;
  readonly #e: IndexEntry;
  readonly #cache: CheckCache;
  constructor(id: string, e: IndexEntry, cache: CheckCache) {
    this.id = id;
    this.#e = e;
    this.#cache = cache;
  }
  get status(): NodeCheck['status'] {
    return this.#e[2];
  }
  get reason(): string | undefined {
    return this.#e[5] ?? undefined;
  }
  get from(): NodeCheck['from'] {
    return this.#e[3];
  }
  get open(): boolean {
    return this.#e[4] === 1;
  }
  get diagnostics(): readonly Diagnostic[] {
    return this.#e[6] ?? [];
  }
  get digest(): string {
    return this.#e[0];
  }
  get outDigest(): string {
    return this.#e[1];
  }
  get shape(): Shape {
    return this.#cache.shapeOf(this.id);
  }
}

type StoredCol = [name: string, key: string, type: SqlType, lineage: [string, boolean][]];
type StoredShape = [cols: StoredCol[], open: boolean, openOrigin: string | undefined];

interface IndexFile {
  version: number;
  code: string;
  dialect: string;
  /** Inputs (project, catalog) of the last check of the whole project: equal inputs, equal results. */
  runKey?: string | undefined;
  entries: Record<string, IndexEntry>;
}

/**
 * Check results per node, valid while the node's digest is unchanged (its SQL, its YAML, its
 * parents' columns). In two files under target/.sm/: an index (digests, statuses, diagnostics)
 * read by every check, and the columns with their lineage, read only when a result needs them
 * (a changed child, a manifest that is not reused), so an unchanged project checks in the time
 * it takes to read the index.
 */
export class CheckCache {
  readonly #dir: string;
  readonly #dialect: string;
  readonly #index: IndexFile;
  #shapes: Map<string, StoredShape> | undefined;
  readonly #fresh = new Map<string, Shape>();
  #dirty = false;

  private constructor(dir: string, dialect: string, index: IndexFile) {
    this.#dir = dir;
    this.#dialect = dialect;
    this.#index = index;
  }

  /** Open the cache of one dialect in `dir`; missing, unreadable or another sm's files are an empty cache. */
  static open(dir: string, dialect: string): CheckCache {
    const empty: IndexFile = { version: CHECK_VERSION, code: codeFingerprint(), dialect, entries: {} };
    const data = readJson<IndexFile>(join(dir, 'check-index.json'));
    // Results of another build of sm (an upgrade, an edit of the checker) are not reused.
    const ok = data && data.version === CHECK_VERSION && data.code === empty.code && data.dialect === dialect && data.entries && existsSync(join(dir, 'check-shapes.json'));
    return new CheckCache(dir, dialect, ok ? data : empty);
  }

  /** The input key of the last whole-project check. */
  get runKey(): string | undefined {
    return this.#index.runKey;
  }

  /** The input key of the last whole-project check in `dir`, from its own small file (the index is not read). */
  static lastRunKey(dir: string): string | undefined {
    const path = join(dir, 'run-key');
    if (!existsSync(path)) return undefined;
    try {
      const [code, key] = readFileSync(path, 'utf8').split('\n');
      return code === `${CHECK_VERSION}:${codeFingerprint()}` ? key : undefined;
    } catch {
      return undefined;
    }
  }

  has(id: string): boolean {
    return id in this.#index.entries;
  }

  /** The cached result of a node, if it was computed from `digest` (any digest when undefined: the caller knows the inputs are unchanged). */
  get(id: string, digest: string | undefined): NodeCheck | undefined {
    const e = this.#index.entries[id];
    if (!e || (digest !== undefined && e[0] !== digest)) return undefined;
    return new CachedCheck(id, e, this);
  }

  set(r: NodeCheck): void {
    this.#loadShapes();
    this.#dirty = true;
    const e: IndexEntry = [r.digest, r.outDigest, r.status, r.from, r.shape.open ? 1 : 0];
    if (r.reason || r.diagnostics.length) e.push(r.reason ?? null);
    if (r.diagnostics.length) e.push(r.diagnostics.map(({ cause: _c, ...d }) => d));
    this.#index.entries[r.id] = e;
    this.#fresh.delete(r.id);
    this.#shapes!.set(r.id, [r.shape.cols.map((c) => [c.name, c.key, c.type, [...c.lineage]]), r.shape.open, r.shape.openOrigin]);
  }

  /**
   * Forget nodes that no longer exist and write what changed. `runKey`: the inputs of this
   * check when it covered the whole project (else the key is cleared).
   */
  save(keep: Iterable<string>, runKey: string | undefined): void {
    const live = new Set(keep);
    for (const id of Object.keys(this.#index.entries)) {
      if (!live.has(id)) {
        this.#loadShapes();
        delete this.#index.entries[id];
        this.#shapes!.delete(id);
        this.#dirty = true;
      }
    }
    if (this.#index.runKey !== runKey) {
      this.#index.runKey = runKey;
      this.#dirty = true;
    }
    if (!this.#dirty) return;
    makeDirs(this.#dir);
    if (this.#shapes) writeJson(join(this.#dir, 'check-shapes.json'), { version: CHECK_VERSION, code: this.#index.code, dialect: this.#dialect, shapes: Object.fromEntries(this.#shapes) });
    writeJson(join(this.#dir, 'check-index.json'), this.#index);
    // Last, so that the key never names results not yet written.
    writeText(join(this.#dir, 'run-key'), runKey ? `${CHECK_VERSION}:${this.#index.code}\n${runKey}` : '');
    this.#dirty = false;
  }

  #loadShapes(): void {
    if (this.#shapes) return;
    const data = readJson<{ version: number; code: string; dialect: string; shapes: Record<string, StoredShape> }>(join(this.#dir, 'check-shapes.json'));
    const ok = data && data.version === CHECK_VERSION && data.code === this.#index.code && data.dialect === this.#dialect;
    this.#shapes = new Map(ok ? Object.entries(data.shapes) : []);
    // An index without its shapes is of no use: start over.
    if (!ok && Object.keys(this.#index.entries).length) {
      this.#index.entries = {};
      this.#dirty = true;
    }
  }

  /** A node's columns, from the shapes file (read once, when first needed). */
  shapeOf(id: string): Shape {
    const hit = this.#fresh.get(id);
    if (hit) return hit;
    this.#loadShapes();
    const s = this.#shapes!.get(id);
    const shape: Shape = s
      ? { cols: s[0].map(([name, key, type, lineage]) => ({ name, key, type, lineage: new Map(lineage) })), open: s[1], openOrigin: s[2] ?? undefined }
      : { cols: [], open: true };
    this.#fresh.set(id, shape);
    return shape;
  }
}

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function writeJson(path: string, data: unknown): void {
  makeDirs(dirname(path));
  writeFileAtomic(path, JSON.stringify(data));
}

function writeText(path: string, text: string): void {
  writeFileAtomic(path, text);
}
