import { writeProject } from './gen-project.ts';

/**
 * The per-model overhead project: a chain of K trivial models, each selecting from the one
 * before, so that the warehouse work per model is close to nothing and what remains is the
 * framework's own cost per model.
 */
export interface ChainOptions {
  /** Number of models in the chain. */
  length: number;
  materialized: 'view' | 'table';
  /** DuckDB file in profiles.yml, relative to the tool's working directory. */
  duckdbPath?: string;
}

export const chainModelName = (i: number) => `m_${String(i).padStart(5, '0')}`;

export function renderChain(opts: ChainOptions): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    'dbt_project.yml',
    `name: chain
version: '1.0.0'
config-version: 2
profile: chain
model-paths: ['models']
models:
  chain:
    +materialized: ${opts.materialized}
`,
  );
  files.set(
    'profiles.yml',
    `chain:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: '${opts.duckdbPath ?? 'chain.duckdb'}'
      schema: main
      threads: 1
`,
  );
  for (let i = 0; i < opts.length; i++) {
    const body = i === 0 ? 'select 1 as id' : `select id + 1 as id from {{ ref('${chainModelName(i - 1)}') }}`;
    files.set(`models/${chainModelName(i)}.sql`, body + '\n');
  }
  return files;
}

export function generateChain(dir: string, opts: ChainOptions): void {
  writeProject(dir, renderChain(opts));
}
