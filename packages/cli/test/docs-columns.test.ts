import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm } from './run-cli.ts';

const PROJECT = fileURLToPath(new URL('../../../project', import.meta.url));
// Screenshots kept after the run, under the repository's (git-ignored) target/.
const ARTIFACTS = fileURLToPath(new URL('../../../target/test-artifacts/', import.meta.url));
// Debian's Chromium (scripts/ci/install-chromium.sh), launched as docs.test.ts does on this machine.
const CHROMIUM = process.env.SM_CHROMIUM ?? '/usr/bin/chromium';

describe('column lineage on the docs site, in headless Chromium', () => {
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sm-docs-columns-'));
    cpSync(PROJECT, dir, { recursive: true, filter: (src) => !/\/(target|lake|logs)(\/|$)/.test(src.slice(PROJECT.length)) });
    // No warehouse: the lineage is sm check's, from the SQL and the sources' declared columns.
    const docs = await sm('docs', 'generate', '--project-dir', dir, '--empty-catalog');
    expect(docs.code, docs.out + docs.err).toBe(0);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ci/install-chromium.sh (apt-get install chromium)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('click a column: the columns it comes from back to raw and seed data, and those computed from it', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(join(dir, 'target/docs/index.html')).href + '#model.streamify.wide_streams');
    await expect.poll(() => page.textContent('#detail [data-role=name]')).toBe('wide_streams');
    // Inferred types beside the declared ones.
    expect(await page.textContent('#detail [data-role=columns]')).toMatch(/Inferred[\s\S]*TIMESTAMP/);

    await page.click('#detail tr[data-col="artist"]');
    const up = () => page.$$eval('#detail [data-role=column-upstream] a', (as) => as.map((a) => `${a.getAttribute('data-id')}.${a.getAttribute('data-col')}`));
    await expect.poll(up).toEqual(['model.streamify.dim_artists.artist_name', 'seed.streamify.songs.artist_name']);
    // The graph marks the nodes the column's lineage passes through.
    const marked = await page.$$eval('#graph .node.col', (gs) => gs.map((g) => g.getAttribute('data-id')).sort());
    expect(marked).toEqual(['model.streamify.dim_artists', 'model.streamify.wide_streams', 'seed.streamify.songs']);

    await page.click('#detail tr[data-col="city"]');
    await expect.poll(up).toEqual(expect.arrayContaining(['model.streamify.dim_locations.city', 'source.streamify.eventsim.listen_events.city', 'source.streamify.eventsim.page_view_events.city']));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'docs-column-lineage.png') });

    // Follow the lineage to the raw column, then look downstream from it.
    await page.click('#detail [data-role=column-upstream] a[data-id="source.streamify.eventsim.listen_events"][data-col="city"]');
    await expect.poll(() => page.textContent('#detail [data-role=name]')).toBe('listen_events');
    const down = await page.$$eval('#detail [data-role=column-downstream] a', (as) => as.map((a) => `${a.getAttribute('data-id')}.${a.getAttribute('data-col')}`));
    expect(down).toEqual(expect.arrayContaining(['model.streamify.stg_listen_events.city', 'model.streamify.dim_locations.city', 'model.streamify.wide_streams.city']));
    expect(await page.textContent('#detail [data-role=column-lineage]')).toMatch(/Nothing: it is raw data/);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-column-downstream.png') });
    expect(errors).toEqual([]);
  });
});
