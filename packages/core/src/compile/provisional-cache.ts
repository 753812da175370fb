import { RenderCache, renderKey, type RenderCacheEntry } from '../render/render-cache.ts';
import type { ProjectRenderer } from '../render/render-project.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { ModelNode } from '../types.ts';

/**
 * The render cache of one thread of a sharded render: for the models another thread renders,
 * an entry that stands in for their render (their relation as their config before rendering
 * names it; no SQL, no dependencies to check), so a `ref()` to them costs nothing here; the
 * thread's own renders go to `real` (the cache saved to disk, if any) and are kept to hand back.
 * A stand-in is only ever right when the other thread's render names the same relation: the
 * caller checks that before using anything rendered (see parallel-render.ts).
 */
/** A config() in a template that may move the model to another relation than its config before rendering names. */
const MOVES = /config\s*\([^)]*\b(alias|schema|database|ephemeral)\b/;

export class ProvisionalCache extends RenderCache {
  readonly #standIns = new Map<string, RenderCacheEntry>();
  readonly #real: RenderCache | undefined;
  /** Entries this thread rendered, for the other thread's cache. */
  readonly own = new Map<string, RenderCacheEntry>();

  constructor(real: RenderCache | undefined) {
    super(real?.path ?? '', real?.key ?? '', new Map());
    this.#real = real;
  }

  /**
   * Stand in for every model in `others` whose relation its config before rendering names: not
   * an ephemeral one (its SQL is inlined where it is referenced), nor one whose template calls
   * config() with an alias, schema, database or ephemeral (its render would name another
   * relation). Those render for real on every thread that refers to them.
   */
  standIn(renderer: ProjectRenderer, project: LoadedProject, others: ReadonlySet<string>): Map<string, string> {
    const named = new Map<string, string>();
    for (const m of project.models) {
      if (!others.has(m.uniqueId) || m.config.materialized === 'ephemeral' || MOVES.test(m.rawCode)) continue;
      const relation = renderer.relationFor(m, m.config);
      this.#standIns.set(m.uniqueId, { checksum: renderKey(m as ModelNode), sql: '', config: m.config, relation, deps: {}, ephemerals: [], macros: [] });
      named.set(m.uniqueId, renderer.dialect.relationName(relation));
    }
    return named;
  }

  override get(id: string): RenderCacheEntry | undefined {
    return this.#standIns.get(id) ?? this.#real?.get(id);
  }

  override set(id: string, e: RenderCacheEntry): void {
    if (this.#standIns.has(id)) return;
    this.own.set(id, e);
    this.#real?.set(id, e);
  }

  override delete(id: string): void {
    if (this.#standIns.has(id)) return;
    this.own.delete(id);
    this.#real?.delete(id);
  }
}
