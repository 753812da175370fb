import { BaseDialect, compile, isSmProjectError, type Adapter, type Compilation, type Diagnostic } from '../../src/index.ts';
import { writeProject } from '../fixture.ts';

/** Snowflake's identifier rules, which is all the checker's tests need of its dialect: relations are quoted upper-cased. */
class UpperCaseDialect extends BaseDialect {
  override readonly name = 'snowflake';
  override readonly identifierCase = 'upper' as const;
  override quoteIdentifier(id: string): string {
    return super.quoteIdentifier(this.normalizeIdentifier(id));
  }
}

// Checking needs no warehouse: an adapter that can only render SQL text.
export const offline = (type: string): Adapter => ({
  type,
  dialect: type === 'snowflake' ? new UpperCaseDialect() : new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('check must not connect')),
});

export const SNOWFLAKE_PROFILE = 'demo:\n  target: prod\n  outputs:\n    prod:\n      type: snowflake\n      account: x\n      user: u\n      database: DB\n      schema: analytics\n      threads: 1\n';

/** Check an inline project; returns the compilation (with `check`) or the diagnostics that stopped it. */
export async function checkFiles(files: Record<string, string>, extra: { strict?: boolean; select?: string[] } = {}): Promise<{ c?: Compilation; diagnostics: Diagnostic[]; dir: string }> {
  const dir = writeProject(files);
  try {
    const c = await compile({ projectDir: dir, adapters: { duckdb: () => offline('duckdb'), snowflake: () => offline('snowflake') }, check: true, strict: extra.strict, select: extra.select }, 'check');
    return { c, diagnostics: [...c.check!.diagnostics], dir };
  } catch (e) {
    if (isSmProjectError(e)) return { diagnostics: [...e.diagnostics], dir };
    throw e;
  }
}

/** `code at file:line:column` of each diagnostic, for compact assertions. */
export function where(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => `${d.code} at ${d.location?.file}:${d.location?.line}:${d.location?.column}`);
}
