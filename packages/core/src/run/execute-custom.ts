import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { hookList, hasTemplate, type HookConfig } from '../project/folder-config.ts';
import { discover } from '../project/discover.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { ModelNode } from '../types.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';

/** A project's `{% materialization name, adapter %}`: the macro to call, and the file that defines it. */
export interface CustomMaterialization {
  readonly macro: string;
  readonly file: string;
}

/**
 * The materialization `name` a project (or an installed package) defines for this adapter, else
 * its `default` one; read from the macro files, as only a model that uses one needs it.
 */
export function findMaterialization(project: LoadedProject, name: string, adapter: string): CustomMaterialization | undefined {
  // Once per project, name and adapter: every model that uses it asks.
  let known = FOUND.get(project);
  if (!known) FOUND.set(project, (known = new Map()));
  const key = `${name}\0${adapter}`;
  if (!known.has(key)) known.set(key, search(project, name, adapter));
  return known.get(key);
}

const FOUND = new WeakMap<LoadedProject, Map<string, CustomMaterialization | undefined>>();

function search(project: LoadedProject, name: string, adapter: string): CustomMaterialization | undefined {
  const safe = name.replace(/\W/g, '');
  const re = new RegExp(`\\{%-?\\s*materialization\\s+${safe}\\s*,\\s*(?:adapter\\s*=\\s*)?['"]?(\\w+)`, 'g');
  const roots = [{ dir: project.dir, paths: project.config.macroPaths }, ...(project.packages ?? []).map((p) => ({ dir: p.dir, paths: ['macros'] }))];
  let fallback: CustomMaterialization | undefined;
  for (const r of roots) {
    for (const f of discover(r.dir, r.paths, ['.sql'])) {
      for (const m of readFileSync(f.abs, 'utf8').matchAll(re)) {
        const found = { macro: `materialization_${safe}_${m[1]}`, file: relative(project.dir, f.abs) };
        if (m[1] === adapter) return found;
        if (m[1] === 'default') fallback ??= found;
      }
    }
  }
  return fallback;
}

/**
 * A model built by a project's own materialization, as dbt runs one: the macro is rendered with
 * the model's context (`this`, `config`, `sql`/`compiled_code`, `pre_hooks`/`post_hooks` for
 * `run_hooks`), each `statement` it calls running on the model's connection as the template
 * reaches it (render/execution.ts). dbt's helpers such materializations call (`run_hooks`,
 * `make_temp_relation`, `create_table_as`, `drop_relation_if_exists`, `adapter.rename_relation`,
 * ...) are sm's internal macros and adapter functions. Statements commit one by one (there is no
 * transaction around the macro): a materialization that fails half way leaves what it did, as
 * its own statements decide.
 */
export async function executeCustom(m: ModelNode, x: NodeContext, found: CustomMaterialization): Promise<ExecOutcome> {
  const sql = m.needsWarehouse ? await x.renderLive({ node: m }) : (m.compiledCode ?? '');
  const path = x.compiled(sql);
  const render = (list: readonly HookConfig[], kind: string) =>
    Promise.all(list.map(async (h, k) => ({ sql: hasTemplate(h.sql) ? await x.renderLive({ text: h.sql, name: `${kind} ${k + 1}`, node: m }) : h.sql, transaction: h.transaction })));
  const context = {
    sql,
    compiled_code: sql,
    pre_hooks: await render(hookList(m.config['pre-hook']), 'pre-hook'),
    post_hooks: await render(hookList(m.config['post-hook']), 'post-hook'),
  };
  await x.ensureSchema(m.relation);
  await x.renderLive({ text: `{{ ${found.macro}() }}`, name: `${found.file} (${found.macro})`, node: m, context });
  await x.remember(m.relation, undefined);
  return { status: 'success', message: 'OK', relationName: x.run.adapter.dialect.relationName(m.relation), compiledPath: path, compiledCode: sql };
}
