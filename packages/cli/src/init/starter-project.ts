/**
 * The files of a new project, as `sm init NAME` writes them: a project file, a staging and a
 * mart model with YAML tests over two small seeds (so `sm build` works offline, right away),
 * profiles.yml for the embedded DuckDB with a commented Snowflake target, and .gitignore.
 */
export function starterProject(name: string, opts: { profile: boolean }): Map<string, string> {
  const files = new Map<string, string>();
  files.set('sm_project.yml', `# The project file: the project's name, where its files are, and folder defaults.
name: ${name}
version: '1.0.0'
# Which entry of profiles.yml holds the targets (connection settings).
profile: ${name}

model-paths: [models]
seed-paths: [seeds]
macro-paths: [macros]
test-paths: [tests]
snapshot-paths: [snapshots]
target-path: target
# What \`sm clean\` removes.
clean-targets: [target, dbt_packages]

models:
  ${name}:
    staging:
      +materialized: view
    marts:
      +materialized: table
`);
  files.set('models/staging/stg_customers.sql', `-- One row per customer, renamed and typed from the raw seed.
select
    id as customer_id,
    trim(name) as customer_name,
    cast(signed_up_at as date) as signed_up_on
from {{ ref('raw_customers') }}
`);
  files.set('models/staging/stg_orders.sql', `-- One row per order; amounts in cents become decimal currency.
select
    id as order_id,
    customer_id,
    cast(ordered_at as timestamp) as ordered_at,
    status,
    amount_cents / 100.0 as amount
from {{ ref('raw_orders') }}
`);
  files.set('models/staging/_staging.yml', `version: 2

models:
  - name: stg_customers
    description: Customers, one row each.
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
  - name: stg_orders
    description: Orders, one row each.
    columns:
      - name: order_id
        data_tests: [unique, not_null]
      - name: customer_id
        data_tests:
          - not_null
          - relationships:
              arguments:
                to: ref('stg_customers')
                field: customer_id
      - name: status
        data_tests:
          - accepted_values:
              arguments:
                values: [placed, shipped, returned]
`);
  files.set('models/marts/customer_orders.sql', `-- Per customer: how many orders, what they spent (returns excluded), first and last order.
with orders as (
    select * from {{ ref('stg_orders') }}
)
select
    c.customer_id,
    c.customer_name,
    count(o.order_id) as order_count,
    coalesce(sum(case when o.status <> 'returned' then o.amount end), 0) as lifetime_value,
    min(o.ordered_at) as first_ordered_at,
    max(o.ordered_at) as last_ordered_at
from {{ ref('stg_customers') }} as c
left join orders as o on o.customer_id = c.customer_id
group by c.customer_id, c.customer_name
`);
  files.set('models/marts/_marts.yml', `version: 2

models:
  - name: customer_orders
    description: One row per customer with their order totals.
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
      - name: order_count
        data_tests: [not_null]
`);
  files.set('seeds/raw_customers.csv', `id,name,signed_up_at
1,Ada,2026-01-04
2,Grace,2026-01-09
3,Edsger,2026-02-11
4,Barbara,2026-03-02
`);
  files.set('seeds/raw_orders.csv', `id,customer_id,ordered_at,status,amount_cents
101,1,2026-01-05 10:15:00,shipped,2599
102,1,2026-02-14 18:02:00,returned,1250
103,2,2026-01-10 08:40:00,shipped,9900
104,3,2026-02-12 12:00:00,placed,450
105,2,2026-03-01 21:30:00,shipped,3120
`);
  for (const dir of ['macros', 'tests', 'snapshots']) files.set(`${dir}/.gitkeep`, '');
  if (opts.profile) {
    files.set('profiles.yml', `# Targets: where sm builds. \`sm build\` uses \`target:\`; \`sm build --target prod\` another one.
# Secrets come from the environment with env_var(); they never appear in logs or artifacts.
${name}:
  target: dev
  outputs:
    # The embedded default: a DuckDB file in target/, no server.
    dev:
      type: duckdb
      path: target/${name}.duckdb
      schema: main
      threads: 4
    # Snowflake: uncomment, then export SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and SNOWFLAKE_PASSWORD
    # (or SNOWFLAKE_PRIVATE_KEY_PATH).
    # prod:
    #   type: snowflake
    #   account: "{{ env_var('SNOWFLAKE_ACCOUNT') }}"
    #   user: "{{ env_var('SNOWFLAKE_USER') }}"
    #   password: "{{ env_var('SNOWFLAKE_PASSWORD', '') }}"
    #   private_key_path: "{{ env_var('SNOWFLAKE_PRIVATE_KEY_PATH', '') }}"
    #   role: "{{ env_var('SNOWFLAKE_ROLE', 'TRANSFORMER') }}"
    #   warehouse: "{{ env_var('SNOWFLAKE_WAREHOUSE', 'TRANSFORMING') }}"
    #   database: "{{ env_var('SNOWFLAKE_DATABASE', '${name.toUpperCase()}') }}"
    #   schema: "{{ env_var('SNOWFLAKE_SCHEMA', 'ANALYTICS') }}"
    #   threads: 8
`);
  }
  files.set('.gitignore', `target/
dbt_packages/
logs/
*.duckdb
*.duckdb.wal
`);
  files.set('README.md', `# ${name}

An sm project. From this folder:

\`\`\`sh
sm build        # seeds, models and their tests, in dependency order, on the embedded DuckDB
sm show customer_orders
sm ls           # what the project holds
sm clean        # remove target/
\`\`\`

Models are in \`models/\` (\`staging/\` views over the seeds, \`marts/\` tables), with their tests in the
YAML files beside them; targets are in \`profiles.yml\`.
`);
  return files;
}
