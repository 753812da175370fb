import { hookList } from '../project/folder-config.ts';
import { renderHooks } from './render-hooks.ts';
import type { MacroEntry } from '../render/macro-namespaces.ts';
import type { ModelNode } from '../types.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';
import { printedRelationName } from '../render/relation.ts';

/** A project's `{% materialization name, adapter %}`: the macro to call, and the file that defines it. */
export interface CustomMaterialization {
  readonly macro: string;
  readonly file: string;
}

/**
 * The materialization `name` defined for this adapter, else its `default` one, as dbt picks it:
 * the root project's before a package's. From the macros compile read (`materialization_<name>_<adapter>`).
 */
export function findMaterialization(macros: readonly MacroEntry[], rootPackage: string, name: string, adapter: string): CustomMaterialization | undefined {
  for (const wanted of [`materialization_${name}_${adapter}`, `materialization_${name}_default`]) {
    const found = macros.filter((m) => m.kind === 'materialization' && m.name === wanted);
    const pick = found.find((m) => m.packageName === rootPackage) ?? found[0];
    if (pick) return { macro: pick.name, file: pick.originalFilePath };
  }
  return undefined;
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
  const context = {
    sql,
    compiled_code: sql,
    pre_hooks: await renderHooks(x, m, hookList(m.config['pre-hook']), 'pre-hook'),
    post_hooks: await renderHooks(x, m, hookList(m.config['post-hook']), 'post-hook'),
  };
  await x.ensureSchema(m.relation);
  await x.renderLive({ text: `{{ ${found.macro}() }}`, name: `${found.file} (${found.macro})`, node: m, context });
  await x.remember(m.relation, undefined);
  return { status: 'success', message: 'OK', relationName: printedRelationName(m.relation, x.run.adapter.dialect, x.run.project.target), compiledPath: path, compiledCode: sql };
}
