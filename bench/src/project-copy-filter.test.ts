import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectCopyFilter } from './project-copy-filter.ts';

describe('projectCopyFilter', () => {
  const base = mkdtempSync(join(tmpdir(), 'sm-copy-filter-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('copies a project whose checkout sits under folders named .cache, target, lake or logs', () => {
    const root = join(base, '.cache', 'target', 'lake', 'logs', 'project');
    for (const f of ['streamify.yml', 'models/a.sql', 'seeds/s.csv', 'target/manifest.json', 'lake/x.json', 'logs/sm.log', 'models/target.sql', 'dev.duckdb']) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), 'x');
    }
    const dest = join(base, 'copy');
    cpSync(root, dest, { recursive: true, filter: projectCopyFilter(root) });
    expect((readdirSync(dest, { recursive: true, encoding: 'utf8' }) as string[]).sort()).toEqual(['models', 'models/a.sql', 'models/target.sql', 'seeds', 'seeds/s.csv', 'streamify.yml']);
  });
});
