import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { compile, isSmProjectError, type Compilation, type RunEvent } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';
import { builtinAdapters } from '../src/adapters.ts';
import { smProcess } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n';

/** 1,100 models (some ephemeral, some incremental, chains of refs) and a test on each: large enough to render on two threads. */
function bigProject(extra: Record<string, string> = {}): string {
  const files: Record<string, string> = {
    'profiles.yml': PROFILE,
    'macros/twice.sql': '{% macro twice(c) %}({{ c }} * 2){% endmacro %}',
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: ev\n',
  };
  const yml = ['version: 2', 'models:'];
  for (let i = 0; i < 1100; i++) {
    const refs = i < 10 ? "{{ source('raw', 'ev') }}" : `{{ ref('m${i - 1 - (i % 7)}') }} join {{ ref('m${i - 10}') }} using (id)`;
    const cfg = i % 50 === 7 ? "{{ config(materialized='ephemeral') }}" : i % 13 === 0 ? "{{ config(materialized='incremental', unique_key='id') }}" : '';
    files[`models/${i % 4 === 0 ? 'a' : 'b'}/m${i}.sql`] = `${cfg}select id, {{ twice('v') }} as v from ${refs}${cfg.includes('incremental') ? '{% if is_incremental() %} where id > 0{% endif %}' : ''}`;
    yml.push(`  - name: m${i}`, '    columns:', '      - name: id', '        tests: [not_null]');
  }
  files['models/schema.yml'] = yml.join('\n');
  return writeProject({ ...files, ...extra });
}

function artifacts(dir: string) {
  const t = join(dir, 'target');
  const m = JSON.parse(readFileSync(join(t, 'manifest.json'), 'utf8')) as { metadata: Record<string, unknown> };
  const { generated_at: _g, invocation_id: _i, invocation_started_at: _s, run_started_at: _r, ...metadata } = m.metadata;
  const compiled: Record<string, string> = {};
  for (const f of readdirSync(join(t, 'compiled'), { recursive: true, encoding: 'utf8' })) if (statSync(join(t, 'compiled', f)).isFile()) compiled[f] = readFileSync(join(t, 'compiled', f), 'utf8');
  // The compiled store a warm start reads: nodes and index as written; the header as data (its ephemerals come in the order threads found them).
  const read = (f: string) => readFileSync(join(t, '.sm', 'compiled', f), 'utf8').split(dir).join('<dir>');
  const store = { nodes: read('nodes.jsonl'), index: read('index.json'), header: JSON.parse(read('header.json')) as unknown };
  return { manifest: JSON.stringify({ ...m, metadata }).split(dir).join('<dir>'), compiled, store };
}

/** Compile `dir` on two threads (the CLI's adapters say where a worker makes them) and a copy on one; both must leave the same. */
async function bothWays(dir: string): Promise<{ parallel: boolean; two: Compilation; one: Compilation }> {
  const copy = mkdtempSync(join(tmpdir(), 'sm-one-thread-'));
  cpSync(dir, copy, { recursive: true });
  const events: RunEvent[] = [];
  const two = await compile({ projectDir: dir, adapters: builtinAdapters, onEvent: (e) => events.push(e) }, 'compile');
  const one = await compile({ projectDir: copy, adapters: { duckdb: () => createDuckDbAdapter() } }, 'compile');
  expect(artifacts(dir)).toEqual(artifacts(copy));
  expect(two.selected).toEqual(one.selected);
  return { parallel: events.some((e) => e.type === 'log' && e.message === 'Rendered on 2 threads'), two, one };
}

// One thread is the default (compile/parallel-render.ts, renderThreadsAsked); two when asked.
process.env.SM_RENDER_THREADS = '2';

describe('a large cold compile renders on two threads when asked', () => {
  it('and leaves exactly what one thread leaves', async () => {
    const dir = bigProject();
    const { parallel, two } = await bothWays(dir);
    expect(parallel).toBe(true);
    expect(two.compiled.nodes.get('model.demo.m13')).toMatchObject({ incrementalCode: expect.stringContaining('where id > 0') });
    // Warm: nothing renders, and the render cache holds what both threads rendered.
    rmSync(join(dir, 'target', '.sm', 'compiled'), { recursive: true });
    const again = await bothWays(dir);
    expect(again.parallel).toBe(false);
  });

  it('renders a model whose config() moves it wherever it is referred to; one that moves unseen (in a macro) means one thread again', async () => {
    // Written in the model: every thread that refers to it renders it, and two threads still serve.
    expect((await bothWays(bigProject({ 'models/b/m101.sql': "{{ config(alias='elsewhere') }}select 1 as id, 2 as v" }))).parallel).toBe(true);
    // Moved by a macro: a thread assumed the relation its config named before rendering, wrongly.
    const hidden = { 'macros/elsewhere.sql': "{% macro elsewhere() %}{{ config(alias='elsewhere') }}{% endmacro %}", 'models/b/m101.sql': '{{ elsewhere() }}select 1 as id, 2 as v' };
    expect((await bothWays(bigProject(hidden))).parallel).toBe(false);
  });

  it('renders on one thread unless asked', async () => {
    const dir = bigProject();
    const events: RunEvent[] = [];
    delete process.env.SM_RENDER_THREADS;
    try {
      await compile({ projectDir: dir, adapters: builtinAdapters, onEvent: (e) => events.push(e) }, 'compile');
    } finally {
      process.env.SM_RENDER_THREADS = '2';
    }
    expect(events.some((e) => e.type === 'log' && e.message === 'Rendered on 2 threads')).toBe(false);
    expect(existsSync(join(dir, 'target', 'manifest.json'))).toBe(true);
  });

  it('reports a broken project as one thread does', async () => {
    const dir = bigProject({ 'models/b/m333.sql': "select * from {{ ref('nope') }}" });
    const copy = mkdtempSync(join(tmpdir(), 'sm-one-thread-'));
    cpSync(dir, copy, { recursive: true });
    const err = (d: string, adapters: typeof builtinAdapters) => compile({ projectDir: d, adapters }, 'compile').then(() => undefined, (e: unknown) => (isSmProjectError(e) ? e.diagnostics.map((x) => [x.code, x.message, x.location?.file]) : e));
    expect(await err(dir, builtinAdapters)).toEqual(await err(copy, { duckdb: () => createDuckDbAdapter() }));
  });

  it('exits when the compile fails after starting the worker and before giving it the project', async () => {
    const dir = bigProject();
    // A folder where the old store's proof is removed: the compile fails after loading, before rendering.
    mkdirSync(join(dir, 'target', '.sm', 'compiled', 'proof.json', 'x'), { recursive: true });
    const child = smProcess(['compile', '--project-dir', dir]);
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    // The idle worker kept the process alive: it never exited.
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('proof.json');
  }, 180_000);
});
