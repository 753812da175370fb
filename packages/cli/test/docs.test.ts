import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { serveDocs, type DocsServer } from '../src/docs/serve-docs.ts';
import { sm, smProcess } from './run-cli.ts';

const PROJECT = fileURLToPath(new URL('../../../project', import.meta.url));
const OUTPUT = fileURLToPath(new URL('./__output__/', import.meta.url));
// Debian's Chromium (scripts/ci/install-chromium.sh); Playwright's own browser download is not reachable here.
const CHROMIUM = process.env.SM_CHROMIUM ?? '/usr/bin/chromium';

async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ci/install-chromium.sh (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // Playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here).
  });
}

/** Open a page and collect every console error and uncaught exception. */
async function open(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(url);
  await page.waitForSelector('#graph .node');
  return { page, errors };
}

describe('sm docs on the Streamify project, in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let server: DocsServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sm-docs-'));
    cpSync(PROJECT, dir, { recursive: true, filter: (src) => !/\/(target|lake|logs)(\/|$)/.test(src.slice(PROJECT.length)) });
    const gen = await sm('ingest', 'generate', '--project-dir', dir, '--users', '30', '--start', '2026-11-06', '--end', '2026-11-07', '--seed', '3');
    expect(gen.code, gen.err).toBe(0);
    expect((await sm('ingest', 'load', '--project-dir', dir)).code).toBe(0);
    const build = await sm('build', '--project-dir', dir);
    expect(build.code, build.out + build.err).toBe(0);
    const docs = await sm('docs', 'generate', '--project-dir', dir);
    expect(docs.code, docs.out + docs.err).toBe(0);
    expect(docs.out).toMatch(/Wrote \d+ nodes to .*index\.html and the catalog of \d+ relations/);
    server = await serveDocs(join(dir, 'target/docs'), 0);
    browser = await launch();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a self-contained site and catalog.json with warehouse types', () => {
    const html = readFileSync(join(dir, 'target/docs/index.html'), 'utf8');
    // No CDN or other network: every script and style is local.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const catalog = JSON.parse(readFileSync(join(dir, 'target/catalog.json'), 'utf8'));
    expect(catalog.nodes['model.streamify.wide_streams'].metadata.type).toBe('BASE TABLE');
    expect(Object.keys(catalog.sources).length).toBeGreaterThan(0);
  });

  it('loads without console errors, shows the whole lineage, finds a model and shows its neighbours on click', async () => {
    const { page, errors } = await open(browser, server.url);
    // Before a node is chosen: the project's {% docs __overview__ %} (project/models/docs.md), its Markdown rendered.
    expect(await page.textContent('#detail [data-role=overview] h4')).toBe('Streamify');
    expect(await page.textContent('#detail [data-role=overview] strong')).toBe('Eventsim');
    expect(await page.$$eval('#detail [data-role=overview] li', (ls) => ls.length)).toBe(3);
    const names = await page.$$eval('#graph .node text', (ts) => ts.map((t) => t.textContent));
    expect(names).toEqual(expect.arrayContaining(['wide_streams', 'fact_streams', 'stg_listen_events', 'dim_users']));
    expect(names.some((n) => /listen_events/.test(n ?? '') && n !== 'stg_listen_events')).toBe(true); // the source
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'docs-whole.png') });

    await page.fill('#search', 'fact_str');
    // The model first (prefix match on its name), then the tests that mention it.
    await expect.poll(() => page.$$eval('#results li[data-id]', (ls) => ls.map((l) => l.getAttribute('data-id'))[0])).toBe('model.streamify.fact_streams');
    expect(await page.$$eval('#results li[data-id]', (ls) => ls.map((l) => l.getAttribute('data-id')))).not.toContain('model.streamify.wide_streams');
    await page.fill('#search', 'wide');
    await page.click('#results li[data-id="model.streamify.wide_streams"]');
    await expect.poll(() => page.textContent('#detail [data-role=name]')).toBe('wide_streams');
    expect(await page.textContent('#detail [data-role=status]')).toBe('success');
    // Declared beside actual warehouse types, and compiled SQL.
    expect(await page.textContent('#detail [data-role=columns]')).toMatch(/VARCHAR|BIGINT|TIMESTAMP/);
    expect(await page.textContent('#detail [data-role=compiled]')).toMatch(/fact_streams/);
    // A column documented by a docs block ({{ doc('stream_key') }}): its text, Markdown rendered.
    expect(await page.textContent('#detail [data-role=columns] tr[data-col="stream_key"]')).toContain('the key staging dedupes on');
    expect(await page.textContent('#detail [data-role=columns] tr[data-col="stream_key"] strong')).toBe('one');

    // Click stg_listen_events in the graph: the graph narrows to its lineage and the panel lists its neighbours.
    await page.click('#graph .node[data-id="model.streamify.stg_listen_events"]');
    await expect.poll(() => page.textContent('#detail [data-role=name]')).toBe('stg_listen_events');
    const upstream = await page.$$eval('#detail [data-role=upstream] a', (as) => as.map((a) => a.getAttribute('data-id')));
    const downstream = await page.$$eval('#detail [data-role=downstream] a', (as) => as.map((a) => a.getAttribute('data-id')));
    expect(upstream).toEqual(['source.streamify.eventsim.listen_events']);
    expect(downstream).toContain('model.streamify.fact_streams');
    const shown = await page.$$eval('#graph .node', (gs) => gs.map((g) => g.getAttribute('data-id')));
    expect(shown).toContain('model.streamify.wide_streams');
    expect(shown).toContain('source.streamify.eventsim.listen_events');
    // Not in stg_listen_events' lineage: the page-view staging model.
    expect(shown).not.toContain('model.streamify.stg_page_view_events');
    const near = await page.$$eval('#graph .node.near', (gs) => gs.map((g) => g.getAttribute('data-id')));
    expect(near).toEqual(expect.arrayContaining(['source.streamify.eventsim.listen_events', 'model.streamify.fact_streams']));
    await page.screenshot({ path: join(OUTPUT, 'docs-lineage.png') });
    expect(errors).toEqual([]);
  });

  it('shows the dashboard exposure in the lineage, after the gold models it reads, with its owner and URL', async () => {
    const { page, errors } = await open(browser, `${server.url}#exposure.streamify.streamify_dashboard`);
    await expect.poll(() => page.textContent('#detail [data-role=name]')).toBe('streamify_dashboard');
    expect(await page.textContent('#detail [data-role=owner]')).toMatch(/Streamify analytics/);
    expect(await page.getAttribute('#detail [data-role=url] a', 'href')).toBe('http://127.0.0.1:8088/superset/dashboard/streamify/');
    const upstream = await page.$$eval('#detail [data-role=upstream] a', (as) => as.map((a) => a.getAttribute('data-id')));
    expect(upstream).toEqual(expect.arrayContaining(['model.streamify.gold_listens_hourly', 'model.streamify.gold_song_plays_daily']));
    const shown = await page.$$eval('#graph .node', (gs) => gs.map((g) => g.getAttribute('data-id')));
    expect(shown).toEqual(expect.arrayContaining(['exposure.streamify.streamify_dashboard', 'model.streamify.silver_listen_events', 'source.streamify.eventsim.listen_events']));
    expect(shown).not.toContain('model.streamify.wide_streams');
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'docs-exposure.png') });
    expect(errors).toEqual([]);
  });

  it('opens from disk with no server', async () => {
    const { page, errors } = await open(browser, pathToFileURL(join(dir, 'target/docs/index.html')).href + '#model.streamify.dim_users');
    await expect.poll(() => page.textContent('#detail [data-role=name]')).toBe('dim_users');
    expect(errors).toEqual([]);
  });

  it('opens from target/index.html too, where dbt writes its site', async () => {
    const { page, errors } = await open(browser, pathToFileURL(join(dir, 'target/index.html')).href + '#model.streamify.dim_users');
    await expect.poll(() => page.textContent('#detail [data-role=name]')).toBe('dim_users');
    expect(errors).toEqual([]);
  });
});

