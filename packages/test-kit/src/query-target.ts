import { openTarget, type InvocationOptions } from '@smsql/core';

/** Run one statement on the invocation's target (its own session, closed after) and return the rows. */
export async function queryTarget(opts: InvocationOptions, sql: string): Promise<Record<string, unknown>[]> {
  const t = await openTarget(opts);
  const c = await t.session.acquire();
  try {
    return [...(await c.execute(sql)).rows];
  } finally {
    t.session.release(c);
    await t.session.close();
  }
}
