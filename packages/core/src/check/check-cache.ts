import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { codeFingerprint } from '../project/code-fingerprint.ts';
import type { SqlType } from './types/sql-type.ts';
import type { NodeCheck } from './node-check.ts';

/** Bump when inference changes, so results computed by an older checker are not reused. */
export const CHECK_VERSION = 1;

type StoredCol = [name: string, key: string, type: SqlType, lineage: [string, boolean][]];
interface StoredCheck {
  status: NodeCheck['status'];
  reason?: string | undefined;
  from: NodeCheck['from'];
  cols: StoredCol[];
  open: boolean;
  openOrigin?: string | undefined;
  diagnostics: Diagnostic[];
  digest: string;
  outDigest: string;
}

/**
 * Check results per node, keyed by node id and valid while the node's digest is unchanged
 * (its SQL, its YAML, its parents' columns). Kept in target/.sm/check-cache.json.
 */
export class CheckCache {
  readonly #path: string;
  readonly #dialect: string;
  readonly #entries: Map<string, StoredCheck>;
  #dirty = false;

  private constructor(path: string, dialect: string, entries: Map<string, StoredCheck>) {
    this.#path = path;
    this.#dialect = dialect;
    this.#entries = entries;
  }

  /** Open the cache of one dialect; a missing, unreadable or older file is an empty cache. */
  static open(path: string, dialect: string): CheckCache {
    let entries = new Map<string, StoredCheck>();
    if (existsSync(path)) {
      try {
        const data = JSON.parse(readFileSync(path, 'utf8')) as { version?: number; code?: string; dialect?: string; entries?: Record<string, StoredCheck> };
        // Results of another build of sm (an upgrade, an edit of the checker) are not reused.
        if (data.version === CHECK_VERSION && data.code === codeFingerprint() && data.dialect === dialect && data.entries) entries = new Map(Object.entries(data.entries));
      } catch {
        entries = new Map();
      }
    }
    return new CheckCache(path, dialect, entries);
  }

  get(id: string, digest: string): NodeCheck | undefined {
    const e = this.#entries.get(id);
    if (!e || e.digest !== digest) return undefined;
    return {
      id,
      status: e.status,
      reason: e.reason,
      from: e.from,
      shape: { cols: e.cols.map(([name, key, type, lineage]) => ({ name, key, type, lineage: new Map(lineage) })), open: e.open, openOrigin: e.openOrigin },
      diagnostics: e.diagnostics,
      digest: e.digest,
      outDigest: e.outDigest,
    };
  }

  set(r: NodeCheck): void {
    this.#dirty = true;
    this.#entries.set(r.id, {
      status: r.status,
      reason: r.reason,
      from: r.from,
      cols: r.shape.cols.map((c) => [c.name, c.key, c.type, [...c.lineage]]),
      open: r.shape.open,
      openOrigin: r.shape.openOrigin,
      diagnostics: r.diagnostics.map(({ cause: _c, ...d }) => d),
      digest: r.digest,
      outDigest: r.outDigest,
    });
  }

  /** Forget nodes that no longer exist, and write the file if anything changed. */
  save(keep: Iterable<string>): void {
    const live = new Set(keep);
    for (const id of this.#entries.keys()) {
      if (!live.has(id)) {
        this.#entries.delete(id);
        this.#dirty = true;
      }
    }
    if (!this.#dirty) return;
    mkdirSync(dirname(this.#path), { recursive: true });
    const tmp = `${this.#path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ version: CHECK_VERSION, code: codeFingerprint(), dialect: this.#dialect, entries: Object.fromEntries(this.#entries) }));
    renameSync(tmp, this.#path);
    this.#dirty = false;
  }
}
