import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROBE = `{% macro probe() %}
{% for n in (graph.nodes.values() | list) + (graph.sources.values() | list) | sort(attribute='unique_id') %}
{% if n.resource_type != 'operation' %}
{% do log('K ' ~ n.resource_type ~ ' ' ~ (n.keys() | list | sort | join(',')), info=true) %}
{% do log('V ' ~ n.unique_id ~ ' ccd=' ~ n.config_call_dict ~ ' docs=' ~ n.docs ~ ' pk=' ~ n.primary_key ~ ' dep=' ~ n.depends_on ~ ' patch=' ~ n.patch_path ~ ' uc=' ~ n.unrendered_config, info=true) %}
{% endif %}
{% endfor %}
{% endmacro %}
`;

// What dbt-core 1.11.16 + dbt-duckdb 1.11.1 logged for the same files, 7 Dec 2026: each kind's keys
// in `graph` (brooklyn-data/dbt_artifacts uploads the whole entry as `all_results`) and some values.
const DBT_KEYS: Record<string, string> = {
  model:
    'access,alias,batch,build_path,checksum,columns,compiled_path,config,config_call_dict,constraints,contract,created_at,database,defer_relation,depends_on,deprecation_date,description,doc_blocks,docs,fqn,functions,group,language,latest_version,meta,metrics,name,original_file_path,package_name,patch_path,path,primary_key,raw_code,refs,relation_name,resource_type,schema,sources,tags,time_spine,unique_id,unrendered_config,unrendered_config_call_dict,version',
  seed:
    'alias,build_path,checksum,columns,config,config_call_dict,created_at,database,defer_relation,depends_on,description,doc_blocks,docs,fqn,group,meta,name,original_file_path,package_name,patch_path,path,raw_code,relation_name,resource_type,root_path,schema,tags,unique_id,unrendered_config,unrendered_config_call_dict',
  source:
    '_event_status,columns,config,created_at,database,description,doc_blocks,external,fqn,freshness,identifier,loaded_at_field,loaded_at_query,loader,meta,name,original_file_path,package_name,patch_path,path,quoting,relation_name,resource_type,schema,source_description,source_meta,source_name,tags,unique_id,unrendered_config,unrendered_database,unrendered_schema',
  test:
    'alias,attached_node,build_path,checksum,column_name,columns,compiled_path,config,config_call_dict,contract,created_at,database,depends_on,description,doc_blocks,docs,file_key_name,fqn,functions,group,language,meta,metrics,name,original_file_path,package_name,patch_path,path,raw_code,refs,relation_name,resource_type,schema,sources,tags,test_metadata,unique_id,unrendered_config,unrendered_config_call_dict',
};

describe("dbt's graph entries", () => {
  it('have the keys dbt gives each kind of node, with its values for a parsed node', async () => {
    const dir = writeProject({
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: dev.duckdb, threads: 1}\n',
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
      'models/m.sql': "{{ config(alias='m_alias') }} select 1 as id\n",
      'seeds/s.csv': 'id\n1\n',
      'models/s.yml': 'version: 2\nsources:\n  - name: raw\n    schema: main\n    tables: [{name: t}]\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
      'macros/probe.sql': PROBE,
    });
    const r = await sm('run-operation', 'probe', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const lines = r.out.split('\n');
    const keys = Object.fromEntries(lines.filter((l) => l.startsWith('K ')).map((l) => [l.split(' ')[1]!, l.split(' ')[2]!.split(',')]));
    expect(keys).toEqual(Object.fromEntries(Object.entries(DBT_KEYS).map(([k, v]) => [k, v.split(',')])));
    expect(lines.filter((l) => l.startsWith('V model') || l.startsWith('V seed'))).toEqual([
      "V model.demo.m ccd={'alias': 'm_alias'} docs={'show': True, 'node_color': None} pk=['id'] dep={'macros': [], 'nodes': []} patch=demo://models/s.yml uc={'alias': 'm_alias'}",
      "V seed.demo.s ccd={} docs={'show': True, 'node_color': None} pk= dep={'macros': []} patch=None uc={}"
    ]);
  });
});
