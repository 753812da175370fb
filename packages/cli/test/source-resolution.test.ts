import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SM_VERSION } from '@smsql/core';

// Tests must exercise the sources, never a build that may be stale (see vitest.config.ts).
describe('workspace packages resolve to TypeScript sources under test', () => {
  it('in the test process', async () => {
    const core = await import('@smsql/core');
    expect(core.SM_VERSION).toBe(SM_VERSION);
    expect(new URL(import.meta.resolve('@smsql/core')).pathname).toMatch(/packages\/core\/src\/index\.ts$/);
  });
  it('in processes that tests start', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('@smsql/core'))"], { cwd: new URL('..', import.meta.url), encoding: 'utf8', input: '' });
    expect(out.trim()).toMatch(/packages\/core\/src\/index\.ts$/);
  });
});
