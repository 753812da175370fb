import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type RunEvent } from '@smsql/core';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';
const adapters = { duckdb: createDuckDbAdapter };

const query = (dir: string, sql: string) => queryDuckDb(join(dir, 'target/demo.duckdb'), sql);

const kinds = (dir: string) => query(dir, "select table_name as name, table_type as kind from information_schema.tables where table_schema = 'main' order by 1");

describe('replacing relations on DuckDB', () => {
  it('a table whose rebuild fails while running keeps its previous contents and leaves nothing beside it', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      // With boom, error() fails at execution, after 100,000 rows of the new table are written.
      'models/t.sql': "{{ config(materialized='table') }}select {{ var('v', 1) }} as v{% if var('boom', false) %} union all select case when range < 100000 then range::int else error('boom')::int end from range(200000){% endif %}",
    });
    expect((await run({ projectDir: dir, adapters })).status).toBe('success');
    const bad = await run({ projectDir: dir, adapters, vars: { v: 2, boom: true }, select: ['t'] });
    expect(bad.status).toBe('failure');
    expect(bad.results[0]!.message).toContain('boom');
    expect(await query(dir, 'select v::int as v from main.t')).toEqual([{ v: 1 }]);
    expect(await kinds(dir)).toEqual([{ name: 't', kind: 'BASE TABLE' }]);
    // The record of what ran shows the statement that failed.
    expect(readFileSync(join(dir, 'target/run/demo/models/t.sql'), 'utf8')).toContain('error(\'boom\')');
    expect((await run({ projectDir: dir, adapters, vars: { v: 2 } })).status).toBe('success');
    expect(await query(dir, 'select v::int as v from main.t')).toEqual([{ v: 2 }]);
  });

  it('a model that changes kind is dropped and recreated in one transaction; a failure keeps the old kind', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/x.sql': "{{ config(materialized='view') }}select 1 as v" });
    expect((await run({ projectDir: dir, adapters })).status).toBe('success');
    writeFileSync(join(dir, 'models/x.sql'), "{{ config(materialized='table') }}select error('boom')::int as v from range(1)");
    expect((await run({ projectDir: dir, adapters })).status).toBe('failure');
    expect(await kinds(dir)).toEqual([{ name: 'x', kind: 'VIEW' }]);
    expect(await query(dir, 'select v::int as v from main.x')).toEqual([{ v: 1 }]);
    writeFileSync(join(dir, 'models/x.sql'), "{{ config(materialized='table') }}select 3 as v");
    expect((await run({ projectDir: dir, adapters })).status).toBe('success');
    expect(await kinds(dir)).toEqual([{ name: 'x', kind: 'BASE TABLE' }]);
    const ran = readFileSync(join(dir, 'target/run/demo/models/x.sql'), 'utf8');
    expect(ran).toMatch(/^begin transaction;\n\ndrop view if exists "main"\."x"( cascade)?;\n\ncreate or replace table "main"\."x" as \(\nselect 3 as v\n\);\n\ncommit;\n$/);
  });

  it('writes every compiled and run file by the time the command returns', async () => {
    const files: Record<string, string> = { 'profiles.yml': PROFILE };
    for (let i = 0; i < 30; i++) files[`models/m${i}.sql`] = i ? `select v + 1 as v from {{ ref('m${i - 1}') }}` : 'select 1 as v';
    const dir = writeProject(files);
    const r = await run({ projectDir: dir, adapters });
    expect(r.status).toBe('success');
    for (let i = 0; i < 30; i++) {
      const compiled = readFileSync(join(dir, `target/compiled/demo/models/m${i}.sql`), 'utf8');
      // The compiled code with no newline added, as dbt writes it.
      expect(compiled).toBe(i ? `select v + 1 as v from "demo"."main"."m${i - 1}"` : 'select 1 as v');
      expect(readFileSync(join(dir, `target/run/demo/models/m${i}.sql`), 'utf8')).toBe(`create or replace view "main"."m${i}" as (\n${compiled.trimEnd()}\n);\n`);
    }
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    expect(rr.results).toHaveLength(30);
    // Files whose text is unchanged are left alone; a changed model's files are rewritten.
    writeFileSync(join(dir, 'models/m5.sql'), "select v * 2 as v from {{ ref('m4') }}");
    writeFileSync(join(dir, 'target/run/demo/models/m6.sql'), 'edited by hand');
    expect((await run({ projectDir: dir, adapters })).status).toBe('success');
    expect(readFileSync(join(dir, 'target/compiled/demo/models/m5.sql'), 'utf8')).toBe('select v * 2 as v from "demo"."main"."m4"');
    expect(readFileSync(join(dir, 'target/run/demo/models/m5.sql'), 'utf8')).toBe('create or replace view "main"."m5" as (\nselect v * 2 as v from "demo"."main"."m4"\n);\n');
    expect(readFileSync(join(dir, 'target/run/demo/models/m6.sql'), 'utf8')).toBe('create or replace view "main"."m6" as (\nselect v + 1 as v from "demo"."main"."m5"\n);\n');
  });

  it('a run file that cannot be written fails its node with the path and what to do', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as v', 'models/b.sql': "select * from {{ ref('a') }}" });
    expect((await run({ projectDir: dir, adapters })).status).toBe('success');
    // A file where the directory of the run files should be.
    rmSync(join(dir, 'target/run/demo/models'), { recursive: true });
    writeFileSync(join(dir, 'target/run/demo/models'), '');
    const events: RunEvent[] = [];
    const r = await run({ projectDir: dir, adapters, onEvent: (e) => events.push(e) });
    expect(r.status).toBe('failure');
    expect(r.results.map((x) => [x.name, x.status]).sort()).toEqual([['a', 'error'], ['b', 'error']]);
    expect(r.results[0]!.message).toMatch(/Could not write target\/run\/demo\/models\/[ab]\.sql: .*Check that the target directory is writable/);
    expect(events.some((e) => e.type === 'log' && e.level === 'error' && e.message.includes('target/run/demo/models/'))).toBe(true);
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    expect(rr.results.map((x: { status: string }) => x.status)).toEqual(['error', 'error']);
  });
});
