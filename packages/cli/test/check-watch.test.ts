import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { smProcess } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

describe('sm check --watch', () => {
  it('checks again on each save, re-reading only the changed model and what reads it, until Ctrl-C', async () => {
    const files: Record<string, string> = {
      'profiles.yml': PROFILE,
      'seeds/codes.csv': 'code,name\na,Alpha\n',
      'models/base.sql': "select code, name from {{ ref('codes') }}",
      'models/mid.sql': "select code, upper(name) as name from {{ ref('base') }}",
      'models/top.sql': "select name from {{ ref('mid') }}",
    };
    // Many untouched models, so that "unchanged" is a count that means something.
    for (let i = 0; i < 20; i++) files[`models/other_${i}.sql`] = `select ${i} as n`;
    const dir = writeProject(files);
    const child = smProcess(['check', '--watch', '--project-dir', dir]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = (re: RegExp, from: number) =>
      new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = re.exec(out.slice(from) + err.slice(0));
          if (m) {
            clearInterval(timer);
            resolve(m[0]);
          }
        }, 50);
        void exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`sm check --watch exited (${code}): ${out}\n${err}`));
        });
      });
    try {
      await waitFor(/Watching for changes/, 0);
      expect(out).toMatch(/Checked 24 nodes \(0 unchanged since the last check\)[^\n]*no errors/);

      // A wrong column in mid, and a renamed one that top reads: only mid and top are checked again.
      let mark = out.length;
      writeFileSync(join(dir, 'models/mid.sql'), "select code, upper(nam) as title from {{ ref('base') }}");
      await waitFor(/Checked \d+ nodes[^\n]*\n/, mark);
      expect(err).toMatch(/error SM_CHECK_UNKNOWN_COLUMN at models\/mid\.sql:1:20/);
      expect(err).toMatch(/error SM_CHECK_UNKNOWN_COLUMN at models\/top\.sql:1:8/);
      expect(out.slice(mark)).toMatch(/Checked 24 nodes \(22 unchanged since the last check\)[^\n]*2 errors/);

      // A change that keeps mid's columns: top is not read again.
      mark = out.length;
      writeFileSync(join(dir, 'models/mid.sql'), "select code, lower(name) as title from {{ ref('base') }}");
      await waitFor(/Checked \d+ nodes[^\n]*\n/, mark);
      expect(out.slice(mark)).toMatch(/Checked 24 nodes \(23 unchanged since the last check\)[^\n]*1 error/);

      // Fixed: clean again.
      mark = out.length;
      writeFileSync(join(dir, 'models/mid.sql'), "select code, upper(name) as name from {{ ref('base') }}");
      await waitFor(/Checked \d+ nodes[^\n]*\n/, mark);
      expect(out.slice(mark)).toMatch(/Checked 24 nodes \(22 unchanged since the last check\)[^\n]*no errors/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
  });
});
