/**
 * Pure: the SQL of a snapshot run. The first run creates the table from the source with the
 * meta columns; later runs compare the staged source with the current versions, close the
 * versions that changed (or vanished, per hard_deletes) and insert the new ones. The caller
 * runs everything in one transaction where the warehouse allows it.
 */
import type { ColumnDef, Dialect, QueryResult, Relation, RelationInfo } from '../adapter.ts';
import { tempRelation, type PlanContext, type Statement } from '../plan/plan.ts';
import { sql, type Plan, type Step } from '../plan/step.ts';
import type { ModelNode } from '../types.ts';
import type { SnapshotSpec } from './snapshot-spec.ts';

/** Relations a snapshot run stages beside its table, dropped before the run ends. */
export function snapshotStages(rel: Relation): { source: Relation; changes: Relation; deletes: Relation } {
  return { source: tempRelation(rel, 'src'), changes: tempRelation(rel, 'chg'), deletes: tempRelation(rel, 'del') };
}

/** A timestamp literal for "now", fixed once per run so every statement agrees. */
export function nowLiteral(d: Dialect, at: Date): string {
  return `cast(${d.quoteString(at.toISOString().replace('T', ' ').replace('Z', ''))} as timestamp)`;
}

class SnapshotSql {
  readonly d: Dialect;
  readonly s: SnapshotSpec;
  readonly now: string;
  constructor(d: Dialect, s: SnapshotSpec, now: string) {
    this.d = d;
    this.s = s;
    this.now = now;
  }
  q(c: string): string {
    return this.d.quoteIdentifier(c);
  }
  /** When the new version starts: the source's updated_at, or now for the check strategy. */
  validFrom(src: string, cur?: string): string {
    if (this.s.strategy === 'check') return this.now;
    const u = this.s.updatedAt!;
    const vf = /^\w+$/.test(u) ? `${src}.${this.q(u)}` : u;
    if (!cur || this.s.hardDeletes !== 'new_record') return vf;
    // A row back after its deletion version may carry an older updated_at: start it now, so versions never overlap.
    const n = this.s.names;
    return `case when ${cur}.${this.q(n.is_deleted)} = 'True' and not (${vf} > ${cur}.${this.q(n.valid_from)}) then ${this.now} else ${vf} end`;
  }
  /** The valid_to of a current row, typed like valid_from. */
  openEnd(vf: string): string {
    return this.s.validToCurrent ? `coalesce(nullif(${vf}, ${vf}), ${this.s.validToCurrent})` : `nullif(${vf}, ${vf})`;
  }
  /** dbt's: the hash of the key and valid_from; a deletion version's, of the deleted version's id and the time of the run. */
  scdId(src: string, vf: string, deleted = false): string {
    const parts = [...(deleted ? [`${src}.${this.q(this.s.names.scd_id)}`] : this.s.uniqueKey.map((k) => `${src}.${this.q(k)}`)), vf].map((e) => `coalesce(cast(${e} as ${this.d.stringType}), '')`);
    return `md5(${parts.join(` || '|' || `)})`;
  }
  isCurrent(alias: string): string {
    const vt = `${alias}.${this.q(this.s.names.valid_to)}`;
    return this.s.validToCurrent ? `(${vt} is null or ${vt} = ${this.s.validToCurrent})` : `${vt} is null`;
  }
  keyMatch(a: string, b: string): string {
    return this.s.uniqueKey.map((k) => `${a}.${this.q(k)} = ${b}.${this.q(k)}`).join(' and ');
  }
  meta(src: string, deleted: boolean, cur?: string): string {
    const n = this.s.names;
    const vf = this.validFrom(src, cur);
    // dbt's order: scd_id, updated_at, valid_from, valid_to (then is_deleted).
    const cols = [`${this.scdId(src, vf, deleted)} as ${this.q(n.scd_id)}`, `${vf} as ${this.q(n.updated_at)}`, `${vf} as ${this.q(n.valid_from)}`, `${this.openEnd(vf)} as ${this.q(n.valid_to)}`];
    if (this.s.hardDeletes === 'new_record') cols.push(`${deleted ? "'True'" : "'False'"} as ${this.q(n.is_deleted)}`);
    return cols.join(',\n  ');
  }
  metaNames(): string[] {
    const n = this.s.names;
    return [n.scd_id, n.updated_at, n.valid_from, n.valid_to, ...(this.s.hardDeletes === 'new_record' ? [n.is_deleted] : [])];
  }
}

