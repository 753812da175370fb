import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { smProcess } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n';

type Line = { event: string; [k: string]: unknown };

/** `sm run --watch --log-format json` as a child: its JSON lines, split into cycles at each "Watching" line. */
function startWatch(dir: string, extra: string[] = []) {
  const child = smProcess(['run', '--watch', '--log-format', 'json', '--project-dir', dir, ...extra]);
  const lines: Line[] = [];
  let buf = '';
  let stderr = '';
  const waiters: { count: number; resolve: () => void }[] = [];
  const cycles = () => lines.filter((l) => l.event === 'output' && String(l.text).startsWith('Watching')).length;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (text.startsWith('{')) lines.push(JSON.parse(text) as Line);
    }
    for (const w of [...waiters]) if (cycles() >= w.count) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    lines,
    stderr: () => stderr,
    /** Resolves once `n` cycles have finished. */
    cycle: (n: number) => new Promise<void>((resolve, reject) => {
      if (cycles() >= n) return resolve();
      waiters.push({ count: n, resolve });
      void exited.then((code) => reject(new Error(`watch exited (${code}) before cycle ${n}: ${stderr}\n${JSON.stringify(lines.slice(-5))}`)));
    }),
    /** Lines of cycle `n` (1-based): those after the (n-1)th "Watching" line, up to the nth. */
    linesOf(n: number): Line[] {
      const out: Line[] = [];
      let seen = 0;
      for (const l of lines) {
        if (l.event === 'output' && String(l.text).startsWith('Watching')) { seen++; continue; }
        if (seen === n - 1) out.push(l);
      }
      return out;
    },
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

const ran = (ls: Line[]) => ls.filter((l) => l.event === 'node_finished').map((l) => l.name as string).sort();

describe('sm run --watch', () => {
  it('reruns exactly the saved model and its descendants, survives a syntax error, debounces a save-all and stops on Ctrl-C', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/staging/stg_a.sql': 'select 1 as id',
      'models/staging/stg_b.sql': 'select 2 as id',
      'models/marts/mid_a.sql': "{{ config(materialized='table') }}select * from {{ ref('stg_a') }}",
      'models/marts/top.sql': "{{ config(materialized='table') }}select * from {{ ref('mid_a') }} union all select * from {{ ref('stg_b') }}",
      'models/marts/other.sql': "{{ config(materialized='table') }}select 42 as answer",
    });
    const w = startWatch(dir);
    try {
      await w.cycle(1);
      expect(ran(w.linesOf(1))).toEqual(['mid_a', 'other', 'stg_a', 'stg_b', 'top']);

      writeFileSync(join(dir, 'models/staging/stg_a.sql'), 'select 10 as id');
      await w.cycle(2);
      expect(ran(w.linesOf(2))).toEqual(['mid_a', 'stg_a', 'top']);
      expect(w.linesOf(2).filter((l) => l.event === 'node_finished').every((l) => l.status === 'success')).toBe(true);

      // A template syntax error is reported at once, with its file, and nothing runs.
      writeFileSync(join(dir, 'models/staging/stg_b.sql'), "select {{ ref('stg_a' }} as broken");
      await w.cycle(3);
      const diags = w.linesOf(3).filter((l) => l.event === 'diagnostic');
      expect(diags.length).toBeGreaterThan(0);
      expect(String(diags[0]!.file)).toContain('stg_b.sql');
      expect(ran(w.linesOf(3))).toEqual([]);

      // The fix and another file saved together: one run covering both.
      writeFileSync(join(dir, 'models/staging/stg_b.sql'), 'select 3 as id');
      writeFileSync(join(dir, 'models/marts/other.sql'), "{{ config(materialized='table') }}select 43 as answer");
      await w.cycle(4);
      expect(w.linesOf(4).filter((l) => l.event === 'run_started')).toHaveLength(1);
      expect(ran(w.linesOf(4))).toEqual(['other', 'stg_b', 'top']);
    } finally {
      const code = await w.stop();
      // 130: ended by Ctrl-C, after closing the watcher and the warehouse.
      expect(code, w.stderr()).toBe(130);
    }
  });

  it('compiles once per save: the run\'s own compile, so it checks what sm run checks; a new model runs alone; a non-project file compiles nothing', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/base.sql': 'select 1 as id',
      'models/top.sql': "{{ config(materialized='table') }}select id from {{ ref('base') }}",
      // A test on a column top does not have: sm test refuses to compile it, sm run does not care.
      'models/schema.yml': 'version: 2\nmodels:\n  - name: top\n    columns:\n      - name: missing_col\n        tests: [not_null]\n',
      'README.md': 'notes\n',
    });
    const manifestId = () => (JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { metadata: { invocation_id: string } }).metadata.invocation_id;
    const runResultsId = () => (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { metadata: { invocation_id: string } }).metadata.invocation_id;
    const w = startWatch(dir);
    try {
      await w.cycle(1);
      expect(w.linesOf(1).filter((l) => l.event === 'diagnostic' && l.severity === 'error'), w.stderr()).toEqual([]);
      expect(ran(w.linesOf(1))).toEqual(['base', 'top']);

      writeFileSync(join(dir, 'models/extra.sql'), "select * from {{ ref('base') }}");
      await w.cycle(2);
      expect(ran(w.linesOf(2))).toEqual(['extra']);
      // The manifest on disk is the one the run compiled: no second compile after it.
      expect(manifestId()).toBe(runResultsId());

      const before = manifestId();
      writeFileSync(join(dir, 'README.md'), 'more notes\n');
      await w.cycle(3);
      expect(w.linesOf(3).some((l) => l.event === 'output' && String(l.text).includes('nothing to run'))).toBe(true);
      expect(manifestId()).toBe(before);
    } finally {
      expect(await w.stop(), w.stderr()).toBe(130);
    }
  });

  // A DuckDB database beside the models (path: demo.duckdb) writes a .wal next to them and removes it:
  // a file that compiles into nothing, gone, used to rerun everything, which wrote the database again.
  it('a non-project file deleted runs nothing', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/base.sql': 'select 1 as id' });
    const w = startWatch(dir);
    try {
      await w.cycle(1);
      expect(ran(w.linesOf(1))).toEqual(['base']);
      writeFileSync(join(dir, 'demo.duckdb.wal'), 'x');
      await w.cycle(2);
      rmSync(join(dir, 'demo.duckdb.wal'));
      await w.cycle(3);
      expect(ran(w.linesOf(3))).toEqual([]);
      expect(w.linesOf(3).some((l) => l.event === 'output' && String(l.text).includes('nothing to run'))).toBe(true);
      // A model file deleted still reruns everything selected (what the rest compiles to may change).
      writeFileSync(join(dir, 'models/extra.sql'), 'select 2 as id');
      await w.cycle(4);
      rmSync(join(dir, 'models/extra.sql'));
      await w.cycle(5);
      expect(ran(w.linesOf(5))).toEqual(['base']);
    } finally {
      expect(await w.stop(), w.stderr()).toBe(130);
    }
  });
});
