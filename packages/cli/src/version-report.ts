import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `version` of an installed package, or undefined when it is not installed. Reads only package.json. */
function versionOf(pkg: string, from = require): string | undefined {
  try {
    return (JSON.parse(readFileSync(from.resolve(`${pkg}/package.json`), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * What `sm --version` prints: sm's own version, then core's and each built-in adapter's with the
 * driver it uses, as `dbt --version` lists core and plugins. Reads package.json files only, so it
 * loads no driver and no project code (it is the cheapest command, and orchestrators call it).
 */
export function versionReport(): string {
  const cli = versionOf('@smsql/cli', createRequire(new URL('../package.json', import.meta.url))) ?? 'unknown';
  const lines = [`sm ${cli} (Node.js ${process.versions.node})`, `core: ${versionOf('@smsql/core') ?? 'not installed'}`, 'adapters:'];
  const adapters: [string, string, string][] = [
    ['duckdb', '@smsql/adapter-duckdb', '@duckdb/node-api'],
    ['snowflake', '@smsql/adapter-snowflake', 'snowflake-sdk'],
  ];
  for (const [name, pkg, driver] of adapters) {
    const v = versionOf(pkg);
    if (!v) {
      lines.push(`  - ${name}: not installed`);
      continue;
    }
    const adapterRequire = createRequire(require.resolve(`${pkg}/package.json`));
    lines.push(`  - ${name}: ${v} (${driver} ${versionOf(driver, adapterRequire) ?? 'missing'})`);
  }
  return lines.join('\n');
}
