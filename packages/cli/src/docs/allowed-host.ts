/** Names a browser uses for this machine's loopback interface. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/** `0.0.0.0` and `::` listen on every interface. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** The name part of a Host header (`name:port`, `[v6]:port`), lower case, brackets removed. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/**
 * Whether a request's Host header names this server: a loopback name, or the `--host` it was
 * started with. Without this check a page on any site could read the docs through a domain of
 * its own that resolves to 127.0.0.1 (DNS rebinding). A wildcard `--host` accepts any name.
 */
export function allowedHost(header: string | undefined, listenHost: string): boolean {
  if (isWildcardHost(listenHost)) return true;
  if (!header) return false;
  const name = hostName(header);
  return LOOPBACK.has(name) || name === hostName(listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost);
}
