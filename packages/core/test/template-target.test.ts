import { describe, expect, it } from 'vitest';
import { writeProject } from './fixture.ts';
import type { AdapterFactory, TargetConfig } from '../src/adapter.ts';
import { loadProject } from '../src/project/load-project.ts';

/** An adapter whose credentials name the database after the target's `account`; made never (the loader only completes the target). */
const warehouse: AdapterFactory = Object.assign(
  () => {
    throw new Error('the loader made an adapter');
  },
  { templateTarget: (t: TargetConfig) => ({ ...t, database: `db_of_${String(t.account)}` }) },
);

const files = {
  'profiles.yml': 'p:\n  target: d\n  outputs:\n    d: {type: warehouse, account: acme, schema: s}\n',
  'dbt_project.yml': "name: p\nversion: '1.0'\nprofile: p\nmodels:\n  p:\n    +meta:\n      fromProject: \"{{ target.database }}\"\n",
  'models/m.sql': 'select 1 as x\n',
  'models/m.yml': 'models:\n  - name: m\n    description: "in {{ target.database }}"\n    config:\n      meta:\n        fromYaml: "{{ target.database }}"\n',
};

describe("the target templates read while the project loads: the adapter's to complete", () => {
  it("reads the target's factory's templateTarget in the project file, schema YAML and descriptions, and keeps the target as the profile gives it", () => {
    const dir = writeProject(files);
    const p = loadProject({ projectDir: dir, profilesDir: dir, env: {}, noCache: true, adapters: { warehouse } });
    const m = p.models.find((n) => n.name === 'm')!;
    expect(m.config.meta).toEqual({ fromProject: 'db_of_acme', fromYaml: 'db_of_acme' });
    expect(m.description).toBe('in db_of_acme');
    // What connects is the profile's target, as written.
    expect(p.target.database).toBeUndefined();
  });

  it('without such a factory, templates read the database the profile gives (none here)', () => {
    const dir = writeProject(files);
    const p = loadProject({ projectDir: dir, profilesDir: dir, env: {}, noCache: true });
    const m = p.models.find((n) => n.name === 'm')!;
    expect(m.config.meta).toEqual({ fromProject: null, fromYaml: null });
    expect(m.description).toBe('in ');
  });

  it('has no secret: a password is not in the target the project file, YAML and descriptions read (dbt 1.11.16 has none there either)', () => {
    const dir = writeProject({
      ...files,
      'profiles.yml': 'p:\n  target: d\n  outputs:\n    d: {type: warehouse, account: acme, schema: s, password: hunter22, private_key: k3y}\n',
      'dbt_project.yml': "name: p\nversion: '1.0'\nprofile: p\nmodels:\n  p:\n    +meta:\n      pw: \"{{ target.password }}\"\n      acct: \"{{ target.account }}\"\n",
      'models/m.yml': 'models:\n  - name: m\n    description: "pw={{ target.password }} key={{ target.private_key }}"\n',
    });
    const p = loadProject({ projectDir: dir, profilesDir: dir, env: {}, noCache: true, adapters: { warehouse } });
    const m = p.models.find((n) => n.name === 'm')!;
    expect(m.config.meta).toEqual({ pw: null, acct: 'acme' });
    expect(m.description).toBe('pw= key=');
    // The connection still has it.
    expect(p.target.password).toBe('hunter22');
  });
});
