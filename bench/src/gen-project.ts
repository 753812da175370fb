import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRng, type Rng } from './rng.ts';

/**
 * Synthetic projects for the compile benchmark. One plan is rendered once into a directory
 * that is both an sm project and a dbt project (`dbt_project.yml`, which sm also reads), so the
 * two tools parse exactly the same files.
 */

export type Layer = 'staging' | 'intermediate' | 'marts';

export interface SourcePlan {
  readonly name: string;
  readonly schema: string;
  readonly tables: readonly string[];
}

export interface ModelPlan {
  readonly name: string;
  readonly layer: Layer;
  /** Folder under models/, e.g. ['staging', 'src_crm']. */
  readonly folder: readonly string[];
  /** Models this one refs; all appear earlier in {@link ProjectPlan.models}. */
  readonly refs: readonly string[];
  /** Staging models read one source table. */
  readonly source?: { readonly source: string; readonly table: string };
  /** What the model does with its inputs; decides the SQL shape. */
  readonly shape: 'rename' | 'join' | 'aggregate' | 'incremental';
  /** Arguments of an in-file `config()` call, or undefined for none (folder defaults apply). */
  readonly config?: { readonly materialized?: string; readonly tags?: readonly string[] };
  /** Whether schema YAML carries column tests for this model. */
  readonly tested: boolean;
}

export interface ProjectPlan {
  readonly name: string;
  readonly seed: number;
  readonly sources: readonly SourcePlan[];
  /** In topological order: every ref points to an earlier entry. */
  readonly models: readonly ModelPlan[];
}

export interface GenOptions {
  /** Number of models (staging + intermediate + marts). */
  models: number;
  /** Seed of the generator; the same seed and size give byte-identical files. Default 1. */
  seed?: number;
  /** DuckDB file in profiles.yml, relative to the working directory of the tool. Default `bench.duckdb`. */
  duckdbPath?: string;
}

const SOURCE_NAMES = ['crm', 'billing', 'web', 'app', 'erp', 'support', 'ads', 'inventory'];
const TABLE_NAMES = ['customers', 'orders', 'payments', 'events', 'sessions', 'products', 'tickets', 'invoices'];
const DOMAINS = ['finance', 'marketing', 'product', 'operations', 'sales', 'growth'];
const TAGS = ['hourly', 'daily', 'pii', 'core', 'experimental'];

const pad = (n: number) => String(n).padStart(5, '0');

/** Decide every model, ref and config of a project; pure and deterministic for a seed. */
export function planProject(opts: GenOptions): ProjectPlan {
  const total = opts.models;
  if (!Number.isInteger(total) || total < 3) throw new Error(`gen-project: --models must be an integer >= 3, got ${total}`);
  const seed = opts.seed ?? 1;
  const rng = createRng(seed);

  const sourceCount = Math.min(SOURCE_NAMES.length, Math.max(2, Math.round(total / 400)));
  const sources: SourcePlan[] = SOURCE_NAMES.slice(0, sourceCount).map((s) => ({
    name: `src_${s}`,
    schema: `raw_${s}`,
    tables: TABLE_NAMES.slice(0, rng.int(3, 6)),
  }));

  const nStaging = Math.max(1, Math.round(total * 0.2));
  const nMarts = Math.max(1, Math.round(total * 0.3));
  const nInter = total - nStaging - nMarts;
  const models: ModelPlan[] = [];
  const staging: string[] = [];
  const inter: string[] = [];

  for (let i = 0; i < nStaging; i++) {
    const src = sources[i % sources.length];
    const table = src.tables[Math.floor(i / sources.length) % src.tables.length];
    const name = `stg_${src.name.slice(4)}__${table}_${pad(i)}`;
    models.push({
      name,
      layer: 'staging',
      folder: ['staging', src.name],
      refs: [],
      source: { source: src.name, table },
      shape: 'rename',
      config: rng.chance(0.3) ? { tags: [rng.pick(TAGS)] } : undefined,
      tested: rng.chance(0.5),
    });
    staging.push(name);
  }

  for (let i = 0; i < nInter; i++) {
    const name = `int_${DOMAINS[i % DOMAINS.length]}_${pad(i)}`;
    const refs = pickRefs(rng, [staging, inter]);
    const cfgRoll = rng.next();
    models.push({
      name,
      layer: 'intermediate',
      folder: ['intermediate', DOMAINS[i % DOMAINS.length]],
      refs,
      shape: 'join',
      // Mostly tables: DuckDB inlines views, so long chains of joined views explode at planning.
      config: cfgRoll < 0.15 ? { materialized: 'view' } : cfgRoll < 0.35 ? { tags: [rng.pick(TAGS)] } : undefined,
      tested: rng.chance(0.3),
    });
    inter.push(name);
  }

  for (let i = 0; i < nMarts; i++) {
    const domain = DOMAINS[i % DOMAINS.length];
    const roll = rng.next();
    const shape = roll < 0.1 ? 'incremental' : roll < 0.55 ? 'aggregate' : 'join';
    const prefix = shape === 'aggregate' ? 'agg' : shape === 'incremental' ? 'fct' : 'dim';
    models.push({
      name: `${prefix}_${domain}_${pad(i)}`,
      layer: 'marts',
      folder: ['marts', domain],
      refs: pickRefs(rng, [staging, inter]),
      shape,
      config:
        shape === 'incremental'
          ? { materialized: 'incremental', tags: ['incremental'] }
          : rng.chance(0.3)
            ? { tags: [rng.pick(TAGS), rng.pick(TAGS)].filter((t, k, a) => a.indexOf(t) === k) }
            : undefined,
      tested: rng.chance(0.3),
    });
  }
  return { name: `bench_${total}`, seed, sources, models };
}

