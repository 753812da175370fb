import type { Diagnostic } from '../diagnostics.ts';
import type { Relation } from '../adapter.ts';
import { ControlSignal } from '../jinja/errors.ts';
import { JMacro, type Context } from '../jinja/macro.ts';
import { pyStr } from '../jinja/py-values.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { GraphNode, NodeConfig } from '../types.ts';
import { newFrame } from './frame.ts';
import { INTERNAL_PACKAGE, type MacroNamespaces } from './macro-namespaces.ts';
import { recordingMacros } from './render-parts.ts';
import { nodeContext } from './render-context.ts';
import { templateDiagnostic } from './template-diagnostic.ts';
import { WarehouseLog } from './warehouse.ts';

/** dbt's macros that name where a node is built. */
type NamingMacro = 'generate_schema_name' | 'generate_alias_name' | 'generate_database_name';

/**
 * Where nodes are built (database, schema, identifier), as dbt names them: its defaults worked out
 * without Jinja, or the project's own `generate_*_name` macros called as dbt calls them. A macro
 * that fails is reported in `diagnostics` and dbt's default stands.
 */
export class NodeNaming {
  readonly #project: LoadedProject;
  readonly #macros: MacroNamespaces;
  readonly #diagnostics: Diagnostic[];
  readonly #pkgContext: (pkg: string) => Context;
  readonly #namingMacros = new Map<NamingMacro, JMacro | null>();

  constructor(project: LoadedProject, macros: MacroNamespaces, diagnostics: Diagnostic[], pkgContext: (pkg: string) => Context) {
    this.#project = project;
    this.#macros = macros;
    this.#diagnostics = diagnostics;
    this.#pkgContext = pkgContext;
  }

  /** Whether the project names nodes with a macro of its own (a test's audit relation then moves with it). */
  get custom(): boolean {
    return !!(this.#namingMacro('generate_schema_name') || this.#namingMacro('generate_alias_name') || this.#namingMacro('generate_database_name'));
  }

  /** Where `node` is built given its final `config`: dbt's defaults, or what the project's naming macros say. */
  relationFor(node: GraphNode, config: NodeConfig): Relation {
    const t = this.#project.target;
    if (node.resourceType === 'source') return node.relation;
    // A test's schema is `dbt_test__audit` unless its config names one; either goes through generate_schema_name, as in dbt.
    const custom = typeof config.schema === 'string' && config.schema ? config.schema : node.resourceType === 'test' ? 'dbt_test__audit' : undefined;
    // Legacy snapshots name their schema and database verbatim (target_schema/target_database).
    const legacy = node.resourceType === 'snapshot' && typeof config.target_schema === 'string' && config.target_schema ? config.target_schema : undefined;
    const legacyDb = node.resourceType === 'snapshot' && typeof config.target_database === 'string' ? config.target_database : undefined;
    const customDb = typeof config.database === 'string' ? config.database : undefined;
    const database = legacyDb ?? this.#named('generate_database_name', customDb, node) ?? customDb ?? t.database;
    const base = this.#project.target.schema;
    const schema = legacy ?? this.#named('generate_schema_name', custom, node) ?? (custom ? `${base}_${custom.trim()}` : base);
    const version = node.resourceType === 'model' ? node.version : undefined;
    const alias = typeof config.alias === 'string' && config.alias ? config.alias : undefined;
    // dbt's default alias: the name, or <name>_v<version> for a model version.
    const identifier = this.#named('generate_alias_name', alias, node) ?? alias ?? (version !== undefined ? `${node.name}_v${version.replace(/\./g, '_')}` : node.name);
    // The project's `quoting:` names every model, seed, snapshot and test relation (dbt's create_from;
    // a node's own `config(quoting=...)` does not reach it): on Snowflake a quoted part keeps its case.
    const quoted = this.#project.config.quoting;
    return quoted ? { database, schema, identifier, quoted } : { database, schema, identifier };
  }

  /**
   * The naming macro that decides where nodes go: the root project's, or dbt's own when the root
   * gives a `default__<name>` (or an adapter's) for it to dispatch to, or a `dispatch:` entry for
   * dbt's namespace; undefined: dbt's default, worked out without Jinja.
   */
  #namingMacro(name: NamingMacro): JMacro | undefined {
    let m = this.#namingMacros.get(name);
    if (m === undefined) {
      const root = this.#macros.namespace(this.#project.config.name);
      const dispatched = Object.keys(root ?? {}).some((k) => k.endsWith(`__${name}`)) || this.#project.config.dispatch.some((d) => d.macroNamespace === INTERNAL_PACKAGE);
      const found = root?.[name] ?? (dispatched ? this.#macros.namespace(INTERNAL_PACKAGE)?.[name] : undefined);
      m = found instanceof JMacro ? found : null;
      this.#namingMacros.set(name, m);
    }
    return m ?? undefined;
  }

  /** What the project's naming macro says for `node` given its custom value; undefined when dbt's default applies, or the macro failed (said). */
  #named(name: NamingMacro, custom: string | undefined, node: GraphNode): string | undefined {
    const m = this.#namingMacro(name);
    if (!m) return undefined;
    const frame = newFrame(node, node.config, false, new WarehouseLog(false));
    const c = nodeContext(this.#pkgContext(this.#project.config.name), frame);
    const version = node.resourceType === 'model' ? (node.version ?? null) : null;
    try {
      // dbt calls it outside any render: the macros it calls are no node's.
      return recordingMacros(undefined, () => pyStr(m.invoke(c, [custom ?? null, { name: node.name, resource_type: node.resourceType, fqn: node.fqn, package_name: node.packageName, version, config: node.config }], null)).trim());
    } catch (e) {
      if (e instanceof ControlSignal) throw e;
      this.#diagnostics.push(templateDiagnostic(e, node.originalFilePath, node.uniqueId));
      return undefined;
    }
  }
}
