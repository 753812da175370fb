import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute } from 'node:path';

/**
 * DuckDB's landing options: the `landing:` map of a DuckDB target in profiles.yml.
 *
 * ```yaml
 * dev:
 *   type: duckdb
 *   landing:
 *     stage_dir: /fast/disk/tmp   # default: the OS temp directory
 *     readers: 4                  # default: DuckDB's `threads`
 * ```
 */
export type DuckDbLandingOptions = {
  /** Where the lander keeps links to the files it lands and staged Kafka records (a private folder inside it). Default: the OS temp directory. */
  readonly stage_dir: string;
  /** Parallel JSON readers per batch of files. Default: DuckDB's `threads` setting. */
  readonly readers?: number;
};

const KEYS: Record<string, string> = {
  stage_dir: 'an absolute path to an existing directory',
  readers: 'a whole number from 1 to 256',
};

function configError(message: string): Error {
  return Object.assign(new Error(message), { code: 'SM_DUCKDB_LANDING_CONFIG' });
}

/** Checks DuckDB's landing options; every problem names the key and what it takes. */
export function duckDbLandingOptions(raw: unknown): DuckDbLandingOptions {
  if (raw === undefined || raw === null) return { stage_dir: tmpdir() };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw configError(`\`landing\` of a DuckDB target must be a map (stage_dir, readers), not ${JSON.stringify(raw)}`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(k in KEYS)) throw configError(`unknown DuckDB landing option \`landing.${k}\`; DuckDB knows ${Object.keys(KEYS).map((x) => `\`${x}\``).join(', ')}`);
  }
  let stageDir = tmpdir();
  if (o.stage_dir !== undefined) {
    const v = o.stage_dir;
    if (typeof v !== 'string' || !isAbsolute(v) || !isDir(v)) throw configError(`\`landing.stage_dir\` must be ${KEYS.stage_dir}, not ${JSON.stringify(v)}`);
    stageDir = v;
  }
  let readers: number | undefined;
  if (o.readers !== undefined) {
    const v = o.readers;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 256) throw configError(`\`landing.readers\` must be ${KEYS.readers}, not ${JSON.stringify(v)}`);
    readers = v;
  }
  return readers === undefined ? { stage_dir: stageDir } : { stage_dir: stageDir, readers };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
