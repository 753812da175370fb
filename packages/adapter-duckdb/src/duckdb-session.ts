import { DuckDBInstance } from '@duckdb/node-api';
import { SmProjectError, type AdapterSession, type Connection } from '@smsql/core';
import type { DuckDbTargetConfig } from './duckdb-target-config.ts';
import { DuckDbConnection } from './duckdb-connection.ts';
import { openError } from './open-error.ts';
import { attachProblem, attachSql, extensionSql, secretProblem, secretSql, settingSql } from './duckdb-open-sql.ts';

/**
 * Open the database file at `path` as dbt-duckdb does: with the target's `config_options`, then
 * its extensions loaded (installed first where they are not), its `secrets:` created, its
 * `attach:` databases attached, and its `settings:` SET on every connection
 * (duckdb-open-sql.ts). Loads the native binding.
 */
export async function openDuckDbSession(path: string, target: DuckDbTargetConfig, projectDir: string): Promise<AdapterSession> {
  const options = Object.fromEntries(Object.entries(target.config_options ?? {}).map(([k, v]) => [k, String(v)]));
  const unusable = (message: string, hint: string, cause?: unknown) => new SmProjectError([{ code: 'SM_DATABASE_UNUSABLE', severity: 'error', message, hint, cause }]);
  const attach = target.attach ?? [];
  if (!Array.isArray(attach)) throw unusable(`\`attach:\` of target "${target.name}" in profiles.yml is not a list`, 'Write it as a list of entries, each with a `path:` (and optionally `alias:`, `type:`, `read_only:`, `options:`).');
  attach.forEach((e, i) => {
    const problem = attachProblem(e);
    if (problem) throw unusable(`Entry ${i + 1} of \`attach:\` of target "${target.name}" in profiles.yml ${problem}`, 'Each entry needs a `path:` (a file, `:memory:` or a URL) and may have `alias:`, `type:`, `secret:`, `read_only:` and `options:`.');
  });
  if (!Array.isArray(target.secrets ?? [])) throw unusable(`\`secrets:\` of target "${target.name}" in profiles.yml is not a list`, 'Write it as a list of entries, each with a `type:` (s3, gcs, azure, http, ...) and that type\'s keys.');
  const secrets = [...(target.secrets ?? [])];
  if (target.use_credential_provider === 'aws') secrets.push({ type: 's3', provider: 'credential_chain' });
  else if (target.use_credential_provider !== undefined) throw unusable(`\`use_credential_provider: ${String(target.use_credential_provider)}\` of target "${target.name}" in profiles.yml is not one sm knows`, 'The one value dbt-duckdb takes is `aws`; or write the secret under `secrets:`.');
  secrets.forEach((e, i) => {
    const problem = secretProblem(e);
    if (problem) throw unusable(`Entry ${i + 1} of \`secrets:\` of target "${target.name}" in profiles.yml ${problem}`, 'Each entry needs a `type:` (s3, gcs, azure, http, ...) and may have `name:`, `provider:`, `scope:`, `persistent:` and the keys of its type.');
  });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, options);
  } catch (e) {
    throw openError(e, path, target.name);
  }
  const session = new DuckDbSession(instance);
  const c = (await session.acquire()) as DuckDbConnection;
  const step = async (sql: string, message: string, hint: string | ((err: unknown) => string)) => {
    try {
      await c.execute(sql);
    } catch (err) {
      await session.close();
      throw unusable(`${message}: ${firstLine(err)}`, typeof hint === 'string' ? hint : hint(err), err);
    }
  };
  for (const e of target.extensions ?? []) {
    const x = extensionSql(e);
    const failed = `Target "${target.name}" lists extension "${x.name}", which DuckDB could not load`;
    const hint = `Install it first (INSTALL ${x.name} in DuckDB, with network access), or remove it from \`extensions:\` of target "${target.name}" in profiles.yml.`;
    // As dbt-duckdb: installed when it is not yet (a download, which needs the network).
    if (x.install || !(await c.execute(x.load).then(() => true, () => false))) {
      await step(x.install ?? `INSTALL ${x.name}`, failed, hint);
      await step(x.load, failed, hint);
    }
  }
  for (const [i, e] of secrets.entries()) {
    // The SQL holds the secret's values: neither it nor DuckDB's error object goes into the message.
    try {
      await c.execute(secretSql(e, i));
    } catch (err) {
      await session.close();
      throw unusable(`Target "${target.name}" cannot create secret ${i + 1} of \`secrets:\` (type ${String(e.type)}): ${firstLine(err)}`, `Fix that entry under \`secrets:\` of target "${target.name}" in profiles.yml; a type an extension provides (s3, gcs, azure) needs it installed.`);
    }
  }
  for (const [i, e] of attach.entries()) {
    await step(attachSql(e, projectDir), `Target "${target.name}" cannot attach entry ${i + 1} of \`attach:\` (${e.path})`, `Fix \`path:\` or the options of that entry under \`attach:\` of target "${target.name}" in profiles.yml.`);
  }
  const settings: string[] = [];
  for (const [k, v] of Object.entries(target.settings ?? {})) {
    settings.push(settingSql(k, v));
    await step(
      settings.at(-1)!,
      `Target "${target.name}" cannot apply \`${k}\` under \`settings:\` in profiles.yml`,
      (err) =>
        /extension/i.test(firstLine(err))
          ? `The setting belongs to a DuckDB extension that could not be loaded (no network, or not installed): install it first (INSTALL name in DuckDB) and list it under \`extensions:\` of target "${target.name}", or remove the setting.`
          : 'sm SETs `settings:` on each connection once the file is open and its extensions are loaded, as dbt-duckdb does: fix or remove the setting; an option DuckDB takes only when it opens the file (such as `access_mode`) belongs under `config_options:`.',
    );
  }
  session.settings = settings;
  session.release(c);
  return session;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}

class DuckDbSession implements AdapterSession {
  readonly #instance: DuckDBInstance;
  readonly #idle: DuckDbConnection[] = [];
  readonly #all = new Set<DuckDbConnection>();
  /** The profile's `settings:` as SET statements, run on each connection opened after the first. */
  settings: readonly string[] = [];
  constructor(instance: DuckDBInstance) {
    this.#instance = instance;
  }
  async acquire(): Promise<Connection> {
    const c = this.#idle.pop();
    if (c) return c;
    const conn = new DuckDbConnection(await this.#instance.connect());
    this.#all.add(conn);
    for (const sql of this.settings) await conn.execute(sql);
    return conn;
  }
  release(conn: Connection): void {
    this.#idle.push(conn as DuckDbConnection);
  }
  async cancelAll(): Promise<void> {
    // cancel(), not raw.interrupt(): a bulk append in progress checks the connection's cancel count.
    for (const c of this.#all) await c.cancel();
  }
  async close(): Promise<void> {
    for (const c of this.#all) c.raw.closeSync();
    this.#all.clear();
    this.#idle.length = 0;
    this.#instance.closeSync();
  }
}
