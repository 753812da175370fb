import { EmulatorError, unsupported } from './emulator-error.ts';
import { rewriteFunctions } from './sql-functions.ts';
import { translateGrant, type GrantPlan } from './emulator-grants.ts';
import { identifierOf, isWord, render, significant, tokenize, type Token } from './sql-tokens.ts';

/** A fully resolved Snowflake object name. */
export interface ObjectName {
  readonly database: string;
  readonly schema: string;
  readonly name: string;
}

/** The session defaults used to resolve partial names, as `use database/schema` left them. */
export interface NameContext {
  readonly database: string | undefined;
  readonly schema: string | undefined;
  /** Session values for current_warehouse() and friends. */
  readonly session?: { readonly warehouse?: string | undefined; readonly role?: string | undefined; readonly user?: string | undefined; readonly account?: string | undefined };
}

export type ResultKind = 'rows' | 'insert' | 'update' | 'delete' | 'merge' | 'ddl';

/** What the emulator does for one statement. */
export type Plan =
  | { kind: 'duck'; sql: string; resultKind: ResultKind; statementTypeId: number; status?: string; target?: ObjectName; temporary?: ObjectName; waitSeconds?: number; dropsGrants?: ObjectName }
  | GrantPlan
  | { kind: 'swap'; a: ObjectName; b: ObjectName }
  | { kind: 'rename'; from: ObjectName; to: ObjectName; objectKind: 'TABLE' | 'VIEW' }
  | { kind: 'use'; what: 'WAREHOUSE' | 'ROLE' | 'DATABASE' | 'SCHEMA'; name: string }
  | { kind: 'set'; name: string; value: string | undefined }
  | { kind: 'create-database'; name: string; ifNotExists: boolean };

/** Statement type ids as Snowflake reports them; the driver derives updated-row counts from them. */
export const statementTypes = { select: 0x1000, insert: 0x3100, update: 0x3200, delete: 0x3300, merge: 0x3400, scl: 0x4000, tcl: 0x5000, ddl: 0x6000 } as const;

const typeWords: Record<string, string> = {
  FLOAT: 'DOUBLE',
  FLOAT4: 'DOUBLE',
  FLOAT8: 'DOUBLE',
  REAL: 'DOUBLE',
  TIMESTAMP_NTZ: 'TIMESTAMP',
  DATETIME: 'TIMESTAMP',
  TIMESTAMP_LTZ: 'TIMESTAMPTZ',
  TIMESTAMP_TZ: 'TIMESTAMPTZ',
  VARIANT: 'JSON',
  OBJECT: 'JSON',
};

/**
 * Translates one statement of the SQL our adapter emits into DuckDB, folding unquoted
 * identifiers to upper case as Snowflake does. Every statement shape it does not know is
 * rejected with "unsupported in emulator", so a gap in the emulator can never look like a pass.
 */
