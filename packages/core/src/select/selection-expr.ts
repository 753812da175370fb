/**
 * A selection, parsed once into a typed expression (dbt's grammar: space is union, comma
 * intersection, `+`/`N+`/`@` graph operators, methods `tag:` `path:` ...). Commands and tools
 * build these directly (watch, retry, show, selectors); only the command line is parsed.
 */

/** dbt's `--indirect-selection` (and selectors.yml's `indirect_selection:`): when a test joins the selection of its parents. */
export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';

/** One criterion: a method and a value, with graph operators. */
export interface Criterion {
  readonly kind: 'criterion';
  /** `fqn` (a bare name), `tag`, `path`, `file`, `source`, `unique_id`, `resource_type`, `package`, `test_type`, `test_name`, `state`, `result`, `source_status`, `selector`, `config.<key>`. */
  readonly method: string;
  readonly value: string;
  /** Ancestors to add, to this depth (`+x`: Infinity, `2+x`: 2). */
  readonly parents?: number | undefined;
  /** Descendants to add, to this depth. */
  readonly children?: number | undefined;
  /** `@x`: x, its descendants, and every ancestor of those. */
  readonly childrensParents?: boolean | undefined;
  /** As the user typed it, for messages; absent when built in code. */
  readonly text?: string | undefined;
  /** selectors.yml's `indirect_selection:` for this criterion (else the command's). */
  readonly indirectSelection?: IndirectSelection | undefined;
}

export type SelectionExpr =
  | Criterion
  /**
   * `testsOfWhole`: a union or intersection written on the command line: in the command's
   * cautious and buildable modes a test held back by its parts joins when the whole holds its
   * parents (dbt's incorporate_indirect_nodes). `indirectSelection`: the group's own mode
   * instead; without either (built in code, or in selectors.yml) it is dbt's default, eager,
   * which adds nothing at this level.
   */
  | { readonly kind: 'union'; readonly items: readonly SelectionExpr[]; readonly testsOfWhole?: boolean | undefined; readonly indirectSelection?: IndirectSelection | undefined }
  | { readonly kind: 'intersection'; readonly items: readonly SelectionExpr[]; readonly text?: string | undefined; readonly testsOfWhole?: boolean | undefined; readonly indirectSelection?: IndirectSelection | undefined }
  | { readonly kind: 'difference'; readonly include: SelectionExpr; readonly exclude: SelectionExpr; readonly indirectSelection?: IndirectSelection | undefined };

/** What a command selects: `include` (undefined: everything), less `exclude`, as typed for messages. */
export interface Selection {
  readonly include?: SelectionExpr | undefined;
  readonly exclude?: SelectionExpr | undefined;
}

export const criterion = (method: string, value: string, ops: Partial<Pick<Criterion, 'parents' | 'children' | 'childrensParents' | 'text' | 'indirectSelection'>> = {}): Criterion => ({ kind: 'criterion', method, value, ...ops });
export const union = (items: readonly SelectionExpr[]): SelectionExpr => ({ kind: 'union', items });
export const intersection = (items: readonly SelectionExpr[]): SelectionExpr => ({ kind: 'intersection', items });

/** A node by id and, with `descendants`, everything downstream of it. */
export const byId = (uniqueId: string, descendants = false): Criterion => criterion('unique_id', uniqueId, descendants ? { children: Infinity } : {});

/** The criterion as dbt's command line writes it (`+tag:x+2`), for messages. */
export function criterionText(c: Criterion): string {
  if (c.text !== undefined) return c.text;
  const body = c.method === 'fqn' ? c.value : `${c.method}:${c.value}`;
  if (c.childrensParents) return `@${body}`;
  const up = c.parents === undefined ? '' : c.parents === Infinity ? '+' : `${c.parents}+`;
  const down = c.children === undefined ? '' : c.children === Infinity ? '+' : `+${c.children}`;
  return `${up}${body}${down}`;
}

/** The expression as a command line would write it: items of a union by space, of an intersection by comma. */
export function selectionText(e: SelectionExpr): string {
  switch (e.kind) {
    case 'criterion':
      return criterionText(e);
    case 'union':
      return e.items.map(selectionText).join(' ');
    case 'intersection':
      return e.text ?? e.items.map(selectionText).join(',');
    case 'difference':
      return `${selectionText(e.include)} --exclude ${selectionText(e.exclude)}`;
  }
}
