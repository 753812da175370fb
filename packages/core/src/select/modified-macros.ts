/** A macro as compiled now: what `state:modified.macros` compares with the earlier manifest's. */
export interface MacroNow {
  uniqueId: string;
  packageName: string;
  macroSql: string;
  dependsOn?: readonly string[] | undefined;
}

/**
 * A macro's text as compared: dbt's manifest keeps a file's CRLF line ends and, before a
 * `{%- macro`, the blank lines it strips; sm's does neither (fivetran dbt_zendesk: 30 of its 286
 * macros differ so, and no other way).
 */
const comparedText = (sql: string) => sql.replace(/\r\n/g, '\n').trim();

/**
 * dbt 1.11's check_modified_macros: a node is modified when a macro it calls, or one those call
 * in turn, has other text than in the earlier manifest, is new, or is gone. Only the project's
 * and its packages' macros (`packages`) are compared: dbt's and the adapter's own are sm's own,
 * and differ from a dbt manifest's without the project changing. The set of changed macros is
 * worked out once, on the first question.
 */
export function macrosModifiedCheck(previous: ReadonlyMap<string, string>, now: () => { macros: readonly MacroNow[]; packages: ReadonlySet<string> }): (calls: readonly string[]) => boolean {
  let changed: Set<string> | undefined;
  let deps: Map<string, readonly string[]> | undefined;
  const settle = () => {
    const { macros, packages } = now();
    changed = new Set();
    deps = new Map();
    const current = new Set<string>();
    for (const m of macros) {
      deps.set(m.uniqueId, m.dependsOn ?? []);
      if (!packages.has(m.packageName)) continue;
      current.add(m.uniqueId);
      const was = previous.get(m.uniqueId);
      if (was === undefined || comparedText(was) !== comparedText(m.macroSql)) changed.add(m.uniqueId);
    }
    for (const id of previous.keys()) if (!current.has(id) && packages.has(id.split('.')[1] ?? '')) changed.add(id);
  };
  return (calls) => {
    if (!changed) settle();
    if (!changed!.size) return false;
    const seen = new Set<string>();
    const stack = [...calls];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      if (changed!.has(id)) return true;
      stack.push(...(deps!.get(id) ?? []));
    }
    return false;
  };
}
