import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Connection } from '../adapter.ts';
import type { GraphNode } from '../types.ts';
import { redact } from '../util/redact.ts';
import { compiledPathOf, fixturePathOf, runPathOf, type TargetLayout } from './target-paths.ts';
import { makeDirs } from '../util/make-dirs.ts';

/** A file that could not be written, for the node that wrote it. */
export interface WriteFailure {
  uniqueId: string;
  /** Relative to the project. */
  path: string;
  error: Error;
}

/** What {@link RunFiles} needs to know of the project. */
export interface RunFilesOptions extends TargetLayout {
  /** Absolute project directory; paths are written relative to it. */
  readonly projectDir: string;
  /** Values replaced by asterisks in every file written. */
  readonly secrets: readonly string[];
}

/**
 * The target/compiled and target/run files of one run, written while the warehouse works: a
 * write is queued, and the queue is written (synchronously, the cheapest way in CPU) right
 * after the runner hands the next statement to the warehouse, so the main thread's file work
 * overlaps the statement instead of adding to every node's time. A file that already holds
 * the text is left alone. Writes keep their order; each directory is created once; `flush`
 * writes whatever is left (the runner calls it before it returns, so every file is on disk
 * when the command reports).
 */
export class RunFiles {
  readonly #dirs = new Set<string>();
  #queue: { uniqueId: string; rel: string; text: string }[] = [];
  readonly #failures: WriteFailure[] = [];
  readonly #o: RunFilesOptions;
  constructor(o: RunFilesOptions) {
    this.#o = o;
  }

  /**
   * Queue `<target>/compiled/...` for a node; returns its path relative to the project. `split`:
   * one batch of a microbatch model, in a folder named after the model (`models/m/m_2026-12-05.sql`), as dbt.
   */
  compiled(node: GraphNode, sql: string, split?: string): string {
    const rel = splitPath(compiledPathOf(this.#o, node), split);
    this.#queue.push({ uniqueId: node.uniqueId, rel, text: redact(sql, this.#o.secrets) });
    return rel;
  }

  /** Queue a unit test's fixture, `<target>/compiled/<package>/<yaml file>/<name>.sql` (dbt's path for the input it stands in for). */
  compiledFixture(node: GraphNode, name: string, sql: string): void {
    this.#queue.push({ uniqueId: node.uniqueId, rel: fixturePathOf(this.#o, node, name), text: redact(sql, this.#o.secrets) });
  }

  /** Queue `<target>/run/...` holding `text` as it is. */
  ranText(node: GraphNode, text: string): void {
    this.#queue.push({ uniqueId: node.uniqueId, rel: runPathOf(this.#o, node), text: redact(text, this.#o.secrets) });
  }

  /** Queue `<target>/run/...`: every statement the node ran, in order. Nothing when it ran none. */
  ran(node: GraphNode, statements: readonly string[], split?: string): void {
    if (!statements.length) return;
    this.#queue.push({ uniqueId: node.uniqueId, rel: splitPath(runPathOf(this.#o, node), split), text: `${redact(statements.join(';\n\n'), this.#o.secrets)};\n` });
  }

  /** Write everything queued. Failures are kept for `flush`, never thrown into a node's statement. */
  writeQueued(): void {
    const q = this.#queue;
    if (!q.length) return;
    this.#queue = [];
    for (const f of q) {
      const abs = join(this.#o.projectDir, f.rel);
      // Rewriting a file costs far more than reading it (ext4 flushes a truncated file's new
      // blocks on close: milliseconds when the disk is busy), and from one run to the next most
      // files hold the same text.
      if (sameText(abs, f.text)) continue;
      try {
        const dir = dirname(abs);
        if (!this.#dirs.has(dir)) {
          makeDirs(dir);
          this.#dirs.add(dir);
        }
        writeFileSync(abs, f.text);
      } catch (e) {
        this.#failures.push({ uniqueId: f.uniqueId, path: f.rel, error: e instanceof Error ? e : new Error(String(e)) });
      }
    }
  }

  /** A connection whose statements let the queue be written while they run. */
  overlapping(conn: Connection): Connection {
    const c: Connection = {
      execute: (sql, binds) => {
        const p = conn.execute(sql, binds);
        this.writeQueued();
        return p;
      },
      describe: (schema, database, identifier, quoted) => {
        const p = conn.describe(schema, database, identifier, quoted);
        this.writeQueued();
        return p;
      },
      close: () => conn.close(),
    };
    if (conn.append) c.append = (rel, columns, rows) => conn.append!(rel, columns, rows);
    if (conn.cancel) c.cancel = () => conn.cancel!();
    return c;
  }

  /** Write what is left; the writes that failed. */
  flush(): WriteFailure[] {
    this.writeQueued();
    return this.#failures.splice(0);
  }
}

/** `models/m.sql` for batch `2026-12-05`: `models/m/m_2026-12-05.sql` (dbt's split_suffix). */
function splitPath(rel: string, split: string | undefined): string {
  if (split === undefined) return rel;
  const stem = rel.replace(/\.[^./]*$/, '');
  const ext = rel.slice(stem.length) || '.sql';
  return join(stem, `${basename(stem)}_${split}${ext}`);
}

/** Whether the file at `abs` holds `text` (false when it cannot be read). */
export function sameText(abs: string, text: string): boolean {
  try {
    return readFileSync(abs, 'utf8') === text;
  } catch {
    return false;
  }
}