describe('sm docs at thousands of nodes', () => {
  it('lays out 3,000 models and still searches and focuses', async () => {
    const files: Record<string, string> = {
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n',
    };
    // Ten layers of 300 models, each reading two models of the layer before.
    for (let l = 0; l < 10; l++) {
      for (let i = 0; i < 300; i++) {
        files[`models/l${l}/m_${l}_${i}.sql`] = l === 0 ? `select ${i} as id` : `select * from {{ ref('m_${l - 1}_${i}') }} union all select * from {{ ref('m_${l - 1}_${(i * 7 + 1) % 300}') }}`;
      }
    }
    const dir = writeProject(files);
    const r = await sm('docs', 'generate', '--project-dir', dir, '--empty-catalog');
    expect(r.code, r.out + r.err).toBe(0);
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, pathToFileURL(join(dir, 'target/docs/index.html')).href);
      expect(await page.$$eval('#graph .node', (gs) => gs.length)).toBe(3000);
      expect(await page.textContent('#graph-title')).toMatch(/3000 nodes, 5400 edges/);
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, 'docs-3000.png') });
      await page.fill('#search', 'm_9_42');
      await page.press('#search', 'Enter');
      await expect.poll(() => page.textContent('#detail [data-role=name]')).toBe('m_9_42');
      // Its ancestors only: far fewer than the whole project.
      const shown = await page.$$eval('#graph .node', (gs) => gs.length);
      expect(shown).toBeGreaterThan(10);
      expect(shown).toBeLessThan(3000);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sm docs serve', () => {
  it('serves the generated site on 127.0.0.1 until Ctrl-C, and refuses paths outside it', async () => {
    const dir = writeProject({
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n',
      'models/a.sql': 'select 1 as id',
    });
    expect((await sm('docs', 'generate', '--project-dir', dir)).code).toBe(0);
    const child = smProcess(['docs', 'serve', '--port', '0', '--project-dir', dir]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`sm docs serve exited (${code}): ${out}`)));
      });
      const index = await fetch(url);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('sm-docs.js');
      const data = await (await fetch(`${url}docs.json`)).json() as { nodes: { id: string }[] };
      expect(data.nodes.map((n) => n.id)).toEqual(['model.demo.a']);
      expect((await fetch(`${url}..%2F..%2Fprofiles.yml`)).status).toBe(404);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