export function translate(sql: string, ctx: NameContext): Plan {
  const tokens = tokenize(sql.trim().replace(/;\s*$/, ''));
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
    t.text = t.text.toUpperCase();
  }
  const sig = significant(tokens);
  if (sig.some((t) => t.kind === 'punct' && t.text === ';')) throw unsupported('multiple statements in one request', sql);
  mapTypes(sig);
  rewriteInformationSchema(sig, ctx);
  rewriteGenerator(sig);
  rewriteFunctions(tokens, sql);
  rewriteSessionFunctions(sig, ctx);
  const waitSeconds = rewriteWait(sig);
  const w = (i: number) => (sig[i]?.kind === 'word' ? sig[i]!.text : '');
  const first = w(0);
  const out = () => render(tokens).trimEnd();
  const grant = translateGrant(sig, ctx, sql, parseName);
  if (grant) return grant;

  if (first === 'SELECT' || first === 'WITH' || (sig[0]?.kind === 'punct' && sig[0].text === '(')) {
    return withWait({ kind: 'duck', sql: out(), resultKind: 'rows', statementTypeId: statementTypes.select }, waitSeconds);
  }
  if (first === 'INSERT' && w(1) === 'INTO') {
    const target = parseName(sig, 2, ctx).name;
    return withWait({ kind: 'duck', sql: out(), resultKind: 'insert', statementTypeId: statementTypes.insert, target }, waitSeconds);
  }
  if (first === 'MERGE' && w(1) === 'INTO') {
    const target = parseName(sig, 2, ctx).name;
    return { kind: 'duck', sql: out(), resultKind: 'merge', statementTypeId: statementTypes.merge, target };
  }
  if (first === 'DELETE' && w(1) === 'FROM') {
    return { kind: 'duck', sql: out(), resultKind: 'delete', statementTypeId: statementTypes.delete };
  }
  if (first === 'UPDATE') return { kind: 'duck', sql: out(), resultKind: 'update', statementTypeId: statementTypes.update };
  if (first === 'CREATE') return withWait(translateCreate(sql, tokens, sig, ctx), waitSeconds);
  if (first === 'DROP' && isWord(sig[1], 'TABLE', 'VIEW', 'SCHEMA')) {
    const kind = w(1);
    return { kind: 'duck', sql: out(), resultKind: 'ddl', statementTypeId: statementTypes.ddl, status: `${kind} successfully dropped.` };
  }
  if (first === 'ALTER') return translateAlter(sql, tokens, sig, ctx);
  if (first === 'USE') {
    const what = (isWord(sig[1], 'WAREHOUSE', 'ROLE', 'DATABASE', 'SCHEMA') ? w(1) : 'DATABASE') as 'WAREHOUSE' | 'ROLE' | 'DATABASE' | 'SCHEMA';
    const at = what === w(1) ? 2 : 1;
    const t = sig[at];
    if (!t || (t.kind !== 'word' && t.kind !== 'quoted')) throw unsupported('use without a name', sql);
    if (what === 'SCHEMA' && sig[at + 1]?.text === '.') {
      const n = parseName(sig, at, ctx);
      return { kind: 'use', what, name: `${n.name.schema}` };
    }
    return { kind: 'use', what, name: identifierOf(t) };
  }
  if (first === 'BEGIN' || (first === 'START' && w(1) === 'TRANSACTION')) {
    return { kind: 'duck', sql: 'BEGIN TRANSACTION', resultKind: 'ddl', statementTypeId: statementTypes.tcl, status: 'Statement executed successfully.' };
  }
  if (first === 'COMMIT' || first === 'ROLLBACK') {
    return { kind: 'duck', sql: first, resultKind: 'ddl', statementTypeId: statementTypes.tcl, status: 'Statement executed successfully.' };
  }
  throw unsupported(`statement starting with ${first || sig[0]?.text || 'nothing'}`, sql);
}

