import { diag, type Diagnostic } from '../diagnostics.ts';
import { topLevelMacros, type Environment } from '../jinja/environment.ts';
import { locate } from '../jinja/errors.ts';
import { originalSlice } from '../jinja/lexer.ts';
import { parseSkippingStrayEndTags } from '../jinja/blocks.ts';
import { templateDiagnostic } from './template-diagnostic.ts';
import type { JMacro } from '../jinja/macro.ts';
import type { MacroKind, MacroNode } from '../jinja/ast.ts';

/** dbt's name for its own macros' package: `dbt.date_trunc(...)`, `macro.dbt.<name>`. */
export const INTERNAL_PACKAGE = 'dbt';

/** A file of macros and the package it belongs to. */
export interface MacroFile {
  packageName: string;
  /** Project-relative path (for errors and the manifest). */
  file: string;
  sql: string;
}

/** One macro as the manifest lists it (dbt: one entry per macro, `macro.<package>.<name>`). */
export interface MacroEntry {
  uniqueId: string;
  name: string;
  packageName: string;
  originalFilePath: string;
  /** The macro's own source, from `{% macro %}` to `{% endmacro %}`. */
  macroSql: string;
  line: number;
  kind: MacroKind;
  /** Parameter names in order, and which have defaults. */
  params: { name: string; hasDefault: boolean }[];
  /** The macros its body calls, as dbt's parse records them (set by the compile: render/parse-like.ts macroDependsOn). */
  dependsOn?: string[] | undefined;
}

type Namespace = Record<string, JMacro>;

/**
 * Every macro of the project, its packages and dbt's internal package, resolved as dbt does
 * (dbt-core's MacroNamespace): a node of package P sees, unqualified, P's own macros, then the
 * root project's, then each package by its name (`dbt_utils.x()`, the root project's own name
 * too), then `dbt`, then dbt's internal macros. Macros run in the calling node's context, so a
 * root macro named like a built-in overrides it everywhere.
 */
export class MacroNamespaces {
  readonly root: string;
  readonly entries: MacroEntry[] = [];
  readonly #byPackage = new Map<string, Namespace>();
  readonly #flat = new Map<string, Record<string, unknown>>();
  readonly #entries = new Map<string, MacroEntry>();
  readonly #nodes = new Map<string, MacroNode>();

  constructor(env: Environment, files: readonly MacroFile[], root: string, diagnostics: Diagnostic[]) {
    this.root = root;
    for (const f of files) {
      let parsed;
      try {
        parsed = parseSkippingStrayEndTags(f.sql, f.file, (text) => env.parse(text, f.file), diagnostics);
      } catch (e) {
        diagnostics.push(templateDiagnostic(e, f.file, undefined));
        continue;
      }
      const ns = this.#ns(f.packageName);
      // dbt's macro_sql is the file's text as written, CRLF line ends and all; the parsed text has \n (and no stray end tags).
      const original = f.sql.includes('\r') && f.sql.replace(/\r\n?/g, '\n').startsWith(parsed.template.source);
      for (const node of topLevelMacros(parsed.ast.body)) {
        const uniqueId = `macro.${f.packageName}.${node.name}`;
        const line = locate(parsed.template, node.pos).line;
        if (Object.hasOwn(ns, node.name)) {
          const first = this.#entries.get(uniqueId);
          diagnostics.push(
            diag('SM_DUPLICATE_MACRO', `Package "${f.packageName}" defines the macro "${node.name}" twice: ${first?.originalFilePath}:${first?.line} and ${f.file}:${line}`, { file: f.file, line }, {
              hint: 'Macro names are unique within a package; rename or remove one of them.',
            }),
          );
          continue;
        }
        const m = env.macro(node, parsed.template);
        m.meta = { uniqueId, packageName: f.packageName, file: f.file };
        ns[node.name] = m;
        const entry: MacroEntry = {
          uniqueId,
          name: node.name,
          packageName: f.packageName,
          originalFilePath: f.file,
          macroSql: original ? originalSlice(f.sql, node.pos, node.end) : parsed.template.source.slice(node.pos, node.end),
          line,
          kind: node.blockKind,
          params: node.params.map((p) => ({ name: p.name, hasDefault: p.default_ !== undefined })),
        };
        this.entries.push(entry);
        this.#entries.set(uniqueId, entry);
        this.#nodes.set(uniqueId, node);
      }
    }
  }

