// Builds every published package to dist/: `tsc -b` (JavaScript and declarations, incremental,
// in dependency order), then copies the non-TypeScript files that modules load at run time
// from src/ to dist/ beside them (the docs site's page and script). Plain JavaScript so that it
// runs on any Node that `pnpm install` runs on, even one too old to run sm itself.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-b', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  console.error('build: tsc -b tsconfig.build.json failed (see above)');
  process.exit(1);
}

/** Non-TypeScript files under each package's src/ (not tests), copied to the same place under dist/. */
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src');
  if (!existsSync(src)) continue;
  for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    const from = join(src, f);
    if (f.endsWith('.ts') || statSync(from).isDirectory()) continue;
    const to = join(root, 'packages', pkg, 'dist', relative(src, from));
    cpSync(from, to);
  }
}