function translateCreate(sql: string, tokens: Token[], sig: Token[], ctx: NameContext): Plan {
  let i = 1;
  if (isWord(sig[i], 'OR') && isWord(sig[i + 1], 'REPLACE')) i += 2;
  let temporary = false;
  if (isWord(sig[i], 'TRANSIENT')) sig[i++]!.text = '';
  else if (isWord(sig[i], 'LOCAL', 'GLOBAL') && isWord(sig[i + 1], 'TEMPORARY', 'TEMP')) {
    sig[i++]!.text = '';
    sig[i++]!.text = '';
    temporary = true;
  } else if (isWord(sig[i], 'TEMPORARY', 'TEMP')) {
    // DuckDB keeps temporary tables in a separate catalog that three-part names cannot reach,
    // so the emulator creates a regular table and drops it when the session ends.
    sig[i++]!.text = '';
    temporary = true;
  }
  const kind = sig[i]?.kind === 'word' ? sig[i]!.text : '';
  if (kind === 'DATABASE') {
    const ifNotExists = isWord(sig[i + 1], 'IF');
    const at = ifNotExists ? i + 4 : i + 1;
    return { kind: 'create-database', name: identifierOf(sig[at]!), ifNotExists };
  }
  if (kind === 'SCHEMA') {
    return { kind: 'duck', sql: render(tokens), resultKind: 'ddl', statementTypeId: statementTypes.ddl, status: 'Schema successfully created.' };
  }
  if (kind !== 'TABLE' && kind !== 'VIEW') throw unsupported(`create ${kind.toLowerCase() || sig[i]?.text}`, sql);
  const cloneAt = sig.findIndex((t) => isWord(t, 'CLONE'));
  if (kind === 'TABLE' && cloneAt > 0 && !temporary) return translateClone(sql, sig, i, cloneAt, ctx);
  for (const t of sig) if (isWord(t, 'CLONE', 'SECURE', 'MATERIALIZED', 'DYNAMIC', 'EXTERNAL', 'ICEBERG')) throw unsupported(`create ${kind.toLowerCase()} with ${t.text.toLowerCase()}`, sql);
  let at = i + 1;
  if (isWord(sig[at], 'IF')) at += 3;
  const parsed = parseName(sig, at, ctx);
  const copyGrants = sig.some((t, k) => isWord(t, 'COPY') && isWord(sig[k + 1], 'GRANTS'));
  // Strip the Snowflake-only clauses between the name and AS / the column list.
  let j = parsed.next;
  while (j < sig.length) {
    if (isWord(sig[j], 'COPY') && isWord(sig[j + 1], 'GRANTS')) {
      sig[j]!.text = '';
      sig[j + 1]!.text = '';
      j += 2;
    } else if (isWord(sig[j], 'CLUSTER') && isWord(sig[j + 1], 'BY')) {
      const end = matchParen(sig, j + 2, sql);
      for (let k = j; k <= end; k++) sig[k]!.text = '';
      j = end + 1;
    } else if (isWord(sig[j], 'COMMENT') && sig[j + 1]?.text === '=') {
      sig[j]!.text = sig[j + 1]!.text = sig[j + 2]!.text = '';
      j += 3;
    } else if (sig[j]?.text === '(' && kind === 'TABLE') {
      j = matchParen(sig, j, sql) + 1;
    } else break;
  }
  if (j < sig.length && !isWord(sig[j], 'AS')) throw unsupported(`create ${kind.toLowerCase()} clause ${sig[j]!.text}`, sql);
  const status = kind === 'TABLE' ? `Table ${parsed.name.name} successfully created.` : `View ${parsed.name.name} successfully created.`;
  // Replaced without `copy grants`, the new object has none of the old one's grants.
  const dropsGrants = isWord(sig[1], 'OR') && !copyGrants ? parsed.name : undefined;
  const plan: Plan = { kind: 'duck', sql: render(tokens), resultKind: 'ddl', statementTypeId: statementTypes.ddl, status, ...(dropsGrants ? { dropsGrants } : {}) };
  return temporary ? { ...plan, temporary: parsed.name } : plan;
}

/**
 * `create [or replace] [transient] table t clone s`: Snowflake's zero-copy clone, emulated by a
 * copy (the same rows; reads cannot tell). Time travel (`at`/`before`) is refused.
 */
function translateClone(sql: string, sig: Token[], i: number, cloneAt: number, ctx: NameContext): Plan {
  let at = i + 1;
  if (isWord(sig[at], 'IF')) at += 3;
  const to = parseName(sig, at, ctx);
  if (to.next !== cloneAt) throw unsupported(`create table clause ${sig[to.next]?.text ?? ''} before clone`, sql);
  const from = parseName(sig, cloneAt + 1, ctx);
  if (from.next < sig.length) throw unsupported(`clone with ${sig[from.next]!.text.toLowerCase()}`, sql);
  const q = (n: ObjectName) => [n.database, n.schema, n.name].map((p) => `"${p.replaceAll('"', '""')}"`).join('.');
  const replace = isWord(sig[1], 'OR') ? 'OR REPLACE ' : '';
  return { kind: 'duck', sql: `CREATE ${replace}TABLE ${q(to.name)} AS SELECT * FROM ${q(from.name)}`, resultKind: 'ddl', statementTypeId: statementTypes.ddl, status: `Table ${to.name.name} successfully created.` };
}

