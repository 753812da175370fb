import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/** Recorded from `dbt parse` (dbt 1.11.16) on the same files, 6 Dec 2026: each node's docs and config.docs. */
describe("a node's docs", () => {
  it("follow the project's +docs by folder and the YAML's docs: property, key by key, on the node and in its config", async () => {
    const dir = writeProject({
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n',
      'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\nmodels:\n  demo:\n    +docs:\n      node_color: gold\n    staging:\n      +docs:\n        node_color: silver\n",
      'models/a.sql': 'select 1 as id\n',
      'models/b.sql': 'select 1 as id\n',
      'models/staging/s.sql': 'select 1 as id\n',
      'models/b.yml': 'models:\n  - name: b\n    docs: {show: false}\n',
    });
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const nodes = (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { docs: unknown; config: { docs: unknown } }> }).nodes;
    const docs = (id: string) => [nodes[id]!.docs, nodes[id]!.config.docs];
    expect(docs('model.demo.a')).toEqual([{ show: true, node_color: 'gold' }, { show: true, node_color: 'gold' }]);
    expect(docs('model.demo.b')).toEqual([{ show: false, node_color: 'gold' }, { show: false, node_color: 'gold' }]);
    expect(docs('model.demo.s')).toEqual([{ show: true, node_color: 'silver' }, { show: true, node_color: 'silver' }]);
  });
});
