import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      threads: 1\n';

/**
 * dbt's groups and model access. On this project dbt-core 1.11.16 stops at parse (exit 2) with
 * "Node model.demo.user_other attempted to reference node model.demo.priv, which is not allowed
 * because the referenced node is private to the 'finance' group.", and builds all three once
 * user_other is in finance (access and group given as properties, as dbt's docs write them).
 */
const YAML = (otherGroup: string) => `groups:
  - name: finance
    owner: {name: Fin}
  - name: marketing
    owner: {email: mkt@example.com}
models:
  - name: priv
    access: private
    config: {group: finance}
  - name: user_other
    group: ${otherGroup}
  - name: user_same
    config: {group: finance}
`;

describe('groups and access', () => {
  it('refuse a ref to a private model from outside its group (exit 2, naming the file and line), and allow it from inside', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/groups.yml': YAML('marketing'),
      'models/priv.sql': 'select 1 as id',
      'models/user_other.sql': '-- reads the private model\nselect * from {{ ref("priv") }}',
      'models/user_same.sql': "select * from {{ ref('priv') }}",
    });
    const refused = await sm('run', '--project-dir', dir);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("error SM_REF_PRIVATE at models/user_other.sql:2: Node model.demo.user_other attempted to reference node model.demo.priv, which is not allowed because the referenced node is private to the 'finance' group.");
    expect(refused.err).not.toContain('user_same.sql');
    writeFileSync(join(dir, 'models/groups.yml'), YAML('finance'));
    const ok = await sm('run', '--project-dir', dir);
    expect(ok.code, ok.err).toBe(0);
    // manifest.json as dbt 1.11 wrote it for the same files: groups, group_map (dbt lists the same nodes, in parse order), each node's group and access.
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    expect(m.groups['group.demo.finance']).toEqual({
      name: 'finance', resource_type: 'group', package_name: 'demo', path: 'groups.yml', original_file_path: 'models/groups.yml',
      unique_id: 'group.demo.finance', owner: { email: null, name: 'Fin' }, description: null, config: { meta: {} },
    });
    expect(m.groups['group.demo.marketing'].owner).toEqual({ email: 'mkt@example.com', name: null });
    expect(m.group_map).toEqual({ finance: ['model.demo.priv', 'model.demo.user_other', 'model.demo.user_same'], marketing: [] });
    const node = (id: string) => ({ access: m.nodes[id].access, group: m.nodes[id].group });
    expect(node('model.demo.priv')).toEqual({ access: 'private', group: 'finance' });
    expect(node('model.demo.user_other')).toEqual({ access: 'protected', group: 'finance' });
  });

  it('refuse a group no groups: entry declares, an access that is not private/protected/public, and a group without an owner', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/groups.yml': 'groups:\n  - name: finance\n    owner: {name: Fin}\n  - name: ops\nmodels:\n  - name: a\n    group: financ\n  - name: b\n    access: secret\n',
      'models/a.sql': 'select 1 as id',
      'models/b.sql': 'select 1 as id',
    });
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Group "ops": `owner:` needs a `name:` or an `email:`');
    expect(r.err).toContain('a is in group "financ", which no `groups:` entry declares (declared: finance)');
    expect(r.err).toContain('b: access must be private, protected or public, not "secret"');
  });
});
