import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Connection } from '../adapter.ts';
import type { GraphNode, TestNode } from '../types.ts';
import { redact } from './redact.ts';
import type { RunnerOptions } from './runner.ts';

/** target/compiled/<project>/<file>: the SQL a node's template rendered to. */
export function compiledPathOf(o: RunnerOptions, node: GraphNode): string {
  const project = o.compiled.project.config.name;
  // Generic and unit tests live in a YAML file that holds many: each gets a file under it.
  const file = (node.resourceType === 'test' && (node as TestNode).testMetadata) || node.resourceType === 'unit_test' ? `${node.originalFilePath}/${node.name}.sql` : node.originalFilePath;
  return join(o.compiled.project.config.targetPath, 'compiled', project, file);
}

/** A file that could not be written, for the node that wrote it. */
export interface WriteFailure {
  uniqueId: string;
  /** Relative to the project. */
  path: string;
  error: Error;
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
  readonly #projectDir: string;
  constructor(projectDir: string) {
    this.#projectDir = projectDir;
  }

  write(uniqueId: string, rel: string, text: string): void {
    this.#queue.push({ uniqueId, rel, text });
  }

  /** Write everything queued. Failures are kept for `flush`, never thrown into a node's statement. */
  writeQueued(): void {
    const q = this.#queue;
    if (!q.length) return;
    this.#queue = [];
    for (const f of q) {
      const abs = join(this.#projectDir, f.rel);
      // Rewriting a file costs far more than reading it (ext4 flushes a truncated file's new
      // blocks on close: milliseconds when the disk is busy), and from one run to the next most
      // files hold the same text.
      if (sameText(abs, f.text)) continue;
      try {
        const dir = dirname(abs);
        if (!this.#dirs.has(dir)) {
          mkdirSync(dir, { recursive: true });
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
      describe: (schema, database) => {
        const p = conn.describe(schema, database);
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

function sameText(abs: string, text: string): boolean {
  try {
    return readFileSync(abs, 'utf8') === text;
  } catch {
    return false;
  }
}

/** The runner registers its writer here for the executors, which only get the runner's options. */
const filesOf = new WeakMap<RunnerOptions, RunFiles>();

export function useRunFiles(o: RunnerOptions, files: RunFiles): void {
  filesOf.set(o, files);
}

function put(o: RunnerOptions, node: GraphNode, rel: string, text: string): void {
  const files = filesOf.get(o);
  if (files) return files.write(node.uniqueId, rel, text);
  const abs = join(o.compiled.project.dir, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}

export function writeCompiled(o: RunnerOptions, node: GraphNode, sql: string): string {
  const rel = compiledPathOf(o, node);
  put(o, node, rel, `${redact(sql, o.secrets)}\n`);
  return rel;
}

export function writeRunSql(o: RunnerOptions, node: GraphNode, statements: string[]): void {
  if (!statements.length) return;
  const rel = compiledPathOf(o, node).replace(/(^|\/)compiled\//, '$1run/');
  put(o, node, rel, `${redact(statements.join(';\n\n'), o.secrets)};\n`);
}