function translateAlter(sql: string, tokens: Token[], sig: Token[], ctx: NameContext): Plan {
  if (isWord(sig[1], 'SESSION')) {
    if (!isWord(sig[3], 'QUERY_TAG')) throw unsupported(`alter session ${sig[2]?.text.toLowerCase() ?? ''} ${sig[3]?.text.toLowerCase() ?? ''}`.trim(), sql);
    if (isWord(sig[2], 'SET') && sig[4]?.text === '=') {
      const value = sig[5]!;
      return { kind: 'set', name: identifierOf(sig[3]!), value: value.kind === 'string' ? value.text.slice(1, -1).replaceAll("''", "'") : value.text };
    }
    if (isWord(sig[2], 'UNSET')) return { kind: 'set', name: identifierOf(sig[3]!), value: undefined };
    throw unsupported('alter session form', sql);
  }
  if (!isWord(sig[1], 'TABLE', 'VIEW')) throw unsupported(`alter ${sig[1]?.text.toLowerCase()}`, sql);
  const objectKind = sig[1]!.text as 'TABLE' | 'VIEW';
  let at = 2;
  if (isWord(sig[at], 'IF')) at += 2;
  const { name, next } = parseName(sig, at, ctx);
  if (isWord(sig[next], 'SWAP') && isWord(sig[next + 1], 'WITH')) {
    return { kind: 'swap', a: name, b: parseName(sig, next + 2, ctx).name };
  }
  if (isWord(sig[next], 'RENAME') && isWord(sig[next + 1], 'TO')) {
    // Snowflake resolves an unqualified new name in the *current* schema, not the table's.
    return { kind: 'rename', from: name, to: parseName(sig, next + 2, ctx).name, objectKind };
  }
  if (objectKind === 'TABLE' && isWord(sig[next], 'ADD', 'DROP')) {
    return { kind: 'duck', sql: render(tokens), resultKind: 'ddl', statementTypeId: statementTypes.ddl, status: 'Statement executed successfully.' };
  }
  throw unsupported(`alter ${objectKind.toLowerCase()} ${sig[next]?.text.toLowerCase() ?? ''}`.trim(), sql);
}

function matchParen(sig: Token[], open: number, sql: string): number {
  if (sig[open]?.text !== '(') throw unsupported('expected a parenthesised list', sql);
  let depth = 0;
  for (let k = open; k < sig.length; k++) {
    if (sig[k]!.text === '(') depth++;
    else if (sig[k]!.text === ')' && --depth === 0) return k;
  }
  throw new EmulatorError('001003', '42000', `SQL compilation error: unbalanced parentheses in ${sql.slice(0, 80)}`);
}

export function parseName(sig: Token[], at: number, ctx: NameContext): { name: ObjectName; next: number } {
  const parts: string[] = [];
  let k = at;
  while (sig[k] && (sig[k]!.kind === 'word' || sig[k]!.kind === 'quoted')) {
    parts.push(identifierOf(sig[k]!));
    if (sig[k + 1]?.text !== '.') {
      k++;
      break;
    }
    k += 2;
  }
  if (!parts.length || parts.length > 3) throw new EmulatorError('001003', '42000', `SQL compilation error: expected an object name at "${sig[at]?.text ?? 'end of statement'}"`);
  const name = parts.pop()!;
  const schema = parts.pop() ?? ctx.schema;
  const database = parts.pop() ?? ctx.database;
  if (!schema || !database) throw new EmulatorError('090105', '22000', 'Cannot perform operation. This session does not have a current database or schema. Call \'USE DATABASE\', or use a qualified name.');
  return { name: { database, schema, name }, next: k };
}

function mapTypes(sig: Token[]): void {
  for (let k = 0; k < sig.length; k++) {
    const t = sig[k]!;
    if (t.kind !== 'word') continue;
    const mapped = typeWords[t.text];
    // Type names are not expected as bare column names in the SQL we emit; qualified names are left alone.
    if (sig[k - 1]?.text === '.' || sig[k + 1]?.text === '.') continue;
    if (mapped) t.text = mapped;
    else if (t.text === 'NUMBER' || t.text === 'NUMERIC' || t.text === 'DECIMAL') t.text = sig[k + 1]?.text === '(' ? 'DECIMAL' : 'DECIMAL(38,0)';
  }
}

