import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_MINIMUM, nodeSupported } from '../src/node-support.ts';

describe('supported Node versions', () => {
  it('accepts the minimum and newer, refuses older', () => {
    for (const v of ['22.22.0', '22.23.3', '24.0.0', '26.1.0']) expect(nodeSupported(v), v).toBe(true);
    for (const v of ['22.21.1', '22.9.0', '20.20.2', '18.0.0']) expect(nodeSupported(v), v).toBe(false);
  });
  it('is the engines range of every package', () => {
    const root = new URL('../../../', import.meta.url);
    const files = ['package.json', ...readdirSync(new URL('packages/', root)).map((p) => `packages/${p}/package.json`)];
    for (const f of files) expect(JSON.parse(readFileSync(new URL(f, root), 'utf8')).engines?.node, f).toBe(`>=${NODE_MINIMUM}`);
  });
});
