/**
 * A small Streamify-shaped project that both dbt and sm can read (dbt_project.yml, duckdb profile),
 * used to compare selection answers. The expected answers in select-dbt-parity.test.ts were
 * observed with real dbt (see that file); this fixture must not change without re-observing them.
 */
export const PARITY_PROJECT: Record<string, string> = {
  'dbt_project.yml': `name: streamify
profile: streamify
version: '1.0'
config-version: 2
model-paths: [models]
seed-paths: [seeds]
test-paths: [tests]
macro-paths: [macros]
models:
  streamify:
    staging:
      +materialized: view
      +tags: [staging]
    core:
      +materialized: table
`,
  'profiles.yml': `streamify:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: target/parity.duckdb
      schema: main
      threads: 1
`,
  'models/staging/sources.yml': `version: 2
sources:
  - name: raw
    schema: raw
    tables:
      - name: listen_events
      - name: page_view_events
        columns:
          - name: ts
            tests: [not_null]
`,
  'models/staging/stg_listen_events.sql': "{{ config(tags=['x']) }}\nselect * from {{ source('raw', 'listen_events') }}\n",
  'models/staging/stg_page_view_events.sql': "select * from {{ source('raw', 'page_view_events') }}\n",
  'seeds/state_codes.csv': 'code,name\nNY,New York\n',
  'models/core/dim_users.sql': "select user_id, level from {{ ref('stg_page_view_events') }}\nunion all\nselect user_id, level from {{ ref('stg_listen_events') }}\n",
  'models/core/dim_songs.sql': "{{ config(tags=['x']) }}\nselect song_id from {{ ref('stg_listen_events') }}\n",
  'models/core/dim_locations.sql': "select l.city, s.name from {{ ref('stg_listen_events') }} l join {{ ref('state_codes') }} s on l.state = s.code\n",
  'models/core/fact_streams.sql':
    "{{ config(materialized='incremental') }}\nselect e.user_id, e.song_id, e.city from {{ ref('stg_listen_events') }} e\njoin {{ ref('dim_users') }} u using (user_id)\njoin {{ ref('dim_songs') }} s using (song_id)\njoin {{ ref('dim_locations') }} l using (city)\n",
  'models/core/wide_streams.sql':
    "select f.*, u.level from {{ ref('fact_streams') }} f join {{ ref('dim_users') }} u using (user_id) join {{ ref('dim_songs') }} using (song_id) join {{ ref('dim_locations') }} using (city)\n",
  'models/core/schema.yml': `version: 2
models:
  - name: dim_users
    columns:
      - name: user_id
        tests: [unique, not_null]
      - name: level
        tests:
          - accepted_values:
              values: [free, paid]
  - name: dim_songs
    columns:
      - name: song_id
        tests: [unique]
  - name: fact_streams
    columns:
      - name: user_id
        tests:
          - relationships:
              to: ref('dim_users')
              field: user_id
unit_tests:
  - name: dim_users_unions_both
    model: dim_users
    given:
      - input: ref('stg_page_view_events')
        rows: [{user_id: 1, level: free}]
      - input: ref('stg_listen_events')
        rows: [{user_id: 2, level: paid}]
    expect:
      rows: [{user_id: 1, level: free}, {user_id: 2, level: paid}]
`,
  'tests/assert_wide_equals_fact.sql': "select 1 from {{ ref('wide_streams') }} having count(*) <> (select count(*) from {{ ref('fact_streams') }})\n",
  'selectors.yml': `selectors:
  - name: staging_x
    definition: 'tag:x,path:models/staging'
  - name: core_no_tests
    definition:
      union:
        - method: path
          value: models/core
        - exclude:
            - method: resource_type
              value: test
  - name: nightly
    definition:
      union:
        - method: tag
          value: staging
          children: true
        - intersection:
            - method: config.materialized
              value: table
            - method: fqn
              value: dim_*
        - exclude:
            - union:
                - wide_streams
                - method: test_type
                  value: unit
  - name: upstream_of_wide
    definition:
      method: fqn
      value: wide_streams
      parents: true
      children: false
`,
};

/** Selection expressions compared with dbt: [select, exclude]. */
export const PARITY_CASES: [string[], string[]][] = [
  [['+wide_streams'], []],
  [['dim_users+'], []],
  [['@fact_streams'], []],
  [['tag:x,path:models/staging'], []],
  [['tag:x'], []],
  [['tag:staging'], []],
  [['path:models/core'], []],
  [['fact_streams+1'], []],
  [['1+fact_streams'], []],
  [['2+wide_streams'], []],
  [['source:raw+'], []],
  [['source:raw.listen_events+1'], []],
  [['resource_type:seed'], []],
  [['resource_type:test'], []],
  [['resource_type:unit_test'], []],
  [['test_type:generic'], []],
  [['test_type:singular'], []],
  [['test_type:unit'], []],
  [['test_type:data'], []],
  [['test_name:unique'], []],
  [['test_name:relationships'], []],
  [['config.materialized:table'], []],
  [['config.materialized:incremental+'], []],
  [['core.*'], []],
  [['streamify.staging.*'], []],
  [['dim_*'], []],
  [['file:dim_users.sql'], []],
  [['dim_users', 'dim_songs'], []],
  [['dim_users,dim_songs'], []],
  [['+fact_streams,tag:x'], []],
  [['path:models'], ['tag:staging']],
  [['dim_users+'], ['wide_streams', 'test_type:unit']],
  [['@dim_songs'], ['resource_type:test']],
  [['state_codes+'], []],
];

/** Named selectors compared with `dbt ls --selector <name>` (dbt has no `selector:` method in --select). */
export const PARITY_SELECTORS = ['staging_x', 'core_no_tests', 'nightly', 'upstream_of_wide'];
