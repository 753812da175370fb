import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { EmulatorError } from './emulator-error.ts';
import { DuckLock, EmulatorSession, type ExecutionResult, type QueryLogEntry } from './emulator-session.ts';
import { readBody, sendJson, sendText, sleep, token, tokenOf } from './http-helpers.ts';
import { verifyLogin, type EmulatorUser } from './login-verifier.ts';
import { decodeBindings, sessionParameters, type LoginBody, type QueryBody } from './wire-format.ts';

export type { EmulatorUser } from './login-verifier.ts';
export type { QueryLogEntry } from './emulator-session.ts';

export interface EmulatorOptions {
  /** Account name logins must name. Default `EMU`. */
  readonly account?: string;
  /** Databases that exist at start, each with a `PUBLIC` schema. Default `['ANALYTICS']`. */
  readonly databases?: readonly string[];
  readonly users?: readonly EmulatorUser[];
  /** Rows in the inline first part of a result and in each downloadable chunk. Default 1000. */
  readonly rowsPerChunk?: number;
  /** How long a synchronous query-request waits before answering "in progress" (333333). Default 5000 ms. */
  readonly syncWaitMs?: number;
}

/** A fault to inject into the next matching requests. */
export interface Fault {
  /** HTTP status to answer with, e.g. 503 or 429. Absent with `delayMs`: the answer is only late. */
  readonly status?: number;
  /** Answer this much later than usual (slower than the client's timeout, it looks like a lost answer). */
  readonly delayMs?: number;
  /** How many requests to affect. */
  readonly count: number;
  /** Path prefix the fault applies to. Default `/queries/v1/query-request`. */
  readonly path?: string;
  /** Run the statement first and lose the answer, as when a gateway fails after Snowflake committed. */
  readonly afterExecute?: boolean;
}

interface QueryRecord {
  readonly queryId: string;
  readonly requestId: string;
  readonly session: EmulatorSession;
  readonly sql: string;
  status: 'RUNNING' | 'SUCCESS' | 'FAILED_WITH_ERROR' | 'ABORTED';
  result?: ExecutionResult;
  error?: EmulatorError;
  readonly done: Promise<void>;
  readonly abort: AbortController;
  chunks?: string[];
  qrmk?: string;
}

/** Counters tests assert on. */
export interface EmulatorStats {
  logins: number;
  failedLogins: number;
  renewals: number;
  heartbeats: number;
  sessionsClosed: number;
  queryRequests: number;
  /** query-requests answered from an earlier attempt with the same requestId instead of re-running. */
  dedupedRetries: number;
  faultsServed: number;
  chunkDownloads: number;
  aborts: number;
}

/**
 * A local HTTP server that speaks the part of Snowflake's REST protocol `snowflake-sdk` uses,
 * backed by an in-process DuckDB. For tests only: it binds 127.0.0.1 on a random port.
 */
export class SnowflakeEmulator {
  readonly account: string;
  readonly log: QueryLogEntry[] = [];
  readonly stats: EmulatorStats = { logins: 0, failedLogins: 0, renewals: 0, heartbeats: 0, sessionsClosed: 0, queryRequests: 0, dedupedRetries: 0, faultsServed: 0, chunkDownloads: 0, aborts: 0 };
  /** Requests that reached no route: a sign the driver uses an endpoint the emulator lacks. */
  readonly unknownRequests: string[] = [];
  latencyMs = 0;
  readonly #server: Server;
  readonly #instance: DuckDBInstance;
  readonly #lock = new DuckLock();
  readonly #databases: Set<string>;
  readonly #users = new Map<string, EmulatorUser>();
  readonly #bySessionToken = new Map<string, EmulatorSession>();
  readonly #byMasterToken = new Map<string, EmulatorSession>();
  readonly #queries = new Map<string, QueryRecord>();
  readonly #byRequestId = new Map<string, QueryRecord>();
  readonly #faults: (Fault & { remaining: number })[] = [];
  readonly #rowsPerChunk: number;
  readonly #syncWaitMs: number;
  #nextSessionId = 1;

