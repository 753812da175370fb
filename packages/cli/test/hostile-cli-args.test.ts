import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

describe('hostile --vars / --args', () => {
  // dbt 1.11.16 (recorded): `dbt run-operation hello --args '{name: x, name: y}'` logs "hi y", exit 0;
  // `dbt ls --vars '{a: 1, a: 2}'` lists as usual. Its YAML reader keeps a repeated key's last value.
  it('a key given twice takes its last value, as in dbt, instead of failing as invalid YAML', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'macros/hello.sql': "{% macro hello(name) %}{{ log('hi ' ~ name ~ ' ' ~ var('a', 'none'), info=True) }}{% endmacro %}",
      'models/a.sql': 'select 1 as id',
    });
    const r = await sm('run-operation', 'hello', '--args', '{name: x, name: y}', '--vars', '{a: 1, a: 2}', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('hi y 2');
  });

  // dbt 1.11.16 (recorded): the unknown tag is "not valid YAML", exit 2; the anchor in itself is a Python traceback, exit 2.
  it('an unknown YAML tag or an anchor used inside itself is a usage error (exit 2), not a Node warning or a crash', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'macros/hello.sql': "{% macro hello(name) %}{{ log('hi ' ~ name, info=True) }}{% endmacro %}", 'models/a.sql': 'select 1 as id' });
    for (const [args, why] of [
      ['{name: !!python/name:os.system}', 'Unresolved tag: tag:yaml.org,2002:python/name:os.system'],
      ['{name: &a [*a]}', 'a YAML anchor (&name) is used inside itself (*name)'],
    ]) {
      for (const flag of ['--args', '--vars']) {
        const r = await sm('run-operation', 'hello', ...(flag === '--vars' ? ['--args', '{name: x}'] : []), flag, args!, '--project-dir', dir);
        expect(r.code, `${flag} ${args}: ${r.out}${r.err}`).toBe(2);
        expect(r.err).toContain(`error SM_USAGE: ${flag} is not valid YAML: ${why}`);
      }
    }
  });

  // dbt 1.11.16 (recorded), `dbt ls` on the same files: exit 2, "could not determine a constructor for the tag" and
  // "Cycle detected: Rendering yaml input has a reference to itself".
  it('a schema file with an unknown tag or an anchor inside itself is SM_YAML naming the file (exit 2)', async () => {
    for (const [line, message] of [
      ['    description: !!python/name:os.system', 'error SM_YAML at models/s.yml:4:18: YAML tag not known: Unresolved tag: tag:yaml.org,2002:python/name:os.system'],
      ['    description: !custom x', 'error SM_YAML at models/s.yml:4:18: YAML tag not known: Unresolved tag: !custom'],
      ['    meta: &a {x: [*a]}', 'error SM_YAML at models/s.yml: YAML refers to itself: an anchor (&name) is used inside its own value (*name)'],
    ]) {
      const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', 'models/s.yml': `version: 2\nmodels:\n  - name: a\n${line}\n` });
      const r = await sm('ls', '--project-dir', dir);
      expect(r.code, line).toBe(2);
      expect(r.err).toContain(message);
    }
  });
});

describe('hostile sm init names', () => {
  // dbt 1.11.16 (recorded) refuses these too (exit 2), suggesting nothing.
  it('suggests a usable name for a name that is not one', async () => {
    const dir = writeProject({});
    for (const [name, suggestion] of [['my-proj', 'my_proj'], ['1abc', '_1abc'], ['../escape', 'escape'], ['', 'my_project'], ['a b', 'a_b']]) {
      const r = await sm('init', name!, '--dir', `${dir}/x`);
      expect(r.code, name).toBe(2);
      expect(r.err).toContain(`Project name "${name}" must be letters, digits and underscores, starting with a letter or underscore (e.g. ${suggestion}).`);
    }
  });

  // dbt 1.11.16 (recorded): `dbt parse --threads 100000`, exit 0; parse, docs generate and show list
  // --threads INTEGER in their --help. sm refused it as an unknown option (exit 2). A value that is
  // no whole number stays a usage error (dbt's click: "'abc' is not a valid integer", exit 2).
  it('--threads on parse, docs generate and show', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id' });
    expect((await sm('parse', '--threads', '100000', '--project-dir', dir)).code).toBe(0);
    expect((await sm('docs', 'generate', '--threads', '2', '--project-dir', dir)).code).toBe(0);
    expect((await sm('show', '-s', 'a', '--threads', '2', '--project-dir', dir)).code).toBe(0);
    const bad = await sm('parse', '--threads', 'abc', '--project-dir', dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--threads must be a whole number of 1 or more, not "abc"');
  });

  // dbt 1.11.16 (8 Dec 2026): `dbt run-operation foo --threads 3` and `--threads 0` ran the macro, exit 0; `--threads abc` exit 2.
  it('--threads on run-operation', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', 'macros/m.sql': "{% macro foo() %}{{ log('hi', info=True) }}{% endmacro %}" });
    for (const n of ['3', '0']) expect((await sm('run-operation', 'foo', '--threads', n, '--project-dir', dir)).code).toBe(0);
    const bad = await sm('run-operation', 'foo', '--threads', 'abc', '--project-dir', dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--threads must be a whole number, not "abc"');
  });
});
