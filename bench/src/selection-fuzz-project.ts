/**
 * A small project for the selection fuzzer in which every selection method has targets: models
 * in folders with tags, meta and materializations, a versioned model, groups and access, seeds,
 * a snapshot, an analysis, sources, generic tests with one and two parents, singular tests, unit
 * tests, exposures, a semantic model with metrics and a saved query.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const FILES: Record<string, string> = {
  'dbt_project.yml': `name: fuzz
version: '1.0'
profile: fuzz
models:
  fuzz:
    staging:
      +tags: [staging]
      +materialized: view
    marts:
      +materialized: table
      +meta: {owner: finance}
      core:
        +tags: [core, nightly]
seeds:
  fuzz:
    +tags: [raw]
`,
  'seeds/raw_customers.csv': 'id,name\n1,a\n2,b\n',
  'seeds/raw_orders.csv': 'id,customer_id,amount,ordered_at\n1,1,10,2026-01-01\n2,2,20,2026-01-02\n',
  'seeds/lookup/country_codes.csv': 'code,name\nde,Germany\n',
  'models/staging/stg_customers.sql': "select * from {{ ref('raw_customers') }}\n",
  'models/staging/stg_orders.sql': "{{ config(tags=['orders']) }}\nselect * from {{ ref('raw_orders') }}\n",
  'models/staging/stg_events.sql': "select * from {{ source('app', 'events') }}\n",
  'models/staging/stg_users.sql': "select * from {{ source('app', 'users') }}\n",
  'models/staging/schema.yml': `version: 2
sources:
  - name: app
    schema: main
    tags: [external]
    tables:
      - name: events
        columns:
          - name: id
            data_tests: [not_null]
      - name: users
        meta: {owner: growth}
  - name: billing
    tables:
      - name: invoices
models:
  - name: stg_customers
    columns:
      - name: id
        data_tests: [unique, not_null]
  - name: stg_orders
    columns:
      - name: id
        data_tests: [unique]
      - name: customer_id
        data_tests:
          - relationships:
              arguments: {to: ref('stg_customers'), field: id}
`,
  'models/marts/core/customers.sql': "{{ config(group='finance', access='public') }}\nselect c.id, count(o.id) as orders from {{ ref('stg_customers') }} c left join {{ ref('stg_orders') }} o on o.customer_id = c.id group by 1\n",
  'models/marts/core/orders.sql': "{{ config(materialized='incremental', unique_key='id', group='finance') }}\nselect * from {{ ref('stg_orders') }}\n",
  'models/marts/core/dim_dates.sql': "{{ config(materialized='ephemeral', tags=['calendar'], group='finance', access='private') }}\nselect date '2026-01-01' as date_day\n",
  'models/marts/core/metricflow_time_spine.sql': "select cast(range as date) as date_day from range(date '2026-01-01', date '2026-02-01', interval 1 day)\n",
  'models/marts/reporting/revenue_v1.sql': "select sum(amount) as revenue from {{ ref('orders') }}\n",
  'models/marts/reporting/revenue_v2.sql': "select sum(amount) as revenue, count(*) as n from {{ ref('orders') }}\n",
  'models/marts/reporting/revenue_v3.sql': "select sum(amount) as revenue, count(*) as n, 1 as x from {{ ref('orders') }}\n",
  'models/marts/reporting/user_events.sql': "{{ config(group='growth', meta={'owner': 'growth', 'tier': 2}) }}\nselect * from {{ ref('stg_events') }} e join {{ ref('stg_users') }} u on u.id = e.id\n",
  'models/marts/marts.yml': `version: 2
groups:
  - name: finance
    owner: {name: CFO}
  - name: growth
    owner: {email: growth@example.com}
models:
  - name: revenue
    latest_version: 2
    config: {group: finance, access: protected}
    versions:
      - v: 1
      - v: 2
      - v: 3
  - name: customers
    columns:
      - name: id
        data_tests: [unique]
  - name: orders
    data_tests:
      - dbt_utils_like_expression:
          arguments: {expression: "id > 0"}
unit_tests:
  - name: counts_orders
    model: customers
    given:
      - input: ref('stg_customers')
        rows: [{id: 1}]
      - input: ref('stg_orders')
        rows: [{id: 1, customer_id: 1}]
    expect:
      rows: [{id: 1, orders: 1}]
  - name: orders_pass_through
    model: orders
    given:
      - input: ref('stg_orders')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1}]
exposures:
  - name: finance_dashboard
    type: dashboard
    owner: {name: CFO}
    depends_on: ["ref('customers')", "ref('revenue', v=2)"]
    tags: [finance]
  - name: growth_app
    type: application
    owner: {email: growth@example.com}
    depends_on: ["ref('user_events')", "source('billing', 'invoices')"]
semantic_models:
  - name: order_facts
    model: ref('orders')
    defaults: {agg_time_dimension: ordered_at}
    entities:
      - {name: order, type: primary, expr: id}
    dimensions:
      - name: ordered_at
        type: time
        type_params: {time_granularity: day}
    measures:
      - {name: amount, agg: sum}
      - {name: order_count, agg: sum, expr: 1}
metrics:
  - name: total_amount
    label: Total amount
    type: simple
    type_params: {measure: amount}
  - name: order_total
    label: Orders
    type: simple
    type_params: {measure: order_count}
saved_queries:
  - name: daily_amount
    query_params:
      metrics: [total_amount]
      group_by: ["TimeDimension('metric_time', 'day')"]
`,
  'models/marts/core/time_spine.yml': `version: 2
models:
  - name: metricflow_time_spine
    time_spine:
      standard_granularity_column: date_day
    columns:
      - name: date_day
        granularity: day
`,
  'macros/test_like_expression.sql': "{% test dbt_utils_like_expression(model, expression) %}\nselect * from {{ model }} where not ({{ expression }})\n{% endtest %}\n",
  'tests/assert_positive_amount.sql': "select * from {{ ref('orders') }} where amount < 0\n",
  'tests/marts/assert_customers_and_orders.sql': "select * from {{ ref('customers') }} c join {{ ref('orders') }} o on o.customer_id = c.id where false\n",
  'snapshots/customers_snapshot.sql': "{% snapshot customers_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols='all', target_schema='snapshots', tags=['history']) }}\nselect * from {{ ref('stg_customers') }}\n{% endsnapshot %}\n",
  'snapshots/snapshots.yml': `snapshots:
  - name: orders_snapshot
    relation: ref('stg_orders')
    config: {unique_key: id, strategy: check, check_cols: all, schema: snapshots}
`,
  'analyses/order_summary.sql': "select count(*) from {{ ref('orders') }}\n",
};

export function writeSyntheticProject(dir: string): void {
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}
