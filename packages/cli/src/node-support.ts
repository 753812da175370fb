// Read by bin.ts before anything else loads: plain syntax and no imports, on purpose.

/** The oldest Node.js sm supports (chokidar 6 needs 22.22); `engines.node` in every package.json is `>=` this. */
export const NODE_MINIMUM = '22.22';

/** Whether Node `version` (process.versions.node, e.g. "22.22.0") is {@link NODE_MINIMUM} or newer. */
export function nodeSupported(version: string): boolean {
  const parts = version.split('.');
  const major = Number(parts[0]);
  const minor = Number(parts[1]);
  return major > 22 || (major === 22 && minor >= 22);
}