  private constructor(server: Server, instance: DuckDBInstance, options: EmulatorOptions) {
    this.#server = server;
    this.#instance = instance;
    this.account = (options.account ?? 'EMU').toUpperCase();
    this.#databases = new Set((options.databases ?? ['ANALYTICS']).map((d) => d.toUpperCase()));
    for (const u of options.users ?? []) this.addUser(u);
    this.#rowsPerChunk = options.rowsPerChunk ?? 1000;
    this.#syncWaitMs = options.syncWaitMs ?? 5000;
  }

  static async start(options: EmulatorOptions = {}): Promise<SnowflakeEmulator> {
    const instance = await DuckDBInstance.create(':memory:');
    const server = createServer();
    const emulator = new SnowflakeEmulator(server, instance, options);
    const setup = await instance.connect();
    for (const db of emulator.#databases) {
      await setup.run(`ATTACH ':memory:' AS "${db}"`);
      await setup.run(`CREATE SCHEMA IF NOT EXISTS "${db}"."PUBLIC"`);
    }
    setup.closeSync();
    server.on('request', (req, res) => void emulator.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return emulator;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** What to pass to `snowflake-sdk` as `accessUrl`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  addUser(user: EmulatorUser): void {
    this.#users.set(user.name.toUpperCase(), user);
  }

  /** Fail the next `count` matching requests with `status`. */
  injectFault(fault: Fault): void {
    this.#faults.push({ ...fault, remaining: fault.count });
  }

  /** Every live session token expires now; the driver must renew with its master token. */
  expireSessionTokens(): void {
    for (const s of this.#bySessionToken.values()) s.tokenExpired = true;
  }

  /** The server forgets sessions (of one user, or all), as after an outage: their tokens answer 390111 (session gone). */
  dropSessions(user?: string): void {
    for (const s of new Set(this.#bySessionToken.values())) if (!user || s.user === user.toUpperCase()) s.gone = true;
  }

  get openSessions(): number {
    return new Set(this.#bySessionToken.values()).size;
  }

  async stop(): Promise<void> {
    for (const q of this.#queries.values()) q.abort.abort();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of new Set(this.#bySessionToken.values())) await s.close().catch(() => undefined);
    this.#instance.closeSync();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    try {
      const body = await readBody(req);
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      const taken = this.#takeFault(url.pathname);
      if (taken?.delayMs) {
        this.stats.faultsServed++;
        await sleep(taken.delayMs);
      }
      const fault = taken?.status ? { ...taken, status: taken.status } : undefined;
      if (fault && !fault.afterExecute) return this.#fail(res, fault.status);
      const reply = (payload: unknown) => (fault ? this.#fail(res, fault.status) : sendJson(res, 200, payload));
      await this.#route(req.method ?? 'GET', url, body, req, res, reply);
    } catch (e) {
      const err = e instanceof EmulatorError ? e : new EmulatorError('000603', 'XX000', `emulator internal error: ${(e as Error).message}`);
      sendJson(res, 200, { success: false, code: err.code, message: err.message, data: { sqlState: err.sqlState, errorCode: err.code } });
    }
  }

  async #route(method: string, url: URL, body: unknown, req: IncomingMessage, res: ServerResponse, reply: (p: unknown) => void): Promise<void> {
    const path = url.pathname;
    if (method === 'POST' && path === '/session/v1/login-request') return reply(await this.#login(url, body as LoginBody));
    if (method === 'POST' && path === '/session/token-request') return reply(this.#renew(req, body as { oldSessionToken?: string }));
    if (method === 'GET' && path.startsWith('/chunks/')) return this.#chunk(path, req, res);
    if (method === 'POST' && path === '/telemetry/send') return reply({ success: true, data: {} });

    const session = this.#bySessionToken.get(tokenOf(req) ?? '');
    if (!session) return reply({ success: false, code: '390104', message: 'Session token is invalid. Please log in again.', data: { nextAction: 'RETRY_LOGIN' } });
    if (session.gone) return reply({ success: false, code: '390111', message: 'Session no longer exists.  New login required to access the service.', data: { nextAction: 'RETRY_LOGIN' } });
    if (session.tokenExpired) return reply({ success: false, code: '390112', message: 'Your session has expired. Please renew the session token.', data: { nextAction: 'RENEW_SESSION' } });

    if (method === 'POST' && path === '/session/heartbeat') {
      this.stats.heartbeats++;
      return reply({ success: true, data: {} });
    }
    if (method === 'POST' && path === '/session' && url.searchParams.get('delete') === 'true') {
      this.#bySessionToken.delete(session.sessionToken);
      this.#byMasterToken.delete(session.masterToken);
      await session.close();
      // Results die with their session, so a long test run does not keep every rowset alive.
      for (const [id, q] of this.#queries) {
        if (q.session !== session) continue;
        this.#queries.delete(id);
        this.#byRequestId.delete(q.requestId);
      }
      this.stats.sessionsClosed++;
      return reply({ success: true, data: null });
    }
    if (method === 'POST' && path === '/queries/v1/query-request') return reply(await this.#query(session, url, body as QueryBody));
    if (method === 'POST' && path === '/queries/v1/abort-request') return reply(this.#abort(this.#byRequestId.get((body as { requestId?: string })?.requestId ?? '')));
    let m = /^\/queries\/([0-9a-f-]{36})\/abort-request$/.exec(path);
    if (method === 'POST' && m) return reply(this.#abort(this.#queries.get(m[1]!)));
    m = /^\/queries\/([0-9a-f-]{36})\/result$/.exec(path);
    if (method === 'GET' && m) return reply(await this.#resultOf(this.#queries.get(m[1]!), m[1]!));
    m = /^\/monitoring\/queries\/([0-9a-f-]{36})$/.exec(path);
    if (method === 'GET' && m) return reply(this.#monitor(m[1]!));
    this.unknownRequests.push(`${method} ${path}`);
    sendJson(res, 404, { success: false, code: '000404', message: `emulator has no endpoint ${method} ${path}`, data: null });
  }

  async #login(url: URL, body: LoginBody): Promise<unknown> {
    const data = body?.data ?? {};
    const failure = verifyLogin(data, this.account, this.#users);
    if (failure) {
      this.stats.failedLogins++;
      return { success: false, code: failure.code, message: failure.message, data: { nextAction: 'RETRY_LOGIN', authnMethod: data.AUTHENTICATOR ?? 'SNOWFLAKE' } };
    }
    const session = await EmulatorSession.open({
      id: this.#nextSessionId++,
      user: String(data.LOGIN_NAME).toUpperCase(),
      account: this.account,
      instance: this.#instance,
      lock: this.#lock,
      databases: this.#databases,
      sessionToken: token('ST'),
      masterToken: token('MT'),
    });
    const q = url.searchParams;
    await session.applyLoginContext({
      database: q.get('databaseName') ?? undefined,
      schema: q.get('schemaName') ?? undefined,
      warehouse: q.get('warehouse') ?? this.#users.get(String(data.LOGIN_NAME).toUpperCase())?.defaultWarehouse,
      role: q.get('roleName') ?? undefined,
      queryTag: data.SESSION_PARAMETERS?.QUERY_TAG,
    });
    this.#bySessionToken.set(session.sessionToken, session);
    this.#byMasterToken.set(session.masterToken, session);
    this.stats.logins++;
    return {
      success: true,
      code: null,
      message: null,
      data: {
        token: session.sessionToken,
        masterToken: session.masterToken,
        validityInSeconds: 3600,
        masterValidityInSeconds: 14400,
        sessionId: session.id,
        parameters: sessionParameters(),
        sessionInfo: { databaseName: session.database ?? null, schemaName: session.schema ?? null, warehouseName: session.warehouse ?? null, roleName: session.role ?? 'PUBLIC' },
        displayUserName: session.user,
        serverVersion: 'sm-emulator',
      },
    };
  }

  #renew(req: IncomingMessage, body: { oldSessionToken?: string }): unknown {
    const session = this.#byMasterToken.get(tokenOf(req) ?? '');
    if (!session) return { success: false, code: '390114', message: 'Authentication token has expired.  The user must authenticate again.', data: { nextAction: 'RETRY_LOGIN' } };
    if (body?.oldSessionToken !== session.sessionToken) return { success: false, code: '390104', message: 'Session token is invalid.', data: null };
    this.#bySessionToken.delete(session.sessionToken);
    session.sessionToken = token('ST');
    session.tokenExpired = false;
    this.#bySessionToken.set(session.sessionToken, session);
    this.stats.renewals++;
    return { success: true, data: { sessionToken: session.sessionToken, validityInSecondsST: 3600, masterToken: session.masterToken, validityInSecondsMT: 14400 } };
  }

  async #query(session: EmulatorSession, url: URL, body: QueryBody): Promise<unknown> {
    this.stats.queryRequests++;
    const requestId = url.searchParams.get('requestId') ?? randomUUID();
    let record = this.#byRequestId.get(requestId);
    if (record) {
      // Snowflake keys statements by requestId: a retry joins the first attempt instead of running again.
      this.stats.dedupedRetries++;
    } else {
      if (body.bindStage) throw new EmulatorError('001003', '0A000', 'SQL compilation error: unsupported in emulator: binds uploaded to a stage (lower the array size below CLIENT_STAGE_ARRAY_BINDING_THRESHOLD)');
      record = this.#start(session, requestId, String(body.sqlText ?? ''), decodeBindings(body.bindings));
    }
    if (body.asyncExec) {
      return { success: true, code: '333334', message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.', data: { queryId: record.queryId, getResultUrl: `/queries/${record.queryId}/result` } };
    }
    return this.#resultOf(record, record.queryId);
  }

  #start(session: EmulatorSession, requestId: string, sql: string, binds: DuckDBValue[] | DuckDBValue[][] | undefined): QueryRecord {
    const abort = new AbortController();
    const queryId = randomUUID();
    const partial = { queryId, requestId, session, sql, status: 'RUNNING' as QueryRecord['status'], abort };
    abort.signal.addEventListener('abort', () => session.interrupt(), { once: true });
    const done = session.execute(sql, binds, abort.signal, (e) => this.log.push(e), requestId).then(
      (result) => {
        record.result = result;
        record.status = 'SUCCESS';
      },
      (e: unknown) => {
        record.error = e instanceof EmulatorError ? e : new EmulatorError('000603', 'XX000', String(e));
        record.status = record.error.code === '000604' ? 'ABORTED' : 'FAILED_WITH_ERROR';
      },
    );
    const record: QueryRecord = { ...partial, done };
    this.#queries.set(queryId, record);
    this.#byRequestId.set(requestId, record);
    return record;
  }

  async #resultOf(record: QueryRecord | undefined, queryId: string): Promise<unknown> {
    if (!record) return { success: false, code: '000709', message: `Statement ${queryId} not found`, data: { sqlState: '02000', queryId } };
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([record.done.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.#syncWaitMs)))]);
    clearTimeout(timer);
    if (!finished) {
      return { success: true, code: '333333', message: 'Query execution in progress.', data: { queryId: record.queryId, getResultUrl: `/queries/${record.queryId}/result` } };
    }
    if (record.error) {
      return { success: false, code: record.error.code, message: record.error.message, data: { queryId: record.queryId, sqlState: record.error.sqlState, errorCode: record.error.code, internalError: false, type: 'COMPILATION', line: -1, pos: -1 } };
    }
    return { success: true, code: null, message: null, data: this.#resultData(record) };
  }

  #resultData(record: QueryRecord): Record<string, unknown> {
    const r = record.result!;
    const s = record.session;
    const first = r.rowset.slice(0, this.#rowsPerChunk);
    const data: Record<string, unknown> = {
      parameters: sessionParameters(),
      rowtype: r.rowtype,
      rowset: first,
      total: r.rowset.length,
      returned: r.rowset.length,
      queryId: record.queryId,
      databaseProvider: null,
      finalDatabaseName: s.database ?? null,
      finalSchemaName: s.schema ?? null,
      finalWarehouseName: s.warehouse ?? null,
      finalRoleName: s.role ?? 'PUBLIC',
      numberOfBinds: 0,
      arrayBindSupported: false,
      statementTypeId: r.statementTypeId,
      version: 1,
      sendResultTime: Date.now(),
      queryResultFormat: 'json',
    };
    if (r.rowset.length > this.#rowsPerChunk) {
      // Rows beyond the first part are served as chunk downloads, guarded by the result's key as S3 would.
      if (!record.chunks) {
        record.qrmk = randomBytes(32).toString('base64');
        record.chunks = [];
        for (let i = this.#rowsPerChunk; i < r.rowset.length; i += this.#rowsPerChunk) {
          record.chunks.push(r.rowset.slice(i, i + this.#rowsPerChunk).map((row) => JSON.stringify(row)).join(','));
        }
      }
      data.qrmk = record.qrmk;
      data.chunkHeaders = { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': record.qrmk };
      data.chunks = record.chunks.map((c, i) => ({
        url: `${this.url}/chunks/${record.queryId}/${i}`,
        rowCount: Math.min(this.#rowsPerChunk, r.rowset.length - this.#rowsPerChunk * (i + 1)),
        uncompressedSize: c.length,
        compressedSize: c.length,
      }));
    }
    return data;
  }

  #chunk(path: string, req: IncomingMessage, res: ServerResponse): void {
    const [, , queryId, index] = path.split('/');
    const record = this.#queries.get(queryId ?? '');
    const chunk = record?.chunks?.[Number(index)];
    if (!record || chunk === undefined) return void sendText(res, 404, 'application/xml', '<Error><Code>NoSuchKey</Code></Error>');
    if (req.headers['x-amz-server-side-encryption-customer-key'] !== record.qrmk) {
      return void sendText(res, 400, 'application/xml', '<Error><Code>InvalidArgument</Code><Message>missing or wrong customer key</Message></Error>');
    }
    this.stats.chunkDownloads++;
    sendText(res, 200, 'application/octet-stream', chunk);
  }

  #abort(record: QueryRecord | undefined): unknown {
    if (!record) return { success: false, code: '000605', message: 'Identified SQL statement is not currently executing.', data: null };
    this.stats.aborts++;
    record.abort.abort();
    return { success: true, code: null, message: null, data: null };
  }

  #monitor(queryId: string): unknown {
    const r = this.#queries.get(queryId);
    if (!r) return { success: true, data: { queries: [] } };
    return { success: true, code: null, message: null, data: { queries: [{ id: r.queryId, status: r.status, sqlText: r.sql, errorCode: r.error?.code, errorMessage: r.error?.message }] } };
  }

  #takeFault(path: string): Fault | undefined {
    const f = this.#faults.find((x) => x.remaining > 0 && path.startsWith(x.path ?? '/queries/v1/query-request'));
    if (!f) return undefined;
    f.remaining--;
    return f;
  }

  #fail(res: ServerResponse, status: number): void {
    this.stats.faultsServed++;
    sendText(res, status, 'text/html', `<html><body>${status} injected by emulator</body></html>`);
  }
}