  #ns(pkg: string): Namespace {
    let ns = this.#byPackage.get(pkg);
    if (!ns) this.#byPackage.set(pkg, (ns = Object.create(null) as Namespace));
    return ns;
  }

  /** The macros of one package (`dbt_utils`, the root project, `dbt`), or undefined if it has none. */
  namespace(pkg: string): Readonly<Namespace> | undefined {
    return this.#byPackage.get(pkg);
  }

  packages(): string[] {
    return [...this.#byPackage.keys()];
  }

  /**
   * What a node of package `search` sees unqualified: macros and package namespaces, flattened in
   * dbt's precedence (later assignments win, so the most local comes last).
   */
  flatFor(search: string): Readonly<Record<string, unknown>> {
    let flat = this.#flat.get(search);
    if (flat) return flat;
    flat = Object.create(null) as Record<string, unknown>;
    Object.assign(flat, this.#byPackage.get(INTERNAL_PACKAGE));
    flat[INTERNAL_PACKAGE] = this.#byPackage.get(INTERNAL_PACKAGE) ?? Object.create(null);
    for (const [pkg, ns] of this.#byPackage) if (pkg !== INTERNAL_PACKAGE) flat[pkg] = ns;
    if (search !== this.root) Object.assign(flat, this.#byPackage.get(this.root));
    if (search !== INTERNAL_PACKAGE) Object.assign(flat, this.#byPackage.get(search));
    this.#flat.set(search, flat);
    return flat;
  }

  /**
   * dbt's `get_from_package`: a macro of a named package, or (package null) the one a node of
   * `search` would see unqualified. Undefined when missing.
   */
  get(pkg: string | null, name: string, search: string): JMacro | undefined {
    if (pkg === null) {
      const v = this.flatFor(search)[name];
      return v !== undefined && typeof v === 'object' && 'invoke' in (v as object) ? (v as JMacro) : undefined;
    }
    const ns = this.#byPackage.get(pkg);
    return ns && Object.hasOwn(ns, name) ? ns[name] : undefined;
  }

  /**
   * dbt's run-operation lookup of an unqualified name (Manifest.find_macro_by_name): the root
   * project's macro, else an installed package's, else dbt's own. Undefined when none has it.
   */
  anyPackage(name: string): { pkg: string; macro: JMacro } | undefined {
    const order = [this.root, ...[...this.#byPackage.keys()].filter((p) => p !== this.root && p !== INTERNAL_PACKAGE), INTERNAL_PACKAGE];
    for (const pkg of order) {
      const macro = this.get(pkg, name, this.root);
      if (macro) return { pkg, macro };
    }
    return undefined;
  }

  /**
   * The macro behind a generic test `name` declared in package `local` (or `namespace.name`):
   * the named namespace first, else the local package, then the root project, other packages,
   * and dbt's built-ins (dbt-core's MacroResolver).
   */
  testMacro(name: string, local: string, namespace: string | undefined): JMacro | undefined {
    const macroName = `test_${name}`;
    if (namespace) return this.get(namespace, macroName, local);
    const own = this.get(local, macroName, local);
    if (own) return own;
    const root = this.get(this.root, macroName, local);
    if (root) return root;
    for (const pkg of this.#byPackage.keys()) {
      if (pkg === INTERNAL_PACKAGE) continue;
      const m = this.get(pkg, macroName, local);
      if (m) return m;
    }
    return this.get(INTERNAL_PACKAGE, macroName, local);
  }

  /** A macro's parsed template (`macro.<package>.<name>`). */
  nodeOf(uniqueId: string): MacroNode | undefined {
    return this.#nodes.get(uniqueId);
  }

  /** The manifest entry of a macro object (to report signatures). */
  entryOf(m: JMacro): MacroEntry | undefined {
    return m.meta.uniqueId === undefined ? undefined : this.#entries.get(m.meta.uniqueId);
  }
}