/**
 * 1–4 distinct refs among earlier models. Half the picks favour the most recent models, so the
 * DAG has depth (chains of intermediates) instead of being a wide two-level fan-in.
 */
function pickRefs(rng: Rng, pools: readonly string[][]): string[] {
  const all = pools.flat();
  const want = Math.min(all.length, rng.int(1, 4));
  const out = new Set<string>();
  while (out.size < want) {
    const recent = rng.chance(0.5);
    const idx = recent ? all.length - 1 - Math.floor(rng.next() * Math.min(50, all.length)) : Math.floor(rng.next() * all.length);
    out.add(all[idx]);
  }
  return [...out];
}

/** Render a plan to files: relative path → content. */
export function renderProject(plan: ProjectPlan, duckdbPath = 'bench.duckdb'): Map<string, string> {
  const files = new Map<string, string>();
  files.set('dbt_project.yml', projectFile(plan));
  files.set('profiles.yml', profilesFile(plan, duckdbPath));
  for (const [name, body] of Object.entries(MACROS)) files.set(`macros/${name}.sql`, body);
  files.set('bench_setup.sql', setupSql(plan));

  for (const src of plan.sources) {
    files.set(`models/staging/${src.name}/_${src.name}__sources.yml`, sourcesYaml(src));
  }
  const byFolder = new Map<string, ModelPlan[]>();
  for (const m of plan.models) {
    const key = m.folder.join('/');
    const list = byFolder.get(key) ?? [];
    list.push(m);
    byFolder.set(key, list);
    files.set(`models/${key}/${m.name}.sql`, modelSql(m));
  }
  for (const [folder, models] of byFolder) {
    files.set(`models/${folder}/_${folder.replaceAll('/', '__')}__models.yml`, modelsYaml(models));
  }
  return files;
}

/** Write a rendered project into `dir`, replacing whatever was there. */
export function writeProject(dir: string, files: Map<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, content] of files) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/** Plan, render and write in one call; returns the plan. */
export function generateProject(dir: string, opts: GenOptions): ProjectPlan {
  const plan = planProject(opts);
  writeProject(dir, renderProject(plan, opts.duckdbPath));
  return plan;
}

function projectFile(plan: ProjectPlan): string {
  return `name: ${plan.name}
version: '1.0.0'
config-version: 2
profile: bench

model-paths: ['models']
macro-paths: ['macros']
target-path: 'target'

vars:
  start_date: '2020-01-01'
  min_amount: 0
  categories: ['a', 'b', 'c', 'd']
  lookback_days: 3

models:
  ${plan.name}:
    +materialized: view
    staging:
      +materialized: view
      +tags: ['staging']
    intermediate:
      +materialized: table
      +tags: ['intermediate']
    marts:
      +materialized: table
      +tags: ['marts']
`;
}

function profilesFile(plan: ProjectPlan, duckdbPath: string): string {
  return `bench:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: '${duckdbPath}'
      schema: main
      threads: 2
`;
}

const MACROS: Record<string, string> = {
  cents_to_dollars: `{% macro cents_to_dollars(column, scale=2) -%}
round(cast({{ column }} as double) / 100, {{ scale }})
{%- endmacro %}
`,
  clean_text: `{% macro clean_text(column) -%}
trim(lower(coalesce({{ column }}, '')))
{%- endmacro %}
`,
  safe_divide: `{% macro safe_divide(numerator, denominator) -%}
case when {{ denominator }} = 0 then null else {{ numerator }} / {{ denominator }} end
{%- endmacro %}
`,
  pivot_categories: `{% macro pivot_categories(column, value_column, values) -%}
{%- for v in values %}
    sum(case when {{ column }} = '{{ v }}' then {{ value_column }} else 0 end) as {{ value_column }}_{{ v }}{{ "," if not loop.last }}
{%- endfor %}
{%- endmacro %}
`,
};

function configCall(m: ModelPlan): string {
  if (!m.config) return '';
  const args: string[] = [];
  if (m.config.materialized) args.push(`materialized='${m.config.materialized}'`);
  if (m.config.materialized === 'incremental') args.push(`unique_key='id'`);
  if (m.config.tags) args.push(`tags=[${m.config.tags.map((t) => `'${t}'`).join(', ')}]`);
  return `{{ config(${args.join(', ')}) }}\n\n`;
}

