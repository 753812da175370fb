import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** One version of a package the local hub serves: its files, its own packages, its require_dbt_version. */
export interface HubFixtureVersion {
  files: Record<string, string>;
  packages?: Record<string, unknown>[];
  requireDbtVersion?: string[];
}

/**
 * A local HTTP server answering the dbt hub's read API (`api/v1/index.json`,
 * `api/v1/<namespace>/<name>.json`) in the hub's format, with tarballs made by `git archive`
 * (a top folder holding the package, as GitHub's codeload serves). The real hub cannot be reached
 * from where sm is developed: this is what sm deps, and dbt deps, are checked against.
 */
export async function startHub(packages: Record<string, Record<string, HubFixtureVersion>>): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const work = mkdtempSync(join(tmpdir(), 'sm-hub-'));
  const routes = new Map<string, Buffer>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = routes.get(req.url ?? '');
    if (!body) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    res.writeHead(200, { 'content-type': req.url!.endsWith('.json') ? 'application/json' : 'application/gzip' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/`;
  for (const [full, versions] of Object.entries(packages)) {
    const [namespace, name] = full.split('/') as [string, string];
    const out: Record<string, unknown> = {};
    for (const [version, v] of Object.entries(versions)) {
      const repo = join(work, `${namespace}-${name}-${version}`);
      for (const [rel, text] of Object.entries(v.files)) {
        mkdirSync(dirname(join(repo, rel)), { recursive: true });
        writeFileSync(join(repo, rel), text);
      }
      const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
      git('init', '-q');
      git('add', '-A');
      git('-c', 'user.name=hub', '-c', 'user.email=hub@example.invalid', 'commit', '-q', '-m', version);
      const tgz = join(work, `${namespace}-${name}-${version}.tar.gz`);
      git('archive', '--format=tar.gz', `--prefix=${namespace}-${name}-${version}/`, '-o', tgz, 'HEAD');
      const path = `/tarballs/${namespace}/${name}/${version}.tar.gz`;
      routes.set(path, readFileSync(tgz));
      out[version] = {
        id: `${full}/${version}`,
        name,
        version,
        published_at: '2026-01-01T00:00:00.000000+00:00',
        packages: v.packages ?? [],
        works_with: [],
        require_dbt_version: v.requireDbtVersion ?? [],
        downloads: { tarball: `${url}${path.slice(1)}`, format: 'tgz', sha1: '' },
      };
    }
    const latest = Object.keys(versions).at(-1);
    routes.set(`/api/v1/${full}.json`, Buffer.from(JSON.stringify({ name, namespace, description: '', latest, assets: {}, versions: out })));
  }
  routes.set('/api/v1/index.json', Buffer.from(JSON.stringify(Object.keys(packages))));
  return { url, requests, close: () => new Promise((r) => server.close(() => r())) };
}
