import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphStore } from '../render/render-options.ts';
import { jsonHoldsSecret } from '../util/redact.ts';
import { makeDirs } from '../util/make-dirs.ts';
import { writeFileAtomic } from '../util/write-json.ts';

/**
 * dbt's `graph` as the last render that built it whole found it (`<target>/.sm/graph.json`),
 * for the inputs whose digest heads the file. A template reading `graph` (elementary's
 * on-run-end hook, dbt_project_evaluator's models) needs every node's final config; without
 * this each warm run loads the project and renders every node again from the render cache to
 * build it (on 10,000 models ~4 s against ~0.1 s to read it).
 *
 * Written only when the graph's text is plain JSON whose reading gives the same values back (no
 * class instance, no function), and holds none of the target's secrets.
 */
export function graphStore(targetDir: string, digest: string | undefined, secrets: readonly string[]): GraphStore | undefined {
  if (!digest) return undefined;
  const path = join(targetDir, '.sm', 'graph.json');
  const head = `${JSON.stringify({ digest })}\n`;
  return {
    read: () => {
      if (!existsSync(path)) return undefined;
      try {
        // The digest first: a graph kept for other inputs is not read whole (tens of MB on a large project).
        if (!startsWith(path, head)) return undefined;
        const text = readFileSync(path, 'utf8');
        return text.startsWith(head) ? (JSON.parse(text.slice(head.length)) as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    },
    write: (graph) => {
      const text = plainJson(graph);
      if (text === undefined || jsonHoldsSecret(text, secrets)) return;
      try {
        makeDirs(join(targetDir, '.sm'));
        writeFileAtomic(path, head + text);
      } catch {
        // A graph not kept is built again next time.
      }
    },
  };
}

/** Whether the file at `path` begins with `head`, reading no more than that. */
function startsWith(path: string, head: string): boolean {
  const want = Buffer.from(head);
  const got = Buffer.alloc(want.length);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, got, 0, want.length, 0) === want.length && got.equals(want);
  } finally {
    closeSync(fd);
  }
}

/** `value` as JSON when reading it back gives equal values (plain objects, arrays, strings, finite numbers, booleans, null); undefined otherwise. */
function plainJson(value: unknown): string | undefined {
  let plain = true;
  const text = JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (!plain) return undefined;
    // An array's undefined would come back null.
    if (v === undefined && Array.isArray(this)) plain = false;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) plain = false;
      return v;
    }
    if (typeof v === 'object') {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null && !Array.isArray(v)) plain = false;
      return v;
    }
    // undefined is left out as JSON leaves it; a function, symbol or bigint would not come back.
    if (v !== undefined) plain = false;
    return v;
  });
  return plain ? text : undefined;
}
