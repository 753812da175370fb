import type { QuotedParts, RelationInfo } from '../adapter.ts';
import { ControlSignal } from '../jinja/errors.ts';

/**
 * Templates render synchronously; the warehouse answers asynchronously. A render that needs an
 * answer it does not have yet stops with {@link NeedWarehouse}; the caller asks the warehouse,
 * records the answer and renders again from the start, and this time the question is answered
 * from the record (by its position in the sequence of questions). Each statement runs once.
 */

/** What a template asked of the warehouse. */
export type WarehouseRequest = { kind: 'query'; sql: string; fetch: boolean } | { kind: 'describe'; schema: string; database?: string | undefined; quoted?: QuotedParts | undefined };

/** The warehouse's answer, or its error (raised in the template where it asked). */
export type WarehouseAnswer =
  | { kind: 'query'; columns: string[]; rows: unknown[][]; rowsAffected?: number | undefined; types?: readonly string[] | undefined }
  | { kind: 'describe'; relations: RelationInfo[] }
  | { kind: 'error'; message: string };

export class NeedWarehouse extends ControlSignal {
  readonly request: WarehouseRequest;
  constructor(request: WarehouseRequest) {
    super();
    this.request = request;
  }
}

/** Raised when a template asks the warehouse and there is none (compile): render the node as dbt parses it. */
export class NoWarehouse extends ControlSignal {}

/** A warehouse error, raised where the template asked (run_query, statement, adapter.*). */
export class WarehouseQueryError extends Error {
  readonly kind = 'WarehouseQueryError';
  readonly sql: string | undefined;
  constructor(message: string, sql?: string) {
    super(message);
    this.sql = sql;
  }
}

function same(a: WarehouseRequest, b: WarehouseRequest): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'query' && b.kind === 'query') return a.sql === b.sql;
  if (a.kind === 'describe' && b.kind === 'describe') return a.schema === b.schema && a.database === b.database && !!a.quoted?.schema === !!b.quoted?.schema && !!a.quoted?.database === !!b.quoted?.database;
  return false;
}

/** The record of one node's questions and answers, replayed on each render. */
export class WarehouseLog {
  readonly entries: { request: WarehouseRequest; answer: WarehouseAnswer }[] = [];
  #next = 0;
  /** The clock's readings (`modules.datetime...now()`), replayed in order too: a render again reads the times the first one did. */
  readonly #times: number[] = [];
  #nextTime = 0;
  /** Whether a connection stands behind this log (execution) or not (compile). */
  readonly live: boolean;
  constructor(live: boolean) {
    this.live = live;
  }
  /** Start a render from the first question again. */
  rewind(): void {
    this.#next = 0;
    this.#nextTime = 0;
  }
  /**
   * The time now, as the render first read it: a template that puts the time into a query
   * (elementary's `generated_at`) asks the same question again after each answer.
   */
  now(): number {
    const i = this.#nextTime++;
    return (this.#times[i] ??= Date.now());
  }
  ask(request: WarehouseRequest): WarehouseAnswer {
    const i = this.#next++;
    const e = this.entries[i];
    if (e) {
      if (!same(e.request, request)) throw new Error(`The template asked the warehouse something else on rendering again (question ${i + 1}): it must ask the same questions in the same order`);
      if (e.answer.kind === 'error') throw new WarehouseQueryError(e.answer.message, request.kind === 'query' ? request.sql : undefined);
      return e.answer;
    }
    if (!this.live) throw new NoWarehouse();
    throw new NeedWarehouse(request);
  }
}
