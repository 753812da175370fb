import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

// Debian's Chromium (scripts/ci/install-chromium.sh), launched as docs.test.ts does on this machine.
const CHROMIUM = process.env.SM_CHROMIUM ?? '/usr/bin/chromium';
const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      threads: 1\n';
// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('asset-paths: folders docs generate copies into target/, as dbt does', () => {
  it('copies each folder to target/<path> (and beside sm’s page), replacing the last copy; the page shows ![alt](path) images', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': 'name: demo\nprofile: demo\nasset-paths: [assets/]\n',
      'models/m.sql': 'select 1 as id\n',
      'models/m.yml': 'models:\n  - name: m\n    description: "Our logo: ![the logo](assets/img_1/logo.png)"\n',
    });
    const img = join(dir, 'assets', 'img_1');
    mkdirSync(img, { recursive: true });
    writeFileSync(join(img, 'logo.png'), PNG);
    writeFileSync(join(img, 'old.png'), PNG);
    const first = await sm('docs', 'generate', '--project-dir', dir, '--profiles-dir', dir, '--empty-catalog');
    expect(first.code, first.err).toBe(0);
    for (const at of ['target/assets/img_1', 'target/docs/assets/img_1']) {
      expect(readFileSync(join(dir, at, 'logo.png'))).toEqual(PNG);
      expect(existsSync(join(dir, at, 'old.png'))).toBe(true);
    }
    // A file gone from the project is gone from the copy.
    rmSync(join(img, 'old.png'));
    const second = await sm('docs', 'generate', '--project-dir', dir, '--profiles-dir', dir, '--empty-catalog');
    expect(second.code, second.err).toBe(0);
    expect(existsSync(join(dir, 'target/assets/img_1/old.png'))).toBe(false);
    expect(existsSync(join(dir, 'target/docs/assets/img_1/logo.png'))).toBe(true);

    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ci/install-chromium.sh (apt-get install chromium)`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      for (const page of ['target/index.html', 'target/docs/index.html']) {
        const p = await browser.newPage();
        await p.goto(`${pathToFileURL(join(dir, page)).href}#model.demo.m`);
        await expect.poll(() => p.textContent('#detail [data-role=name]')).toBe('m');
        const shown = () => p.$eval('#detail [data-role=description] img', (i) => [i.getAttribute('alt'), (i as unknown as { naturalWidth: number }).naturalWidth]);
        await expect.poll(shown).toEqual(['the logo', 1]);
        await p.close();
      }
    } finally {
      await browser.close();
    }
  }, 120_000);

  it.each([
    ['../outside', /asset-paths`: "\.\.\/outside" is not a folder inside the project/],
    ['/abs/path', /asset-paths`: "\/abs\/path" is not a folder inside the project/],
    ['docs', /asset-paths`: "docs" would replace target\/docs/],
  ])('refuses %s with exit 2 and the project file to fix', async (path, message) => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'dbt_project.yml': `name: demo\nprofile: demo\nasset-paths: ['${path}']\n`, 'models/m.sql': 'select 1 as id\n' });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toContain('dbt_project.yml');
  });
});
