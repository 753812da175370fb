import type { TemplateAst } from '../jinja/ast.ts';
import { literalPair, walk } from '../jinja/ast-walk.ts';

/** What the scheduler asks of the renderer. */
export interface Schedulable {
  isRendered(id: string): boolean;
  /** Ids the node is known to need before it renders (literal refs, the cache's dependencies). */
  staticDeps(id: string): string[];
  /** Render once: undefined when done, else the ids of the nodes it must wait for, in the order to render them. */
  renderOnce(id: string): readonly string[] | undefined;
  /** `id` is done: the nodes rendered meanwhile with its relation unknown, to render again (no longer rendered). */
  finished(id: string): string[];
}

/**
 * Renders nodes in dependency order with an explicit stack, never recursion, so a chain of
 * 10,000 models compiles: depth first over each node's known dependencies, then over whatever
 * its render turns out to wait for. A node whose render stopped to wait is "started"; a ref
 * back to a started node (a node rendered for one that read `graph`, or a cycle) is resolved
 * without waiting, and rendered again once the started node is done.
 */
export class RenderScheduler {
  readonly started = new Set<string>();
  readonly #r: Schedulable;

  constructor(r: Schedulable) {
    this.#r = r;
  }

  ensure(id: string): void {
    const r = this.#r;
    if (r.isRendered(id)) return;
    const stack = [id];
    const expanded = new Set<string>();
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (r.isRendered(top)) {
        stack.pop();
        continue;
      }
      if (!expanded.has(top)) {
        expanded.add(top);
        for (const dep of r.staticDeps(top)) if (dep !== top && !r.isRendered(dep) && !this.started.has(dep)) stack.push(dep);
        continue;
      }
      const need = r.renderOnce(top);
      if (need === undefined) {
        stack.pop();
        this.started.delete(top);
        stack.push(...r.finished(top));
      } else {
        this.started.add(top);
        // The first to render on top.
        for (let i = need.length - 1; i >= 0; i--) stack.push(need[i]!);
      }
    }
  }
}

/** The `ref('name')` / `ref('pkg', 'name')` calls of a template whose arguments are literal strings. */
export function literalRefs(ast: TemplateAst): [pkg: string | undefined, name: string][] {
  const out: [string | undefined, string][] = [];
  walk(ast.body, (e) => {
    if (e.kind !== 'call' || e.fn.kind !== 'name' || e.fn.name !== 'ref') return;
    const names = literalPair(e.args);
    if (names) out.push(names);
  });
  return out;
}