/** The first run: the whole source, every row current. */
export function planSnapshotCreate(rel: Relation, sourceSql: string, spec: SnapshotSpec, d: Dialect, at: Date): string {
  const x = new SnapshotSql(d, spec, nowLiteral(d, at));
  return d.createTableAs(rel, `select sm_src.*,\n  ${x.meta('sm_src', false)}\nfrom (\n${sourceSql}\n) as sm_src`);
}

/**
 * A later run over the staged source. `sourceColumns` are the staged source's columns,
 * `snapshotColumns` the table's. Statements marked `countsRows` count versions written.
 */
export function planSnapshotUpdate(
  rel: Relation,
  spec: SnapshotSpec,
  sourceColumns: readonly ColumnDef[],
  snapshotColumns: readonly ColumnDef[],
  d: Dialect,
  at: Date,
  temporary = false,
): Statement[] {
  const x = new SnapshotSql(d, spec, nowLiteral(d, at));
  const tmp = { temporary };
  const n = spec.names;
  const st = snapshotStages(rel);
  const R = d.relationName(rel);
  const has = (list: readonly ColumnDef[], c: string) => list.some((s) => s.name.toLowerCase() === c.toLowerCase());
  const out: Statement[] = [];
  // New source columns join the history (older versions hold null), as in dbt.
  for (const c of sourceColumns) if (!has(snapshotColumns, c.name)) out.push({ sql: d.addColumn(rel, c) });
  if (spec.hardDeletes === 'new_record' && !has(snapshotColumns, n.is_deleted)) out.push({ sql: d.addColumn(rel, { name: n.is_deleted, type: d.stringType }) });
  const srcCols = sourceColumns.map((c) => c.name);
  const checked = spec.checkCols === 'all' ? srcCols.filter((c) => !spec.uniqueKey.some((k) => k.toLowerCase() === c.toLowerCase())) : spec.checkCols;
  const changed =
    spec.strategy === 'timestamp'
      ? `sm_cur.${x.q(n.valid_from)} < ${x.validFrom('sm_src')}`
      : checked.map((c) => `sm_cur.${x.q(c)} is distinct from sm_src.${x.q(c)}`).join(' or ') || 'false';
  const revived = spec.hardDeletes === 'new_record' ? ` or sm_cur.${x.q(n.is_deleted)} = 'True'` : '';
  const firstKey = `sm_cur.${x.q(n.scd_id)}`;
  out.push({ sql: d.dropRelation(st.changes, 'table') });
  out.push({
    sql: d.createTableAs(
      st.changes,
      [
        `select sm_src.*,\n  ${x.meta('sm_src', false, has(snapshotColumns, n.is_deleted) ? 'sm_cur' : undefined)}`,
        `from ${d.relationName(st.source)} as sm_src`,
        `left join (select * from ${R} as sm_snap where ${x.isCurrent('sm_snap')}) as sm_cur on ${x.keyMatch('sm_cur', 'sm_src')}`,
        `where ${firstKey} is null or (${changed})${revived}`,
      ].join('\n'),
      tmp,
    ),
  });
  if (spec.hardDeletes !== 'ignore') {
    const notDeleted = spec.hardDeletes === 'new_record' && has(snapshotColumns, n.is_deleted) ? ` and (sm_snap.${x.q(n.is_deleted)} is null or sm_snap.${x.q(n.is_deleted)} <> 'True')` : '';
    out.push({ sql: d.dropRelation(st.deletes, 'table') });
    out.push({
      sql: d.createTableAs(
        st.deletes,
        `select sm_snap.* from ${R} as sm_snap\nwhere ${x.isCurrent('sm_snap')}${notDeleted}\n  and not exists (select 1 from ${d.relationName(st.source)} as sm_src where ${x.keyMatch('sm_snap', 'sm_src')})`,
        tmp,
      ),
    });
  }
  // Close the versions that changed before the new ones exist, so "current" stays unambiguous.
  out.push({
    sql: `update ${R} set ${x.q(n.valid_to)} = sm_chg.${x.q(n.valid_from)}\nfrom ${d.relationName(st.changes)} as sm_chg\nwhere ${x.keyMatch(R, 'sm_chg')} and ${x.isCurrent(R)}`,
  });
  if (spec.hardDeletes !== 'ignore') {
    out.push({
      sql: `update ${R} set ${x.q(n.valid_to)} = ${x.now}\nfrom ${d.relationName(st.deletes)} as sm_del\nwhere ${x.keyMatch(R, 'sm_del')} and ${x.isCurrent(R)}`,
      countsRows: spec.hardDeletes === 'invalidate',
    });
    if (spec.hardDeletes === 'new_record') {
      const keep = srcCols.filter((c) => has(snapshotColumns, c));
      const cols = [...keep, ...x.metaNames()];
      const select = `select ${keep.map((c) => `sm_del.${x.q(c)}`).join(', ')},\n  ${new SnapshotSql(d, { ...spec, strategy: 'check' }, x.now).meta('sm_del', true)}\nfrom ${d.relationName(st.deletes)} as sm_del`;
      out.push({ sql: d.insertInto(rel, cols, select), countsRows: true });
    }
  }
  out.push({ sql: d.insertInto(rel, [...srcCols, ...x.metaNames()], `select * from ${d.relationName(st.changes)}`), countsRows: true });
  for (const r of [st.changes, ...(spec.hardDeletes !== 'ignore' ? [st.deletes] : [])]) out.push({ sql: d.dropRelation(r, 'table') });
  return out;
}

