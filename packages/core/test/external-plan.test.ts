import { describe, expect, it } from 'vitest';
import { BaseDialect } from '../src/index.ts';
import { planExternal } from '../src/plan/external-plan.ts';
import type { ModelNode } from '../src/types.ts';

describe('external models (pure)', () => {
  it('a warehouse without Parquet says so', () => {
    const node = { name: 'x', config: { materialized: 'external' }, relation: { schema: 'S', identifier: 'X' } } as unknown as ModelNode;
    const ctx = { dialect: new BaseDialect(), capabilities: { supportsMultipleWriters: true, supportsMerge: true, supportsTransactionalDdl: false, supportsAtomicCreateOrReplace: true }, fullRefresh: false };
    expect(() => planExternal(node, 'select 1', '/tmp/x', undefined, false, ctx)).toThrow(/cannot do\. Use table or incremental on this target \(external models are DuckDB only\)/);
  });
});
