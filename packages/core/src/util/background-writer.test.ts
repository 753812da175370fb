import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackgroundWriter } from './background-writer.ts';

const big = (c: string) => c.repeat(1 << 21);

describe('BackgroundWriter', () => {
  it('writes large and small files in the order given, and runs each `then` once its file is in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-bg-writer-'));
    const w = new BackgroundWriter();
    const seen: string[] = [];
    const after = (name: string) => () => seen.push(`${name}:${statSync(join(dir, name)).size}`);
    w.write(join(dir, 'a.json'), big('a'), after('a.json'));
    // Small, but after a pending large write: it must not overtake it.
    w.write(join(dir, 'b.json'), 'bé', after('b.json'));
    w.write(join(dir, 'c.json'), big('é'), after('c.json'));
    await w.finish();
    expect(seen).toEqual([`a.json:${1 << 21}`, 'b.json:3', `c.json:${2 << 21}`]);
    expect(readFileSync(join(dir, 'c.json'), 'utf8')).toBe(big('é'));
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'b.json', 'c.json']);
    // Nothing pending: finishing again is quiet, and a small write alone is made at once.
    await w.finish();
    const again = new BackgroundWriter();
    again.write(join(dir, 'd.json'), '{}');
    expect(readFileSync(join(dir, 'd.json'), 'utf8')).toBe('{}');
    await again.finish();
  });

  it('reports the first failure with its code and file, and writes nothing after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-bg-writer-'));
    writeFileSync(join(dir, 'file'), '');
    const w = new BackgroundWriter();
    const ran: string[] = [];
    w.write(join(dir, 'file', 'nodes.jsonl'), big('x'), () => ran.push('nodes'));
    w.write(join(dir, 'proof.json'), '{}', () => ran.push('proof'));
    w.write(join(dir, 'later.json'), big('y'));
    await expect(w.finish()).rejects.toMatchObject({ code: 'ENOTDIR', syscall: 'open', path: join(dir, 'file', 'nodes.jsonl') });
    expect(ran).toEqual([]);
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('on exit with writes pending, finishes the file being written, begins no other and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-bg-writer-'));
    const script = join(dir, 'child.mjs');
    // 64 files of 4 MB take longer to write than to hand over: most are still pending at the exit.
    writeFileSync(
      script,
      `import { existsSync } from 'node:fs';
      import { BackgroundWriter } from ${JSON.stringify(join(import.meta.dirname, 'background-writer.ts'))};
      const w = new BackgroundWriter();
      for (let i = 0; i < 64; i++) w.write(${JSON.stringify(dir)} + '/f' + String(i).padStart(2, '0') + '.json', 'z'.repeat(1 << 22));
      while (!existsSync(${JSON.stringify(join(dir, 'f00.json'))}));
      process.exit(3);`,
    );
    const r = spawnSync(process.execPath, ['--conditions=smsql-source', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(3);
    const left = readdirSync(dir).filter((f) => f !== 'child.mjs').sort();
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(left[0]).toBe('f00.json');
    expect(left.length).toBeLessThan(64);
    // Every file there is whole, and they are the first ones, in order.
    left.forEach((f, i) => {
      expect(f).toBe(`f${String(i).padStart(2, '0')}.json`);
      expect(statSync(join(dir, f)).size).toBe(1 << 22);
    });
  });
});
