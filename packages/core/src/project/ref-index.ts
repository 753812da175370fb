import type { GraphNode, ModelNode, SeedNode, SourceNode } from '../types.ts';

type Refable = ModelNode | SeedNode;

/**
 * What ref() and source() read after a warm start (compile/warm-start.ts), from the store: the
 * nodes they may name and each as compiled, so that a render after compile (`--inline`, a hook,
 * a template rendered again at run time) does not load the project to find a relation.
 */
export interface StoredRefs {
  /** Models, seeds and snapshots as a {@link RefIndex} reads them: id, name, package, type and, for a model version, its version. */
  refables(): Refable[];
  /** Sources as source() finds them: id, source name, name, package. */
  sources(): SourceNode[];
  /** A node as compiled. */
  node(id: string): GraphNode | undefined;
}

/**
 * What `ref()` finds, as dbt resolves it: `ref('pkg', 'name')` looks in that package only;
 * `ref('name')` looks in the root project, then in the package of the node that calls it, then
 * in any package (the first loaded); with the project's `require_ref_searches_node_package_before_root`
 * flag, a package's node looks in its own package first. Names are unique per package, not across packages. A
 * versioned model's name finds its latest version; `v=`/`version=` picks another.
 */
export class RefIndex {
  readonly #byPackage = new Map<string, Map<string, Refable>>();
  readonly #any = new Map<string, Refable>();
  readonly #root: string;
  readonly #ownFirst: boolean;

  constructor(nodes: Iterable<Refable>, rootName: string, nodePackageFirst = false) {
    this.#root = rootName;
    this.#ownFirst = nodePackageFirst;
    for (const n of nodes) {
      // No ref() names an analysis, in dbt either.
      if (n.resourceType === 'analysis') continue;
      const version = n.resourceType === 'model' ? n.version : undefined;
      if (version !== undefined) {
        this.#versions.set(`${n.packageName}\0${n.name}\0${version}`, n);
        // The name alone means the latest version.
        if (version !== (n as ModelNode).latestVersion) continue;
      }
      let m = this.#byPackage.get(n.packageName);
      if (!m) this.#byPackage.set(n.packageName, (m = new Map()));
      m.set(n.name, n);
      if (!this.#any.has(n.name)) this.#any.set(n.name, n);
    }
  }

  readonly #versions = new Map<string, Refable>();

  /** The node `ref(package?, name)` names when called from a node of `fromPackage`; undefined when none. */
  resolve(name: string, pkg: string | undefined, fromPackage: string | undefined, version?: string | undefined): Refable | undefined {
    const own = () => (fromPackage ? this.#byPackage.get(fromPackage)?.get(name) : undefined);
    const root = () => this.#byPackage.get(this.#root)?.get(name);
    const found = pkg !== undefined ? this.#byPackage.get(pkg)?.get(name) : ((this.#ownFirst ? (own() ?? root()) : (root() ?? own())) ?? this.#any.get(name));
    if (version === undefined || !found) return found;
    return this.#versions.get(`${found.packageName}\0${name}\0${version}`);
  }

  /** The versions of the model `ref(package?, name)` names (none when it is not versioned), for the error of a `v=` that names none of them. */
  versionsOf(name: string, pkg: string | undefined, fromPackage: string | undefined): string[] {
    const found = this.resolve(name, pkg, fromPackage);
    if (!found) return [];
    const prefix = `${found.packageName}\0${name}\0`;
    return [...this.#versions.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  /** Every name known, for "did you mean" hints. */
  names(): IterableIterator<string> {
    return this.#any.keys();
  }

  hasPackage(pkg: string): boolean {
    return this.#byPackage.has(pkg);
  }
}
