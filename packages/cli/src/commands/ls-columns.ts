import type { Compilation } from '@smsql/core';
import { ColumnLineageGraph, columnInfos, resolveColumnRef, type LineageStep } from '@smsql/core/check';
import { usage } from '../usage-error.ts';

/**
 * `sm ls --columns`: each selected node's columns with type and direct upstream columns.
 * `sm ls --lineage COL`: that column, with `+COL` its upstream and `COL+` its downstream
 * columns, transitively (dbt's graph operators, on columns). Both need `sm check`'s inference.
 */
export function lsColumns(c: Compilation, opts: { columns?: boolean; lineage?: string[]; output: string }): string[] {
  const r = c.check!;
  const lines: string[] = [];
  const nameOf = (id: string) => {
    const n = c.compiled.nodes.get(id);
    if (!n) return id;
    return n.resourceType === 'source' ? `source.${n.sourceName}.${n.name}` : n.name;
  };
  const typeOf = (id: string, column: string) => {
    const res = r.nodes.get(id);
    const col = res?.shape.cols.find((x) => x.name.toLowerCase() === column.toLowerCase());
    return col ? (columnInfos({ ...res!, shape: { ...res!.shape, cols: [col] } }, r.dialect)[0]!.info.data_type ?? 'unknown') : 'unknown';
  };
  if (opts.columns) {
    const selected = new Set(c.selected);
    for (const id of c.selected) {
      const res = r.nodes.get(id);
      if (!res || !selected.has(id)) continue;
      for (const { name, info } of columnInfos(res, r.dialect)) {
        if (opts.output === 'json') {
          lines.push(JSON.stringify({ unique_id: id, column: name, data_type: info.data_type, lineage: info.lineage }));
        } else {
          const from = info.lineage.map((u) => `${nameOf(u.unique_id)}.${u.column}${u.kind === 'transformed' ? '*' : ''}`).join(', ');
          lines.push(`${nameOf(id)}.${name}  ${info.data_type ?? 'unknown'}${from ? `  <- ${from}` : ''}`);
        }
      }
    }
  }
  if (opts.lineage?.length) {
    const graph = new ColumnLineageGraph(r);
    for (const expr of opts.lineage) {
      const up = expr.startsWith('+');
      const down = expr.endsWith('+');
      const text = expr.replace(/^\+/, '').replace(/\+$/, '');
      const ref = resolveColumnRef(text, c.compiled.nodes);
      if (typeof ref === 'string') throw usage(`--lineage ${expr}: ${ref}`);
      if (!graph.has(ref)) throw usage(`--lineage ${expr}: ${nameOf(ref.unique_id)} has no column "${ref.column}" that sm check knows (its columns: ${graph.columnsOf(ref.unique_id).map((x) => x.column).join(', ') || 'unknown'})`);
      const steps: (LineageStep & { direction: string })[] = [{ ...ref, depth: 0, passthrough: true, direction: 'self' }];
      if (up) steps.push(...graph.upstream(ref).map((s) => ({ ...s, direction: 'upstream' })));
      if (down) steps.push(...graph.downstream(ref).map((s) => ({ ...s, direction: 'downstream' })));
      for (const s of steps) {
        if (opts.output === 'json') {
          lines.push(JSON.stringify({ unique_id: s.unique_id, column: s.column, direction: s.direction, depth: s.depth, kind: s.passthrough ? 'passthrough' : 'transformed', data_type: typeOf(s.unique_id, s.column) }));
        } else if (opts.output === 'name') lines.push(`${nameOf(s.unique_id)}.${s.column}`);
        else lines.push(`${s.unique_id}.${s.column}${s.depth ? `  (${s.direction} ${s.depth}, ${s.passthrough ? 'passthrough' : 'transformed'})` : ''}`);
      }
    }
  }
  return lines;
}