function modelSql(m: ModelPlan): string {
  const head = configCall(m);
  if (m.shape === 'rename') {
    const s = m.source!;
    return `${head}with source as (
    select * from {{ source('${s.source}', '${s.table}') }}
),

renamed as (
    select
        id,
        {{ clean_text('name') }} as name,
        {{ cents_to_dollars('amount_cents') }} as amount,
        created_at,
        category
    from source
    where created_at >= '{{ var("start_date") }}'
)

select * from renamed
`;
  }
  const ctes = m.refs.map((r, i) => (i === 0 ? `base as (\n    select * from {{ ref('${r}') }}\n)` : `j${i} as (\n    select id, amount from {{ ref('${r}') }}\n)`));
  const joins = m.refs.slice(1).map((_, i) => `left join j${i + 1} on base.id = j${i + 1}.id`);
  const amount = ['base.amount', ...m.refs.slice(1).map((_, i) => `coalesce(j${i + 1}.amount, 0)`)].join(' + ');
  const from = `from base\n${joins.join('\n')}`.trimEnd();
  if (m.shape === 'aggregate') {
    return `${head}with ${ctes.join(',\n\n')},

joined as (
    select base.id, base.category, base.created_at, ${amount} as amount
    from base
    ${joins.join('\n    ')}
)

select
    date_trunc('day', created_at) as day,
    count(*) as orders,
    {{ safe_divide('sum(amount)', 'count(*)') }} as avg_amount,
    {{ pivot_categories('category', 'amount', var('categories')) }}
from joined
group by 1
`;
  }
  const filter =
    m.shape === 'incremental'
      ? `\n{% if is_incremental() %}\nwhere base.created_at > (select max(created_at) - interval '{{ var("lookback_days") }} days' from {{ this }})\n{% endif %}`
      : `\nwhere base.amount >= {{ var('min_amount') }}`;
  return `${head}with ${ctes.join(',\n\n')}

select
    base.id,
    base.name,
    ${amount} as amount,
    base.created_at,
    base.category
${from}${filter}
`;
}

function sourcesYaml(src: SourcePlan): string {
  // Every column with the type bench_setup.sql gives it, so `sm check` knows the tables whole.
  const tables = src.tables
    .map(
      (t) =>
        `      - name: ${t}\n        columns:\n          - name: id\n            data_type: bigint\n            data_tests: [unique, not_null]\n` +
        '          - {name: name, data_type: varchar}\n          - {name: amount_cents, data_type: bigint}\n          - {name: created_at, data_type: timestamp}\n          - {name: category, data_type: varchar}',
    )
    .join('\n');
  return `version: 2

sources:
  - name: ${src.name}
    schema: ${src.schema}
    tables:
${tables}
`;
}

function modelsYaml(models: readonly ModelPlan[]): string {
  const entries = models.map((m) => {
    const lines = [`  - name: ${m.name}`, `    description: "${m.layer} model ${m.name}"`];
    if (m.tested) {
      lines.push('    columns:');
      if (m.shape === 'aggregate') {
        lines.push('      - name: day', '        data_tests: [unique, not_null]');
      } else {
        lines.push('      - name: id', '        description: "Primary key"', '        data_tests: [unique, not_null]');
        lines.push('      - name: category', '        data_tests: [not_null]');
      }
    }
    return lines.join('\n');
  });
  return `version: 2\n\nmodels:\n${entries.join('\n')}\n`;
}

/** DDL for the raw tables the sources point at, so any model of the project can run. */
function setupSql(plan: ProjectPlan): string {
  const out: string[] = [];
  for (const src of plan.sources) {
    out.push(`create schema if not exists ${src.schema};`);
    for (const t of src.tables) {
      out.push(
        `create or replace table ${src.schema}.${t} as select i as id, 'Name ' || i as name, i * 137 % 10000 as amount_cents, ` +
          `timestamp '2024-01-01' + to_hours(i) as created_at, chr(97 + (i % 4)::integer) as category from range(100) t(i);`,
      );
    }
  }
  return out.join('\n') + '\n';
}

function parseArgs(argv: string[]): { out: string; opts: GenOptions } {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const out = get('--out');
  const models = Number(get('--models'));
  if (!out || !Number.isInteger(models)) {
    throw new Error('usage: node bench/src/gen-project.ts --models N --out DIR [--seed S]');
  }
  const seed = Number(get('--seed') ?? 1);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`gen-project: --seed must be a whole number, got ${get('--seed')}`);
  return { out, opts: { models, seed } };
}

if (import.meta.main) {
  try {
    const { out, opts } = parseArgs(process.argv.slice(2));
    const plan = generateProject(out, opts);
    console.log(`wrote ${plan.models.length} models to ${out}`);
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 2;
  }
}
