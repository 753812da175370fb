import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { allowedHost, isWildcardHost } from './allowed-host.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface DocsServer {
  /** `http://<host>:<port>/` */
  url: string;
  close(): Promise<void>;
}

export interface ServeDocsOptions {
  /**
   * Address to listen on, and the one name besides the loopback names (`localhost`,
   * `127.0.0.1`, `[::1]`) that the Host header may carry. Default `127.0.0.1`. A wildcard
   * (`0.0.0.0`, `::`) listens everywhere and accepts any Host: the caller chose to publish.
   */
  host?: string | undefined;
}

/**
 * Serve a generated docs directory (a static site). By default only on 127.0.0.1, and only to
 * requests whose Host header is a loopback name, so a web page on another site cannot read it
 * by pointing its own domain at 127.0.0.1 (DNS rebinding). Only regular files whose real path
 * is inside the docs directory are served: `..` and symlinks that lead elsewhere are 404.
 * A malformed URL is 400 and a file that cannot be read is 500; no request stops the server.
 * Port 0 picks a free port.
 */
export async function serveDocs(docsDir: string, port: number, opts: ServeDocsOptions = {}): Promise<DocsServer> {
  if (!existsSync(join(docsDir, 'index.html'))) throw new Error(`No docs site in ${docsDir}: run sm docs generate first`);
  const host = opts.host ?? '127.0.0.1';
  const root = realpathSync(docsDir);
  const server: Server = createServer((req, res) => {
    try {
      handle(root, host, req, res);
    } catch (e) {
      send(res, 500, `cannot serve this file: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  });
  // A client that hangs up mid-response must not take the server down with it.
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, host, port)));
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  const shown = isWildcardHost(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${actual}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Why the server could not listen, and what to do about it. */
function listenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  if (e.code === 'EADDRINUSE') return new Error(`Port ${port} on ${host} is in use by another program: pass another --port (or --port 0 for any free one).`);
  if (e.code === 'EACCES') return new Error(`Not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges): pass a --port from 1024 up.`);
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') return new Error(`--host ${host} is not an address of this machine: leave it out (127.0.0.1) or name one of this machine's addresses.`);
  return e;
}

function handle(root: string, host: string, req: IncomingMessage, res: ServerResponse): void {
  if (!allowedHost(req.headers.host, host)) {
    send(res, 403, `Host "${req.headers.host ?? ''}" is not served here: open the site at http://127.0.0.1 or localhost, or start sm docs serve with --host naming this host.`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    send(res, 405, 'only GET and HEAD');
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    send(res, 400, 'malformed URL');
    return;
  }
  if (path.includes('\0')) {
    send(res, 400, 'malformed URL');
    return;
  }
  const file = inside(root, join(root, path === '/' ? 'index.html' : path));
  if (!file) {
    send(res, 404, 'not found');
    return;
  }
  const stream = createReadStream(file);
  stream.once('open', () => {
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
    } else stream.pipe(res);
  });
  stream.once('error', (e: NodeJS.ErrnoException) => {
    if (!res.headersSent) send(res, 500, `cannot read this file: ${e.code ?? 'error'}`);
    else res.destroy();
  });
}

/** The real path of a regular file under `root`, or undefined (missing, a folder, or outside through `..` or a symlink). */
function inside(root: string, file: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return undefined;
  }
  if (!real.startsWith(root + sep)) return undefined;
  return statSync(real).isFile() ? real : undefined;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(text);
}
