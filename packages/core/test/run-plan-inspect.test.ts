import { describe, expect, it } from 'vitest';
import type { Connection, RelationInfo } from '../src/adapter.ts';
import { BaseDialect } from '../src/index.ts';
import { runPlan } from '../src/run/run-plan.ts';

describe('runPlan inspect', () => {
  it("asks the connection for the inspected relation by name, and finds it in whatever list comes back", async () => {
    const asked: unknown[][] = [];
    const relations: RelationInfo[] = [
      { schema: 's', identifier: 'other', kind: 'table', columns: [{ name: 'x', type: 'INTEGER' }] },
      { schema: 's', identifier: 'T__sm_new', kind: 'table', columns: [{ name: 'a', type: 'BIGINT' }] },
    ];
    const ran: string[] = [];
    const conn: Connection = {
      execute: async (sql) => (ran.push(sql), { columns: [], rows: [] }),
      // A connection that ignores the name (as it may) and returns the whole schema.
      describe: async (...args) => (asked.push(args), relations),
      close: async () => undefined,
    };
    let seen: readonly { name: string }[] = [];
    await runPlan({ steps: [{ kind: 'inspect', relation: { schema: 's', identifier: 't__sm_new' }, then: (cols) => ((seen = cols), [{ kind: 'sql', sql: 'select 1' }]) }], transaction: false }, conn, new BaseDialect(), []);
    expect(asked).toEqual([['s', undefined, 't__sm_new', undefined]]);
    expect(seen.map((c) => c.name)).toEqual(['a']);
    expect(ran).toEqual(['select 1']);
  });
});
