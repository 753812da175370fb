import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, type Adapter, type ModelNode } from '../src/index.ts';
import { writeProject } from './fixture.ts';

/**
 * dbt's built-in macros (packages/core/macros/, the `dbt` namespace) against what dbt-core
 * 1.11.16 compiled for the same call with dbt-duckdb and dbt-snowflake (fixtures/dbt-macros-recorded.json).
 * Text is compared with whitespace normalised: runs of whitespace are one space, and none is
 * kept next to brackets and commas, so only the tokens and their order count.
 */
const FIXTURE = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'dbt-macros-recorded.json'), 'utf8')) as {
  duckdb: Record<string, string>;
  snowflake: Record<string, string>;
  values: { models: Record<string, string>; tables: Record<string, { columns: string[]; rows: (string | null)[][] }> };
};
const RECORDED = { duckdb: FIXTURE.duckdb, snowflake: FIXTURE.snowflake };

/**
 * Left out here: date_spine asks the warehouse (get_intervals_between through run_query), so it
 * is checked by running it below; api.Column belongs to the template context, not to these macros.
 */
const NOT_OFFLINE = new Set([`date_spine('day', "cast('2024-01-01' as date)", "cast('2024-01-05' as date)")`, "cast('x', api.Column.translate_type('string'))"]);

function normalise(sql: string): string {
  // Whitespace counts inside string literals only.
  return sql
    .replace(/--[^\n]*\n/g, ' ')
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 ? part : part.replace(/\s+/g, ' ').replace(/\s*([(),[\]])\s*/g, '$1')))
    .join('')
    .trim();
}

class NamedDialect extends BaseDialect {
  override readonly name: string;
  constructor(name: string) {
    super();
    this.name = name;
  }
}

const offline = (type: string): Adapter => ({
  type,
  dialect: new NamedDialect(type),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
});

const PROFILES = {
  duckdb: 'p:\n  target: t\n  outputs:\n    t:\n      type: duckdb\n',
  snowflake: 'p:\n  target: t\n  outputs:\n    t:\n      type: snowflake\n      account: a\n      user: u\n      password: p\n      database: DB\n      schema: S\n',
};

async function compiledCalls(type: 'duckdb' | 'snowflake', calls: string[]): Promise<Map<string, string>> {
  const files: Record<string, string> = { 'sm_project.yml': 'name: mrec\nprofile: p\n', 'profiles.yml': PROFILES[type] };
  calls.forEach((c, i) => (files[`models/m${i}.sql`] = `{{ dbt.${c} }}`));
  const c = await compile({ projectDir: writeProject(files), adapters: { [type]: () => offline(type) } });
  return new Map(calls.map((call, i) => [call, (c.compiled.nodes.get(`model.mrec.m${i}`) as ModelNode).compiledCode ?? '']));
}

describe("dbt's built-in macros render as dbt 1.11 renders them", () => {
  for (const type of ['duckdb', 'snowflake'] as const) {
    it(`on ${type}: every recorded call`, async () => {
      const calls = Object.keys(RECORDED[type]).filter((c) => !NOT_OFFLINE.has(c));
      const got = await compiledCalls(type, calls);
      const wrong = calls.filter((c) => normalise(got.get(c)!) !== normalise(RECORDED[type][c]!)).map((c) => ({ call: c, sm: normalise(got.get(c)!), dbt: normalise(RECORDED[type][c]!) }));
      expect(wrong).toEqual([]);
    });
  }
});
