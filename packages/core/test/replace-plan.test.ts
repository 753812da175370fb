import { describe, expect, it } from 'vitest';
import { BaseDialect, type Capabilities, type RelationInfo } from '../src/index.ts';
import { planTable, planView, type PlanContext } from '../src/plan/plan.ts';
import type { ModelNode } from '../src/types.ts';

const ctx = (o: Partial<Capabilities>): PlanContext => ({
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: true, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false, ...o },
  fullRefresh: false,
});
const node = { name: 'm', config: {}, relation: { schema: 's', identifier: 'm' } } as unknown as ModelNode;
const existing = (kind: 'table' | 'view'): RelationInfo => ({ schema: 's', identifier: 'm', kind, columns: [] });
const table = 'create or replace table "s"."m" as (\nselect 1\n)';
const view = 'create or replace view "s"."m" as (\nselect 1\n)';

describe('replacing a table or view (pure)', () => {
  it('runs a lone create or replace as one statement where that statement is atomic (DuckDB)', () => {
    const duck = ctx({ supportsAtomicCreateOrReplace: true });
    expect(planTable(node, 'select 1', undefined, duck)).toEqual({ steps: [{ kind: 'sql', sql: table }], transaction: false });
    expect(planTable(node, 'select 1', existing('table'), duck)).toEqual({ steps: [{ kind: 'sql', sql: table }], transaction: false });
    expect(planView(node, 'select 1', existing('view'), duck)).toEqual({ steps: [{ kind: 'sql', sql: view }], transaction: false });
  });

  it('keeps a drop and a create together in one transaction when the kind changes', () => {
    const duck = ctx({ supportsAtomicCreateOrReplace: true });
    expect(planTable(node, 'select 1', existing('view'), duck)).toEqual({ steps: [{ kind: 'sql', sql: 'drop view if exists "s"."m"' }, { kind: 'sql', sql: table }], transaction: true });
    expect(planView(node, 'select 1', existing('table'), duck)).toEqual({ steps: [{ kind: 'sql', sql: 'drop table if exists "s"."m"' }, { kind: 'sql', sql: view }], transaction: true });
  });

  it('wraps even a lone statement in a transaction where it is not atomic by itself', () => {
    expect(planTable(node, 'select 1', undefined, ctx({}))).toEqual({ steps: [{ kind: 'sql', sql: table }], transaction: true });
    expect(planView(node, 'select 1', undefined, ctx({}))).toEqual({ steps: [{ kind: 'sql', sql: view }], transaction: true });
  });
});
