import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm } from './run-cli.ts';

const PROJECT = fileURLToPath(new URL('../../../project', import.meta.url));
// A test artifact: the dashboard as the test saw it.
const ARTIFACTS = fileURLToPath(new URL('../../../target/test-artifacts/', import.meta.url));
const VENV = join(process.env.SM_SUPERSET_CACHE ?? join(homedir(), '.cache', 'sm-superset'), `superset-${process.env.SM_SUPERSET_VERSION ?? '6.1.0'}`);
const CHROMIUM = process.env.SM_CHROMIUM ?? '/usr/bin/chromium';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Issue 17: the Streamify dashboard (Apache Superset, project/dashboard) started the way the
 * README's command starts it, on a freshly built demo project, opened in headless Chromium; the
 * figures it shows must be the ones SQL computes from wide_streams.
 */
describe('the Streamify dashboard in Superset, in headless Chromium', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let url: string;
  let log = '';

  async function q(sql: string): Promise<Record<string, unknown>[]> {
    const db = await DuckDBInstance.create(join(dir, 'target/streamify.duckdb'));
    const c = await db.connect();
    try {
      return (await c.runAndReadAll(sql)).getRowObjectsJS();
    } finally {
      c.closeSync();
      db.closeSync();
    }
  }

  beforeAll(async () => {
    if (!existsSync(join(VENV, '.complete'))) throw new Error(`No Superset venv at ${VENV}: run scripts/ci/install-superset.sh (CI runs it through scripts/ci/prepare.sh)`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ci/install-chromium.sh`);
    dir = mkdtempSync(join(tmpdir(), 'sm-dashboard-'));
    cpSync(PROJECT, dir, { recursive: true, filter: (src) => !/\/(target|lake|logs|airflow)(\/|$)/.test(src.slice(PROJECT.length)) });
    for (const argv of [
      ['ingest', 'generate', '--users', '60', '--start', '2026-11-06', '--end', '2026-11-08', '--seed', '11'],
      ['ingest', 'load'],
      ['build'],
      // What the dashboard needs, selected through its exposure (wide_streams is not upstream of it).
      ['run', '-s', '+exposure:streamify_dashboard'],
    ]) {
      const r = await sm(...argv, '--project-dir', dir);
      expect(r.code, r.out + r.err).toBe(0);
      if (argv[0] === 'run') {
        expect(r.out).toMatch(/gold_listens_hourly/);
        expect(r.out).not.toMatch(/wide_streams|fact_streams|dim_users/);
      }
    }
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn(join(VENV, 'bin', 'python'), [join(dir, 'dashboard', 'start.py'), dir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
    server.stderr!.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-20_000); });
    const exited = new Promise<never>((_, reject) => server!.on('exit', (code) => reject(new Error(`the dashboard exited (${code}):\n${log.slice(-4000)}`))));
    const up = (async () => {
      for (;;) {
        try {
          if ((await fetch(`${url}/health`)).ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    await Promise.race([up, exited]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.on('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows every chart, and the total listens and the top song that SQL gives over wide_streams', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 2000 } });
    const foreign: string[] = [];
    page.on('response', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url()); });
    // The login page is a React page that signs in with a request of its own, then leaves the page:
    // wait for that (networkidle alone could come before the request on a loaded machine). On a
    // loaded machine the form can still be settling when it is filled (a CI run once stayed on
    // /login/ for 60 s), so each attempt starts from a fresh page, checks what it typed, and a
    // failure names what the page showed.
    const seen: string[] = [];
    for (let attempt = 1; ; attempt++) {
      try {
        await page.goto(`${url}/login/`);
        await page.waitForLoadState('networkidle');
        await page.fill('#username', 'admin');
        await page.fill('#password', 'admin');
        if ((await page.inputValue('#username')) !== 'admin' || (await page.inputValue('#password')) !== 'admin') throw new Error('the form did not keep what was typed');
        await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 60_000 }), page.click('[type=submit]')]);
        break;
      } catch (e) {
        const text = (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 500);
        seen.push(`attempt ${attempt}: still at ${page.url()} (${(e as Error).message.split('\n')[0]}); the page said: ${text}`);
        if (attempt === 3) throw new Error(`could not sign in to Superset:\n${seen.join('\n')}\nserver log:\n${log.slice(-3000)}`);
      }
    }
    await page.waitForLoadState('networkidle');
    await page.goto(`${url}/superset/dashboard/streamify/`);
    expect(new URL(page.url()).pathname, 'signed in').toBe('/superset/dashboard/streamify/');

    const chart = (title: string) => page.locator('.dashboard-component-chart-holder', { has: page.getByText(title, { exact: true }) });
    const titles = ['Total listens', 'Listens over time', 'Paid vs free: listens per hour', 'Paid vs free: active users per day', 'Listens by state', 'Top songs', 'Top artists', 'Level changes per day (free to paid, paid to free)', 'Average session length (minutes)'];
    // Charts are drawn once their data came back: a number, table rows, or an ECharts canvas.
    await chart('Total listens').locator('.header-line').filter({ hasText: /\d/ }).waitFor({ timeout: 180_000 });
    await chart('Top songs').locator('tbody tr').first().waitFor({ timeout: 180_000 });
    for (const t of titles.filter((x) => !/^(Total listens|Top songs|Top artists)$/.test(x))) await chart(t).locator('canvas').first().waitFor({ timeout: 180_000 });
    expect(await page.locator('.dashboard-component-chart-holder').count()).toBe(titles.length);
    // No chart failed to query.
    expect(await page.locator('.dashboard-component-chart-holder [role=alert]').count(), log.slice(-3000)).toBe(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png') });

    // Total listens: the big number, against SQL over the star schema's wide table.
    const shown = Number((await chart('Total listens').locator('.header-line').innerText()).replace(/[^\d]/g, ''));
    const [total] = await q('select count(*)::int as n from main_marts.wide_streams');
    expect(shown).toBe(total!.n);

    // The top song: the first row of the table is a song with the most listens (ties in any order).
    const cells = (await chart('Top songs').locator('tbody tr').first().locator('td').allInnerTexts()).map((s) => s.trim());
    const top = await q('select song, artist, count(*)::int as n from main_marts.wide_streams group by song, artist qualify n = max(n) over ()');
    expect(top.length).toBeGreaterThan(0);
    expect(Number(cells[2]!.replace(/[^\d]/g, ''))).toBe(top[0]!.n);
    expect(top.map((r) => `${r.song} / ${r.artist}`)).toContain(`${cells[0]} / ${cells[1]}`);

    // The date filter is there, over every chart.
    await expect.poll(() => page.locator('[data-test="filter-bar"]').innerText(), { timeout: 30_000 }).toMatch(/Date/);
    // Nothing was fetched from anywhere but the dashboard's own server.
    expect(foreign).toEqual([]);
  }, 600_000);
});