/**
 * A whole snapshot run: the first creates the table; later ones stage the source, check its
 * columns and key, and write the changes. With transactional DDL it is one transaction, so a
 * failure leaves yesterday's history; elsewhere the stages are temporary and dropped on failure.
 * `existing` must be a table (the caller refuses anything else).
 */
export function planSnapshot(m: ModelNode, query: string, spec: SnapshotSpec, existing: RelationInfo | undefined, ctx: PlanContext, at: Date): Plan {
  const d = ctx.dialect;
  const tx = ctx.capabilities.supportsTransactionalDdl;
  const st = snapshotStages(m.relation);
  const cleanup = tx ? undefined : Object.values(st).map((r) => d.dropRelation(r, 'table'));
  if (!existing) {
    return { steps: [sql(planSnapshotCreate(m.relation, query, spec, d, at), true), uniqueCheck(m, spec, m.relation, d, () => [])], transaction: tx, cleanup };
  }
  const update = (source: readonly ColumnDef[], current: readonly ColumnDef[]): Step[] => [
    ...planSnapshotUpdate(m.relation, spec, source, current, d, at, !tx).map((s) => sql(s.sql, s.countsRows)),
    sql(d.dropRelation(st.source, 'table')),
  ];
  return {
    steps: [
      sql(d.dropRelation(st.source, 'table')),
      sql(d.createTableAs(st.source, query, { temporary: !tx })),
      {
        kind: 'inspect',
        relation: st.source,
        then: (source) => {
          checkColumns(m, spec, source);
          return [uniqueCheck(m, spec, st.source, d, () => (existing.columns.length ? update(source, existing.columns) : [{ kind: 'inspect', relation: m.relation, then: (current) => update(source, current) }]))];
        },
      },
    ],
    transaction: tx,
    cleanup,
  };
}

/** Two source rows with one key would give the key two current versions: refuse, naming an example. */
function uniqueCheck(m: ModelNode, spec: SnapshotSpec, rel: Relation, d: Dialect, next: () => Step[]): Step {
  const key = spec.uniqueKey.map((k) => d.quoteIdentifier(k)).join(', ');
  return {
    kind: 'query',
    sql: `select ${key}, count(*) as sm_n from ${d.relationName(rel)} group by ${key} having count(*) > 1 limit 1`,
    then: (r: QueryResult) => {
      const row = r.rows[0];
      if (!row) return next();
      const example = spec.uniqueKey.map((k) => `${k}=${String(Object.entries(row).find(([c]) => c.toLowerCase() === k.toLowerCase())?.[1])}`).join(', ');
      throw new Error(
        `Snapshot ${m.name} (${m.originalFilePath}): unique_key (${spec.uniqueKey.join(', ')}) is not unique in the source query (e.g. ${example} appears ${String(row.sm_n ?? row.SM_N)} times). Deduplicate the query or widen unique_key; history was left as it was.`,
      );
    },
  };
}

/** Name the missing column rather than let the warehouse fail on a generated statement. */
function checkColumns(m: ModelNode, spec: SnapshotSpec, source: readonly ColumnDef[]): void {
  const names = new Set(source.map((c) => c.name.toLowerCase()));
  const wanted = [...spec.uniqueKey, ...(spec.updatedAt && /^\w+$/.test(spec.updatedAt) ? [spec.updatedAt] : []), ...(spec.checkCols === 'all' ? [] : spec.checkCols)];
  const missing = wanted.filter((c) => !names.has(c.toLowerCase()));
  if (missing.length) {
    throw new Error(`Snapshot ${m.name} (${m.originalFilePath}): the source query has no column ${missing.join(', ')} (it has ${source.map((c) => c.name).join(', ')}). Fix unique_key/updated_at/check_cols or the query.`);
  }
}
