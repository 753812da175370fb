/** What the hub says about one version of a package (`api/v1/<namespace>/<name>.json`, under `versions`). */
export interface HubVersion {
  /** The package's project name (`dbt_utils`). */
  name: string;
  /** Its own dependencies, as packages.yml entries. */
  packages: Record<string, unknown>[];
  downloads: { tarball: string };
  require_dbt_version?: string | string[] | undefined;
}

/** A failure talking to the hub: the URL and what went wrong. */
export class HubError extends Error {
  readonly kind = 'HubError';
}

/** The hub dbt uses; `DBT_PACKAGE_HUB_URL` points elsewhere (a mirror, or a local server in tests). */
export const DEFAULT_HUB_URL = 'https://hub.getdbt.com/';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The dbt package hub's read API, as dbt-core calls it: `api/v1/index.json` (every
 * `namespace/name`) and `api/v1/<namespace>/<name>.json` (every version, with its dependencies,
 * required dbt versions and tarball link). Answers are cached for the client's life; network
 * failures are retried a few times, as dbt does.
 */
export class HubClient {
  readonly baseUrl: string;
  readonly #cache = new Map<string, Promise<unknown>>();
  readonly #fetch: typeof fetch;

  /** `baseUrl` defaults to `DBT_PACKAGE_HUB_URL`, else hub.getdbt.com; a missing trailing slash is added. */
  constructor(baseUrl?: string, fetchImpl: typeof fetch = fetch) {
    const base = baseUrl || DEFAULT_HUB_URL;
    this.baseUrl = base.endsWith('/') ? base : `${base}/`;
    this.#fetch = fetchImpl;
  }

  async index(): Promise<string[]> {
    const v = await this.#json('index');
    if (!Array.isArray(v)) throw new HubError(`${this.#url('index')} did not answer a list of packages`);
    return v.map(String);
  }

  /** Every version of `pkg` (`namespace/name`), keyed by version text. */
  async versions(pkg: string): Promise<Record<string, HubVersion>> {
    const v = await this.#json(pkg);
    if (!isObj(v) || !('name' in v) || !isObj(v.versions)) throw new HubError(`${this.#url(pkg)} did not answer a package with \`name\` and \`versions\``);
    for (const [ver, info] of Object.entries(v.versions)) {
      if (!isObj(info) || !('name' in info) || !Array.isArray(info.packages) || !isObj(info.downloads) || typeof info.downloads.tarball !== 'string') {
        throw new HubError(`${this.#url(pkg)}: version ${ver} lacks name, packages or downloads.tarball`);
      }
    }
    return v.versions as Record<string, HubVersion>;
  }

  /** The bytes at `url` (a version's tarball). */
  async download(url: string): Promise<Buffer> {
    return this.#retry(url, async () => {
      const r = await this.#fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (!r.ok) throw new HubError(`GET ${url} answered ${r.status} ${r.statusText}`);
      return Buffer.from(await r.arrayBuffer());
    });
  }

  #url(name: string): string {
    return `${this.baseUrl}api/v1/${name}.json`;
  }

  #json(name: string): Promise<unknown> {
    let p = this.#cache.get(name);
    if (!p) {
      const url = this.#url(name);
      p = this.#retry(url, async () => {
        const r = await this.#fetch(url, { signal: AbortSignal.timeout(30_000) });
        if (r.status === 404) throw new HubError(`404`);
        if (!r.ok) throw new HubError(`GET ${url} answered ${r.status} ${r.statusText}`);
        return (await r.json()) as unknown;
      });
      this.#cache.set(name, p);
    }
    return p;
  }

  async #retry<T>(url: string, fn: () => Promise<T>): Promise<T> {
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await fn();
      } catch (e) {
        // The server answered: asking again will not change its mind.
        if (e instanceof HubError) throw e;
        last = e;
        await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
      }
    }
    const cause = (last as { cause?: { code?: string; message?: string } })?.cause;
    throw new HubError(`Could not reach ${url}: ${cause?.code ?? cause?.message ?? (last as Error)?.message}`);
  }
}