/** Snowflake's information_schema views, computed from DuckDB's for one database with Snowflake type names. */
function rewriteInformationSchema(sig: Token[], ctx: NameContext): void {
  for (let k = 0; k < sig.length; k++) {
    if (!isWord(sig[k], 'INFORMATION_SCHEMA') || sig[k + 1]?.text !== '.') continue;
    const view = sig[k + 2]?.kind === 'word' ? sig[k + 2]!.text : '';
    const qualified = sig[k - 1]?.text === '.' && (sig[k - 2]?.kind === 'word' || sig[k - 2]?.kind === 'quoted');
    const database = qualified ? identifierOf(sig[k - 2]!) : ctx.database;
    if (!database) throw new EmulatorError('090105', '22000', 'Cannot perform SELECT. This session does not have a current database. Call \'USE DATABASE\', or use a qualified name.');
    const db = `'${database.replaceAll("'", "''")}'`;
    let body: string;
    if (view === 'TABLES') {
      body = `(SELECT table_catalog AS TABLE_CATALOG, table_schema AS TABLE_SCHEMA, table_name AS TABLE_NAME, table_type AS TABLE_TYPE FROM information_schema.tables WHERE table_catalog = ${db} AND table_schema <> 'information_schema')`;
    } else if (view === 'COLUMNS') {
      body = `(SELECT table_catalog AS TABLE_CATALOG, table_schema AS TABLE_SCHEMA, table_name AS TABLE_NAME, column_name AS COLUMN_NAME, ordinal_position AS ORDINAL_POSITION, ${snowflakeTypeCase('data_type')} AS DATA_TYPE, ${numericFacet('numeric_precision', 38)} AS NUMERIC_PRECISION, ${numericFacet('numeric_scale', 0)} AS NUMERIC_SCALE, is_nullable AS IS_NULLABLE FROM information_schema.columns WHERE table_catalog = ${db})`;
    } else if (view === 'SCHEMATA') {
      body = `(SELECT catalog_name AS CATALOG_NAME, schema_name AS SCHEMA_NAME FROM information_schema.schemata WHERE catalog_name = ${db})`;
    } else {
      throw unsupported(`information_schema.${view.toLowerCase()}`, render(sig));
    }
    const from = qualified ? k - 2 : k;
    for (let m = from; m <= k + 2; m++) sig[m]!.text = '';
    sig[from]!.text = body;
  }
}

/** Snowflake stores every integer as NUMBER(38,0); DuckDB reports binary precision for them, so they are restated. */
function numericFacet(col: string, forIntegers: number): string {
  return `CASE WHEN data_type LIKE 'DECIMAL%' THEN ${col} WHEN data_type IN ('TINYINT','SMALLINT','INTEGER','BIGINT','HUGEINT','UTINYINT','USMALLINT','UINTEGER','UBIGINT') THEN ${forIntegers} END`;
}

function snowflakeTypeCase(col: string): string {
  return `CASE
    WHEN ${col} IN ('TINYINT','SMALLINT','INTEGER','BIGINT','HUGEINT','UTINYINT','USMALLINT','UINTEGER','UBIGINT') OR ${col} LIKE 'DECIMAL%' THEN 'NUMBER'
    WHEN ${col} IN ('FLOAT','DOUBLE') THEN 'FLOAT'
    WHEN ${col} = 'VARCHAR' THEN 'TEXT'
    WHEN ${col} = 'TIMESTAMP' THEN 'TIMESTAMP_NTZ'
    WHEN ${col} = 'TIMESTAMP WITH TIME ZONE' THEN 'TIMESTAMP_LTZ'
    WHEN ${col} = 'BLOB' THEN 'BINARY'
    WHEN ${col} IN ('BOOLEAN','DATE','TIME') THEN ${col}
    ELSE 'VARIANT' END`;
}

