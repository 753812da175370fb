/**
 * A failure the emulator reports the way Snowflake does: HTTP 200 with `success: false`,
 * a six-digit `code`, a `message` and `data.sqlState`.
 */
export class EmulatorError extends Error {
  readonly code: string;
  readonly sqlState: string;
  constructor(code: string, sqlState: string, message: string) {
    super(message);
    this.name = 'EmulatorError';
    this.code = code;
    this.sqlState = sqlState;
  }
}

/** The one error for SQL the emulator does not translate: loud, so a gap can never look like a pass. */
export function unsupported(what: string, sql: string): EmulatorError {
  const snippet = sql.replace(/\s+/g, ' ').trim().slice(0, 120);
  return new EmulatorError('001003', '0A000', `SQL compilation error: unsupported in emulator: ${what} (statement: ${snippet})`);
}

/** Maps a DuckDB failure to the closest Snowflake error class, keeping DuckDB's text. */
export function fromDuckDb(e: unknown): EmulatorError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/does not exist|not found/i.test(msg)) return new EmulatorError('002003', '42S02', `SQL compilation error:\n${msg}`);
  if (/interrupted/i.test(msg)) return new EmulatorError('000604', '57014', 'SQL execution canceled');
  if (/constraint|conversion|could not convert|out of range/i.test(msg)) return new EmulatorError('100038', '22018', msg);
  return new EmulatorError('001003', '42000', `SQL compilation error:\n${msg}`);
}
