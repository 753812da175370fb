// A local npm registry for the packed @smsql/* tarballs in a folder, so an install test can do
// what a user does after publishing (`npm i -g @smsql/cli`, `npx @smsql/cli`) without publishing:
// npm is pointed at it for the @smsql scope only; every other package comes from the npm registry.
//   node scripts/local-registry.mjs TGZ_DIR PORT_FILE   (writes the port it listens on, then serves until killed)
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const [dir, portFile] = process.argv.slice(2);
const packages = new Map();
for (const f of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
  const file = join(dir, f);
  const manifest = JSON.parse(execFileSync('tar', ['-xOzf', file, 'package/package.json'], { encoding: 'utf8' }));
  const bytes = readFileSync(file);
  packages.set(manifest.name, { manifest, file: f, bytes, shasum: createHash('sha1').update(bytes).digest('hex'), integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}` });
}

const server = createServer((req, res) => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const path = decodeURIComponent(req.url.split('?')[0]).replace(/^\/+/, '');
  const tarball = [...packages.values()].find((p) => path === `-/${p.file}`);
  if (tarball) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarball.bytes);
    return;
  }
  const pkg = packages.get(path);
  if (!pkg) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    return;
  }
  const v = pkg.manifest.version;
  const doc = {
    name: pkg.manifest.name,
    'dist-tags': { latest: v },
    versions: { [v]: { ...pkg.manifest, dist: { tarball: `${base}/-/${pkg.file}`, shasum: pkg.shasum, integrity: pkg.integrity } } },
  };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
});
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, String(server.address().port)));
