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
 *     memory_limit: 1GB           # default 512MB; `off` leaves DuckDB's own
 * ```
 */
export type DuckDbLandingOptions = {
  /** Where the lander keeps links to the files it lands and staged Kafka records (a private folder inside it). Default: the OS temp directory. */
  readonly stage_dir: string;
  /** Parallel JSON readers per batch of files. Default: DuckDB's `threads` setting. */
  readonly readers?: number;
  /**
   * DuckDB's `memory_limit` while the lander is open (restored when it closes), when lower than
   * the one set: without it DuckDB keeps up to 80% of RAM of written pages cached, so a process
   * landing a large file grows with the file. Default `512MB`; `off` leaves DuckDB's setting.
   */
  readonly memory_limit: string;
};

const SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

const KEYS: Record<string, string> = {
  stage_dir: 'an absolute path to an existing directory',
  readers: 'a whole number from 1 to 256',
  memory_limit: 'a size such as 512MB or 2GB, or off',
};

const DEFAULT_MEMORY_LIMIT = '512MB';

function configError(message: string): Error {
  return Object.assign(new Error(message), { code: 'SM_DUCKDB_LANDING_CONFIG' });
}

/** Checks DuckDB's landing options; every problem names the key and what it takes. */
export function duckDbLandingOptions(raw: unknown): DuckDbLandingOptions {
  if (raw === undefined || raw === null) return { stage_dir: tmpdir(), memory_limit: DEFAULT_MEMORY_LIMIT };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw configError(`\`landing\` of a DuckDB target must be a map (stage_dir, readers, memory_limit), not ${JSON.stringify(raw)}`);
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
  let memoryLimit = DEFAULT_MEMORY_LIMIT;
  if (o.memory_limit !== undefined) {
    const v = o.memory_limit;
    if (typeof v !== 'string' || !(v === 'off' || SIZE.test(v.trim()))) throw configError(`\`landing.memory_limit\` must be ${KEYS.memory_limit}, not ${JSON.stringify(v)}`);
    memoryLimit = v.trim();
  }
  return readers === undefined ? { stage_dir: stageDir, memory_limit: memoryLimit } : { stage_dir: stageDir, readers, memory_limit: memoryLimit };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
