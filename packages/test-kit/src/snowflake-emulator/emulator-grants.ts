import type { DuckDBResultReader } from '@duckdb/node-api';
import { unsupported } from './emulator-error.ts';
import { identifierOf, isWord, type Token } from './sql-tokens.ts';

/**
 * Grants on tables and views, as Snowflake keeps them: `grant <privilege> on [table|view] <name>
 * to [role] <role>`, `revoke ... from`, `show grants on <name>` (the role that created the object
 * owns it: an OWNERSHIP row), and a `create or replace` without `copy grants` leaves the new
 * object with none. Kept in a table of the emulator's own, shared by its sessions.
 */
/** A resolved object name (sql-translator.ts's ObjectName). */
interface ObjectName {
  readonly database: string;
  readonly schema: string;
  readonly name: string;
}

export type GrantPlan =
  | { kind: 'grant'; revoke: boolean; privilege: string; object: ObjectName; role: string }
  | { kind: 'show-grants'; object: ObjectName };

/** Where the grants live: a database no session can USE (its name is not a Snowflake database's). */
const STORE = '"__sm_emulator_grants"."main"."grants"';

/** A grant, revoke or show-grants statement, or undefined for any other. `parseName` resolves names as the translator does. */
export function translateGrant<C>(sig: Token[], ctx: C, sql: string, parseName: (sig: Token[], at: number, ctx: C) => { name: ObjectName; next: number }): GrantPlan | undefined {
  if (isWord(sig[0], 'SHOW') && isWord(sig[1], 'GRANTS') && isWord(sig[2], 'ON')) {
    const at = isWord(sig[3], 'TABLE', 'VIEW') ? 4 : 3;
    return { kind: 'show-grants', object: parseName(sig, at, ctx).name };
  }
  if (!isWord(sig[0], 'GRANT', 'REVOKE')) return undefined;
  const revoke = isWord(sig[0], 'REVOKE');
  const on = sig.findIndex((t) => isWord(t, 'ON'));
  if (on < 2) throw unsupported(`${revoke ? 'revoke' : 'grant'} without ON`, sql);
  const privilege = sig.slice(1, on).map((t) => t.text.toUpperCase()).join(' ');
  const at = isWord(sig[on + 1], 'TABLE', 'VIEW') ? on + 2 : on + 1;
  const { name, next } = parseName(sig, at, ctx);
  if (!isWord(sig[next], revoke ? 'FROM' : 'TO')) throw unsupported(`${revoke ? 'revoke' : 'grant'} form`, sql);
  const roleAt = isWord(sig[next + 1], 'ROLE') ? next + 2 : next + 1;
  const role = sig[roleAt];
  if (!role || (role.kind !== 'word' && role.kind !== 'quoted') || roleAt !== sig.length - 1) throw unsupported(`${revoke ? 'revoke' : 'grant'} to more than one role`, sql);
  return { kind: 'grant', revoke, privilege, object: name, role: identifierOf(role) };
}

type Run = (sql: string, params?: string[]) => Promise<DuckDBResultReader>;

async function ensureStore(run: Run): Promise<void> {
  await run(`ATTACH IF NOT EXISTS ':memory:' AS "__sm_emulator_grants"`);
  await run(`CREATE TABLE IF NOT EXISTS ${STORE} (object VARCHAR, privilege VARCHAR, grantee VARCHAR, created_on TIMESTAMPTZ DEFAULT now())`);
}

const objectKey = (o: ObjectName) => `${o.database}.${o.schema}.${o.name}`;

/** Apply a grant or revoke; for show-grants, the rows Snowflake returns (with an OWNERSHIP row to the session's role), by privilege. */
export async function runGrant(plan: GrantPlan, run: Run, sessionRole: string): Promise<DuckDBResultReader | undefined> {
  await ensureStore(run);
  const key = objectKey(plan.object);
  if (plan.kind === 'grant') {
    await run(`DELETE FROM ${STORE} WHERE object = $1 AND privilege = $2 AND grantee = $3`, [key, plan.privilege, plan.role]);
    if (!plan.revoke) await run(`INSERT INTO ${STORE} (object, privilege, grantee) VALUES ($1, $2, $3)`, [key, plan.privilege, plan.role]);
    return undefined;
  }
  return run(
    `SELECT now() AS created_on, 'OWNERSHIP' AS privilege, 'TABLE' AS granted_on, $1 AS name, 'ROLE' AS granted_to, $2 AS grantee_name, 'true' AS grant_option, $2 AS granted_by
     UNION ALL
     SELECT created_on, privilege, 'TABLE', object, 'ROLE', grantee, 'false', $2 FROM ${STORE} WHERE object = $1 ORDER BY 2`,
    [key, sessionRole],
  );
}

/** A replaced object starts with no grants (Snowflake's `create or replace` without `copy grants`). */
export async function dropGrants(object: ObjectName, run: Run): Promise<void> {
  await ensureStore(run);
  await run(`DELETE FROM ${STORE} WHERE object = $1`, [objectKey(object)]);
}
