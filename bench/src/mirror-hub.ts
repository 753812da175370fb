/**
 * A local stand-in for hub.getdbt.com built from git repositories on disk: it answers the hub's
 * read API (`api/v1/index.json`, `api/v1/<namespace>/<name>.json`) with one version per
 * semver tag of each repository (its name, require-dbt-version and packages read from that
 * tag) and serves each version's tarball from `git archive`, as GitHub's codeload would. Both
 * `dbt deps` and `sm deps` resolve hub packages against it through DBT_PACKAGE_HUB_URL.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { parse } from 'yaml';

const SEMVER_TAG = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

function git(gitDir: string, args: string[]): Buffer {
  return execFileSync('git', [`--git-dir=${gitDir}`, ...args], { maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
}

function yamlAt(gitDir: string, tag: string, file: string): Record<string, unknown> | undefined {
  try {
    return (parse(git(gitDir, ['show', `${tag}:${file}`]).toString('utf8')) ?? {}) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Start serving `repos` (`namespace/name` -> bare git dir); resolves to the base URL and a close function. */
export async function startMirrorHub(repos: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const tarballs = new Map<string, { gitDir: string; tag: string; prefix: string }>();
  const packages = new Map<string, string>();
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const t = tarballs.get(path);
    if (t) {
      res.writeHead(200, { 'content-type': 'application/gzip' }).end(git(t.gitDir, ['archive', '--format=tar.gz', `--prefix=${t.prefix}/`, t.tag]));
      return;
    }
    const body = packages.get(path);
    if (body) res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  for (const [full, gitDir] of Object.entries(repos)) {
    const [namespace, name] = full.split('/') as [string, string];
    const versions: Record<string, unknown> = {};
    for (const tag of git(gitDir, ['tag', '--list']).toString('utf8').split('\n').filter(Boolean)) {
      const m = SEMVER_TAG.exec(tag);
      if (!m) continue;
      const version = m[1]!;
      const project = yamlAt(gitDir, tag, 'dbt_project.yml');
      if (!project || typeof project.name !== 'string') continue;
      const deps = yamlAt(gitDir, tag, 'dependencies.yml')?.packages ?? yamlAt(gitDir, tag, 'packages.yml')?.packages ?? [];
      const req = project['require-dbt-version'];
      const tarPath = `/tarballs/${full}/${version}.tar.gz`;
      tarballs.set(tarPath, { gitDir, tag, prefix: `${namespace}-${name}-${version}` });
      versions[version] = {
        id: `${full}/${version}`,
        name: project.name,
        version,
        packages: Array.isArray(deps) ? deps : [],
        works_with: [],
        require_dbt_version: Array.isArray(req) ? req : typeof req === 'string' ? [req] : [],
        downloads: { tarball: `${url}${tarPath.slice(1)}`, format: 'tgz', sha1: '' },
      };
    }
    packages.set(`/api/v1/${full}.json`, JSON.stringify({ name, namespace, versions }));
  }
  packages.set('/api/v1/index.json', JSON.stringify(Object.keys(repos)));
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}
