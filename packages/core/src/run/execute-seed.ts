import type { Relation } from '../adapter.ts';
import { readSeed } from '../plan/seed-csv.ts';
import type { GraphNode, SeedNode } from '../types.ts';
import { writeRunSql } from './compiled-files.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';

/** CSV seeds: parsed in core, typed by `column_types` or inference, bulk-appended, swapped in atomically. */
export async function executeSeed(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const s = node as SeedNode;
  const { o, plan, conn } = x;
  const d = o.adapter.dialect;
  const types = (s.config.column_types ?? {}) as Record<string, string>;
  const seed = readSeed(s.seedPath, s.originalFilePath, types);
  await x.ensureSchema(s.relation);
  const existing = (await x.describe(s.relation)).get(s.relation.identifier.toLowerCase());
  const load = async (rel: Relation) => {
    await x.exec(d.createTable(rel, seed.columns));
    if (!conn.append) throw new Error(`The ${o.adapter.type} adapter cannot bulk load seeds (no append)`);
    x.executed.push(`-- bulk append of ${seed.rows.length} rows into ${d.relationName(rel)}`);
    return conn.append(rel, seed.columns, seed.rows);
  };
  let n: number;
  if (plan.capabilities.supportsTransactionalDdl) {
    await x.exec(d.beginTransaction());
    try {
      if (existing) await x.exec(d.dropRelation(s.relation, existing.kind));
      n = await load(s.relation);
      await x.exec(d.commit());
    } catch (e) {
      await conn.execute(d.rollback()).catch(() => undefined);
      throw e;
    }
  } else {
    const tmp = { ...s.relation, identifier: `${s.relation.identifier}__sm_tmp` };
    await x.exec(d.dropRelation(tmp, 'table'));
    n = await load(tmp);
    if (existing) await x.exec(d.dropRelation(s.relation, existing.kind));
    await x.exec(d.renameRelation(tmp, 'table', s.relation.identifier));
  }
  await x.remember(s.relation, undefined);
  writeRunSql(o, s, x.executed);
  return { status: 'success', message: `INSERT ${n}`, rowsAffected: n, relationName: d.relationName(s.relation) };
}
