import { describe, expect, it } from 'vitest';
import { BaseDialect, type Capabilities, type RelationInfo } from '../src/index.ts';
import { incrementalConfigError, isIncrementalRun, planIncrementalApply, strategyOf, type PlanContext } from '../src/plan/plan.ts';
import { planSnapshotUpdate } from '../src/snapshot/plan-snapshot.ts';
import { snapshotSpec } from '../src/snapshot/snapshot-spec.ts';
import type { ModelNode } from '../src/types.ts';

const caps = (o: Partial<Capabilities> = {}): Capabilities => ({ supportsMultipleWriters: false, supportsMerge: true, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false, ...o });
const ctx = (o: Partial<Capabilities> = {}, fullRefresh = false): PlanContext => ({ dialect: new BaseDialect(), capabilities: caps(o), fullRefresh });
const node = (config: Record<string, unknown>, resourceType: 'model' | 'snapshot' = 'model'): ModelNode =>
  ({ name: 'm', originalFilePath: 'models/m.sql', resourceType, config: { materialized: 'incremental', ...config }, relation: { schema: 's', identifier: 'm' } }) as unknown as ModelNode;
const table: RelationInfo = { schema: 's', identifier: 'm', kind: 'table', columns: [] };
const staged = { schema: 's', identifier: 'm__sm_new' };
const cols = (...names: string[]) => names.map((name) => ({ name, type: 'integer' }));