/**
 * `table(generator(rowcount => n))` becomes DuckDB's `range(n)` with a named column, and
 * `seq4()`/`seq8()` read that column: a per-row counter from 0, as Snowflake's are over a
 * generator. Without a generator, seq4() falls back to `row_number() over () - 1`.
 */
function rewriteGenerator(sig: Token[]): void {
  const keywords = new Set(['WHERE', 'QUALIFY', 'GROUP', 'ORDER', 'LIMIT', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'FULL', 'CROSS', 'UNION', 'ON', 'HAVING', 'WINDOW', 'EXCEPT', 'INTERSECT']);
  let seq: string | undefined;
  const shape = ['TABLE', '(', 'GENERATOR', '(', 'ROWCOUNT', '=', '>'];
  for (let k = 0; k < sig.length; k++) {
    if (!shape.every((w, i) => sig[k + i]?.text === w) || sig[k + 7]?.kind !== 'number' || sig[k + 8]?.text !== ')' || sig[k + 9]?.text !== ')') continue;
    const n = sig[k + 7]!.text;
    for (let m = k + 1; m <= k + 9; m++) sig[m]!.text = '';
    let alias = 'SM_GENERATOR';
    let next = k + 10;
    if (isWord(sig[next], 'AS')) sig[next++]!.text = '';
    const a = sig[next];
    if (a && (a.kind === 'quoted' || (a.kind === 'word' && !keywords.has(a.text)))) {
      alias = a.text;
      a.text = '';
    }
    sig[k]!.text = `range(${n}) AS ${alias}(SM_SEQ)`;
    seq = `${alias}.SM_SEQ`;
  }
  for (let k = 0; k < sig.length; k++) {
    const t = sig[k]!;
    if (isWord(t, 'SEQ1', 'SEQ2', 'SEQ4', 'SEQ8') && sig[k + 1]?.text === '(' && sig[k + 2]?.text === ')') {
      t.text = seq ?? '(row_number() OVER () - 1)';
      sig[k + 1]!.text = sig[k + 2]!.text = '';
    }
  }
}

/**
 * `system$wait(n)` anywhere in a statement: the emulator waits n seconds (cancellable, without
 * holding DuckDB) and then runs the statement with the function's result, `waited n seconds`.
 */
function rewriteWait(sig: Token[]): number {
  let total = 0;
  for (let k = 0; k < sig.length; k++) {
    if (!isWord(sig[k], 'SYSTEM$WAIT') || sig[k + 1]?.text !== '(' || sig[k + 2]?.kind !== 'number') continue;
    const close = sig[k + 3]?.text === ')' ? k + 3 : -1;
    if (close < 0) throw unsupported('system$wait with a time unit', render(sig));
    const n = Number(sig[k + 2]!.text);
    total += n;
    sig[k]!.text = `'waited ${n} seconds'`;
    for (let m = k + 1; m <= close; m++) sig[m]!.text = '';
  }
  return total;
}

function withWait(plan: Plan, seconds: number): Plan {
  return seconds > 0 && plan.kind === 'duck' ? { ...plan, waitSeconds: seconds } : plan;
}

/** current_warehouse(), current_role(), current_user(), current_account(): the session's values as literals. */
function rewriteSessionFunctions(sig: Token[], ctx: NameContext): void {
  const values: Record<string, string | undefined> = {
    CURRENT_WAREHOUSE: ctx.session?.warehouse,
    CURRENT_ROLE: ctx.session?.role,
    CURRENT_USER: ctx.session?.user,
    CURRENT_ACCOUNT: ctx.session?.account,
  };
  for (let k = 0; k < sig.length; k++) {
    const t = sig[k]!;
    if (t.kind !== 'word' || !(t.text in values) || sig[k + 1]?.text !== '(' || sig[k + 2]?.text !== ')') continue;
    const v = values[t.text];
    t.text = v === undefined ? 'CAST(NULL AS VARCHAR)' : `'${v.replaceAll("'", "''")}'`;
    sig[k + 1]!.text = sig[k + 2]!.text = '';
  }
}
