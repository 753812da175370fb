import { diag, type Diagnostic } from '../diagnostics.ts';
import type { Environment } from '../jinja/environment.ts';
import type { Context } from '../jinja/macro.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { Frame } from './frame.ts';
import { escapeRe, lineOf } from './where.ts';

interface VarHost {
  readonly project: LoadedProject;
  readonly diagnostics: Diagnostic[];
  readonly env: Environment;
  readonly varOverrides: Record<string, unknown> | undefined;
  readonly processEnv: NodeJS.ProcessEnv;
}

/** The vars a node of `pkg` sees: the package's flattened vars (dbt's precedence), the root's for root nodes. */
export function varsOf(p: LoadedProject, pkg: string): Record<string, unknown> {
  if (pkg === p.config.name) return p.vars;
  return p.packages.find((x) => x.name === pkg)?.vars ?? p.vars;
}

/** `var(name, default)`: a var's Jinja renders when it is read, in the reading node's context (dbt). */
export function readVar(h: VarHost, f: Frame, c: Context, name: string, dflt: unknown, argc: number): unknown {
  const o = h.varOverrides;
  if (o && Object.hasOwn(o, name)) return o[name];
  const vars = varsOf(h.project, f.packageName);
  if (Object.hasOwn(vars, name)) {
    const v = vars[name];
    if (typeof v === 'string' && /\{[{%#]/.test(v)) return h.env.renderString(v, c, `var ${name}`);
    return v;
  }
  if (argc > 1) return dflt;
  const raw = 'rawCode' in f.node ? f.node.rawCode : '';
  h.diagnostics.push(
    diag('SM_VAR_MISSING', `var("${name}") has no value and no default`, { file: f.node.originalFilePath, line: lineOf(raw, new RegExp(`var\\s*\\(\\s*['"]${escapeRe(name)}`)) }, {
      nodeId: f.node.uniqueId,
      // The var's name, for the node's error when it runs (compile-cold.ts: dbt fails the node, not the project).
      eventData: { var_name: name },
      hint: `Set it under \`vars:\` in ${h.project.config.file}, pass --vars '{${name}: ...}', or give var() a default.`,
    }),
  );
  return '';
}

/** `env_var(name, default)`; secrets (`SM_ENV_SECRET_*`, `DBT_ENV_SECRET_*`) never render into SQL. */
export function readEnvVar(h: VarHost, f: Frame, name: string, dflt: unknown): unknown {
  f.volatile = true;
  if (/^(SM|DBT)_ENV_SECRET_/.test(name)) {
    h.diagnostics.push(diag('SM_ENV_VAR_MISSING', `Secret environment variable ${name} may only be used in profiles.yml, never in SQL`, { file: f.node.originalFilePath }, { nodeId: f.node.uniqueId }));
    return '';
  }
  const v = h.processEnv[name];
  if (v !== undefined) return v;
  if (dflt !== undefined) return dflt;
  const raw = 'rawCode' in f.node ? f.node.rawCode : '';
  h.diagnostics.push(
    diag('SM_ENV_VAR_MISSING', `Environment variable ${name} is not set`, { file: f.node.originalFilePath, line: lineOf(raw, new RegExp(escapeRe(name))) }, {
      nodeId: f.node.uniqueId,
      hint: `export ${name}=... or give env_var('${name}', 'default') a default.`,
    }),
  );
  return '';
}