describe('incremental planning (pure)', () => {
  it('decides full build vs incremental once, from the catalog, the flag and full_refresh config', () => {
    expect(isIncrementalRun(node({}), table, ctx())).toBe(true);
    expect(isIncrementalRun(node({}), undefined, ctx())).toBe(false);
    expect(isIncrementalRun(node({}), { ...table, kind: 'view' }, ctx())).toBe(false);
    expect(isIncrementalRun(node({}), table, ctx({}, true))).toBe(false);
    expect(isIncrementalRun(node({ full_refresh: false }), table, ctx({}, true))).toBe(true);
    expect(isIncrementalRun(node({ full_refresh: true }), table, ctx())).toBe(false);
    expect(isIncrementalRun(node({ materialized: 'table' }), table, ctx())).toBe(false);
  });

  it('picks merge with a key, delete+insert where the warehouse has no merge, append without a key', () => {
    expect(strategyOf(node({ unique_key: 'id' }), ctx())).toBe('merge');
    expect(strategyOf(node({ unique_key: 'id' }), ctx({ supportsMerge: false }))).toBe('delete+insert');
    expect(strategyOf(node({ unique_key: 'id', incremental_strategy: 'merge' }), ctx({ supportsMerge: false }))).toBe('delete+insert');
    expect(strategyOf(node({}), ctx())).toBe('append');
    expect(strategyOf(node({ unique_key: 'id', incremental_strategy: 'append' }), ctx())).toBe('append');
    expect(incrementalConfigError(node({ on_schema_change: 'add' }))).toContain('on_schema_change "add" is not known');
  });

  it('emits merge with the key and predicates, and delete+insert naming the target in predicates', () => {
    const merge = planIncrementalApply(node({ unique_key: ['a', 'b'], incremental_predicates: ['DBT_INTERNAL_DEST.a > 1'] }), staged, cols('a', 'b', 'v'), cols('a', 'b', 'v'), ctx());
    expect(merge).toEqual([
      {
        sql: 'merge into "s"."m" as sm_dest\nusing (\nselect * from "s"."m__sm_new"\n) as sm_src\non sm_dest."a" = sm_src."a" and sm_dest."b" = sm_src."b" and (sm_dest.a > 1)\nwhen matched then update set "v" = sm_src."v"\nwhen not matched then insert ("a", "b", "v") values (sm_src."a", sm_src."b", sm_src."v")',
        countsRows: true,
      },
    ]);
    const di = planIncrementalApply(node({ unique_key: 'a', incremental_strategy: 'delete+insert', incremental_predicates: ['sm_dest.a > 1'] }), staged, cols('a', 'v'), cols('a', 'v'), ctx());
    expect(di.map((s) => s.sql)).toEqual([
      'delete from "s"."m" where "a" in (select "a" from "s"."m__sm_new") and ("s"."m".a > 1)',
      'insert into "s"."m" ("a", "v")\nselect "a", "v" from (\nselect * from "s"."m__sm_new"\n) as sm_src',
    ]);
  });

  it('on_schema_change: fail throws with the fix; append_new_columns adds; sync_all_columns adds and drops', () => {
    expect(() => planIncrementalApply(node({ on_schema_change: 'fail' }), staged, cols('a'), cols('a', 'b'), ctx())).toThrow(/added: b; removed: none\) and on_schema_change is 'fail'. Run with --full-refresh/);
    const add = planIncrementalApply(node({ on_schema_change: 'append_new_columns' }), staged, cols('a', 'c'), cols('a', 'b'), ctx()).map((s) => s.sql);
    expect(add[0]).toBe('alter table "s"."m" add column "b" integer');
    expect(add[1]).toContain('insert into "s"."m" ("a", "b")');
    const sync = planIncrementalApply(node({ on_schema_change: 'sync_all_columns' }), staged, cols('a', 'c'), cols('a', 'b'), ctx()).map((s) => s.sql);
    expect(sync.slice(0, 2)).toEqual(['alter table "s"."m" add column "b" integer', 'alter table "s"."m" drop column "c"']);
    const retyped = [{ name: 'a', type: 'VARCHAR' }];
    expect(() => planIncrementalApply(node({ on_schema_change: 'fail' }), staged, cols('a'), retyped, ctx())).toThrow(/retyped: a to VARCHAR/);
    expect(planIncrementalApply(node({ on_schema_change: 'sync_all_columns' }), staged, cols('a'), retyped, ctx())[0]!.sql).toBe('alter table "s"."m" alter column "a" set data type VARCHAR');
    expect(planIncrementalApply(node({ on_schema_change: 'append_new_columns' }), staged, cols('a'), retyped, ctx())).toHaveLength(1);
    const ignore = planIncrementalApply(node({}), staged, cols('a', 'c'), cols('a', 'b'), ctx()).map((s) => s.sql);
    expect(ignore).toEqual(['insert into "s"."m" ("a")\nselect "a" from (\nselect * from "s"."m__sm_new"\n) as sm_src']);
  });

  it('a snapshot closes changed versions before it inserts new ones, and stages are dropped last', () => {
    const spec = snapshotSpec(node({ unique_key: 'id', strategy: 'check', check_cols: 'all', hard_deletes: 'invalidate' }, 'snapshot'));
    if (typeof spec === 'string') throw new Error(spec);
    const sqls = planSnapshotUpdate({ schema: 's', identifier: 'm' }, spec, cols('id', 'v'), [...cols('id', 'v'), ...cols('dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_scd_id')], new BaseDialect(), new Date('2026-01-01T00:00:00Z')).map((s) => s.sql);
    const at = (re: RegExp) => sqls.findIndex((s) => re.test(s));
    expect(at(/^create table "s"."m__sm_chg"/)).toBeLessThan(at(/^update "s"."m" set "dbt_valid_to" = sm_chg/));
    expect(at(/^update "s"."m" set "dbt_valid_to" = sm_chg/)).toBeLessThan(at(/^insert into "s"."m"/));
    expect(at(/^update "s"."m" set "dbt_valid_to" = cast\('2026-01-01 00:00:00.000' as timestamp\)/)).toBeGreaterThan(0);
    expect(sqls.find((s) => s.includes('sm_chg') && s.startsWith('create'))).toContain('sm_cur."v" is distinct from sm_src."v"');
    expect(sqls.slice(-2)).toEqual(['drop table if exists "s"."m__sm_chg"', 'drop table if exists "s"."m__sm_del"']);
    expect(snapshotSpec(node({ strategy: 'check' }, 'snapshot'))).toContain('unique_key is required');
  });
});
