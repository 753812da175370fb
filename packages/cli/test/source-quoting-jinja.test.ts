import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * A source's `quoting:` written as Jinja is rendered as dbt renders schema YAML (fivetran's shopify
 * source: `identifier: "{{ false if target.type == 'snowflake' else true }}"`, found by helper hade).
 * dbt-core 1.11.16 + dbt-duckdb 1.11.1, `dbt parse` of these files (8 Dec 2026): the source's manifest
 * `quoting` is {database: None, schema: None, identifier: True, column: None}. sm kept only literal
 * booleans and wrote identifier None (on Snowflake it would then quote a name dbt leaves bare).
 */
const FILES = {
  'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
  'models/s.yml': [
    'sources:',
    '  - name: raw',
    '    schema: main',
    '    tables:',
    '      - name: order',
    '        quoting:',
    `          identifier: "{{ false if target.type == 'snowflake' else true }}"`,
  ].join('\n'),
  'models/m.sql': "select * from {{ source('raw', 'order') }}\n",
};

const quotingOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { sources: Record<string, { quoting: Record<string, unknown> }> }).sources['source.demo.raw.order']!.quoting;

describe("a source's quoting: written as Jinja", () => {
  it('is rendered with the target, as dbt renders it', async () => {
    const duck = writeProject({ ...FILES, 'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/d.duckdb\n      schema: main\n' });
    const r = await sm('parse', '--project-dir', duck);
    expect(r.code, r.err).toBe(0);
    expect(quotingOf(duck)).toEqual({ database: null, schema: null, identifier: true, column: null });
    const snow = writeProject({ ...FILES, 'profiles.yml': 'demo:\n  target: prod\n  outputs:\n    prod:\n      type: snowflake\n      account: a\n      user: u\n      password: p\n      database: ANALYTICS\n      schema: main\n' });
    const s = await sm('parse', '--project-dir', snow);
    expect(s.code, s.err).toBe(0);
    expect(quotingOf(snow)).toEqual({ database: null, schema: null, identifier: false, column: null });
  });
});
