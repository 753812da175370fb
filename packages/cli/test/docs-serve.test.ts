import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedHost, hostName } from '../src/docs/allowed-host.ts';
import { serveDocs, type DocsServer } from '../src/docs/serve-docs.ts';
import { BIN } from './run-cli.ts';

/** A raw GET (fetch() will not send a Host header of our choosing, nor an unencoded `%`). */
function get(url: string, path: string, host?: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET', headers: host === undefined ? {} : { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A docs folder with a page, a secret beside it, and links into and out of it. */
function site(): { root: string; docs: string } {
  const root = mkdtempSync(join(tmpdir(), 'sm-docs-serve-'));
  const docs = join(root, 'target', 'docs');
  mkdirSync(join(docs, 'sub'), { recursive: true });
  writeFileSync(join(docs, 'index.html'), '<html>docs</html>');
  writeFileSync(join(docs, 'sub', 'page.js'), 'ok()');
  writeFileSync(join(root, 'sm_project.yml'), 'name: demo\nprofile: demo\n');
  writeFileSync(join(root, 'profiles.yml'), 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n');
  writeFileSync(join(root, 'secret.txt'), 'hunter2');
  symlinkSync(join(root, 'secret.txt'), join(docs, 'leak.txt'));
  symlinkSync(root, join(docs, 'up'));
  symlinkSync(join(docs, 'sub', 'page.js'), join(docs, 'alias.js'));
  return { root, docs };
}

describe('sm docs serve: hostile requests', () => {
  let s: { root: string; docs: string };
  let server: DocsServer;
  beforeAll(async () => {
    s = site();
    server = await serveDocs(s.docs, 0);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(s.root, { recursive: true, force: true });
  });

  it('a port another program holds is told as such, with what to do', async () => {
    const port = Number(new URL(server.url).port);
    await expect(serveDocs(s.docs, port)).rejects.toThrow(`Port ${port} on 127.0.0.1 is in use by another program: pass another --port (or --port 0 for any free one).`);
    // The first server is unharmed.
    expect((await get(server.url, '/')).body).toBe('<html>docs</html>');
  });

  it('answers a malformed percent-encoding with 400 and keeps serving', async () => {
    for (const path of ['/%', '/%E0%A4%A', '/sub/%zz', '/%00']) {
      const r = await get(server.url, path);
      expect(r.status, path).toBe(400);
    }
    expect((await get(server.url, '/')).body).toBe('<html>docs</html>');
  });

  it('does not follow symlinks out of the site, but serves one that stays inside', async () => {
    expect((await get(server.url, '/leak.txt')).status).toBe(404);
    expect((await get(server.url, '/up/secret.txt')).status).toBe(404);
    expect((await get(server.url, '/..%2F..%2Fsecret.txt')).status).toBe(404);
    expect((await get(server.url, '/sub')).status).toBe(404);
    const inside = await get(server.url, '/alias.js');
    expect(inside).toEqual({ status: 200, body: 'ok()' });
  });

  it('answers only Host names of the loopback interface (no DNS rebinding)', async () => {
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      expect((await get(server.url, '/', host)).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, 'localhost.evil.example', '127.0.0.1.nip.io']) {
      const r = await get(server.url, '/', host);
      expect(r.status, host).toBe(403);
      expect(r.body).toMatch(/--host/);
    }
  });

  it('accepts the name given with --host besides the loopback names', () => {
    expect(hostName('[::1]:8080')).toBe('::1');
    expect(hostName('Docs.Internal:80')).toBe('docs.internal');
    expect(allowedHost('docs.internal:8080', 'docs.internal')).toBe(true);
    expect(allowedHost('other.internal:8080', 'docs.internal')).toBe(false);
    expect(allowedHost('localhost:1', 'docs.internal')).toBe(true);
    expect(allowedHost('[::1]:1', '::1')).toBe(true);
    expect(allowedHost('anything:1', '0.0.0.0')).toBe(true);
    expect(allowedHost(undefined, '127.0.0.1')).toBe(false);
  });
});

describe('sm docs serve: a file it cannot read', () => {
  it('answers 500 for that file and goes on serving the others', async () => {
    const s = site();
    writeFileSync(join(s.docs, 'locked.js'), 'secret()');
    chmodSync(join(s.docs, 'locked.js'), 0o000);
    // root reads any file; without CAP_DAC_OVERRIDE it is held to the mode bits like anyone else.
    const argv = [BIN, 'docs', 'serve', '--port', '0', '--project-dir', s.root];
    const asRoot = process.getuid?.() === 0;
    const child = asRoot
      ? spawn('setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
        child.on('exit', (code) => reject(new Error(`sm docs serve exited (${code}): ${out}`)));
      });
      const locked = await get(url, '/locked.js');
      expect(locked.status).toBe(500);
      expect(locked.body).not.toContain('secret');
      expect(locked.body).toMatch(/EACCES/);
      expect((await get(url, '/sub/page.js')).body).toBe('ok()');
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGINT');
      await exited;
      rmSync(s.root, { recursive: true, force: true });
    }
  });
});
