import { describe, expect, it } from 'vitest';
import type { AdapterSession, Compilation, Connection } from '@smsql/core';
import { runSelectedTests } from '../src/commands/show-command.ts';

/** A session that counts the connections it hands out and gets back; each statement that names `fails` throws. */
function countingSession(fails: string) {
  const held = new Set<object>();
  const conn = { execute: async (sql: string) => {
    if (sql.includes(fails)) throw new Error('Catalog Error: Table with name missing does not exist!');
    return { columns: [], rows: [] };
  } } as unknown as Connection;
  const session: AdapterSession = {
    acquire: async () => (held.add(conn), conn),
    release: (c) => void held.delete(c),
    cancelAll: async () => undefined,
    close: async () => undefined,
  };
  return { session, held };
}

const test = (name: string, sql: string) => ({ uniqueId: `test.demo.${name}`, name, resourceType: 'test', compiledCode: sql, originalFilePath: 'models/schema.yml' });
const compilation = (...tests: ReturnType<typeof test>[]) =>
  ({ selected: tests.map((t) => t.uniqueId), compiled: { nodes: new Map(tests.map((t) => [t.uniqueId, t])) } }) as unknown as Pick<Compilation, 'selected' | 'compiled'>;

describe("show's data tests", () => {
  it('give their connection back to the session when one fails, as when all pass', async () => {
    const ok = countingSession('missing');
    await expect(runSelectedTests(compilation(test('a', 'select 1')), ok.session, 5)).resolves.toHaveLength(1);
    expect(ok.held.size).toBe(0);

    const bad = countingSession('missing');
    await expect(runSelectedTests(compilation(test('a', 'select 1'), test('b', 'select * from missing')), bad.session, 5)).rejects.toThrow(/^Runtime Error in test b \(models\/schema\.yml\)\n {2}Catalog Error/);
    expect(bad.held.size).toBe(0);
  });
});
