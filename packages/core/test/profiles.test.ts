import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.ts';
import { resolveTarget, type ResolvedTarget } from '../src/index.ts';

/** profiles.yml read from real files: where it is looked for, its shape, its templates and its secrets. */

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function dirWith(profiles?: string): string {
  const d = mkdtempSync(join(tmpdir(), 'sm-profiles-'));
  roots.push(d);
  if (profiles !== undefined) writeFileSync(join(d, 'profiles.yml'), profiles);
  return d;
}

const GOOD = 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/p.duckdb\n';

function resolve(projectDir: string, extra: { profilesDir?: string; targetName?: string; env?: NodeJS.ProcessEnv; vars?: Record<string, unknown>; threadsGiven?: boolean } = {}) {
  const diagnostics: Diagnostic[] = [];
  // HOME is not read: env has no profiles variables and the project holds profiles.yml or the flag points elsewhere.
  const r: ResolvedTarget | undefined = resolveTarget({ projectDir, profileName: 'p', projectName: 'p', env: {}, ...extra }, diagnostics);
  return { r, diagnostics, text: diagnostics.map((d) => `${d.code} ${d.location?.file ?? ''}:${d.location?.line ?? ''} ${d.message} ${d.hint ?? ''}`).join('\n') };
}

describe('where profiles.yml is looked for', () => {
  it('a --profiles-dir that does not exist is the only place looked in, and the error says it does not exist', () => {
    const project = dirWith(GOOD);
    const { r, text } = resolve(project, { profilesDir: join(project, 'typo') });
    expect(r).toBeUndefined();
    expect(text).toContain('SM_PROFILE_NOT_FOUND');
    expect(text).toContain(`--profiles-dir ${join(project, 'typo')}, which does not exist`);
  });

  it('a --profiles-dir that is a file says so', () => {
    const project = dirWith(GOOD);
    const { text } = resolve(project, { profilesDir: join(project, 'profiles.yml') });
    expect(text).toContain('which is a file, not a folder');
  });

  it.each(['SM_PROFILES_DIR', 'DBT_PROFILES_DIR'])('$%s naming an empty folder does not fall back to the project, and the hint says to unset it', (name) => {
    const project = dirWith(GOOD);
    const empty = dirWith();
    const { r, text } = resolve(project, { env: { [name]: empty } });
    expect(r).toBeUndefined();
    expect(text).toContain(`$${name} ${empty}`);
    expect(text).toContain(`unset ${name}`);
  });

  it('SM_PROFILES_DIR wins over DBT_PROFILES_DIR, and --profiles-dir over both', () => {
    const project = dirWith();
    const sm = dirWith(GOOD.replace('target/p.duckdb', 'sm.duckdb'));
    const dbt = dirWith(GOOD.replace('target/p.duckdb', 'dbt.duckdb'));
    const flag = dirWith(GOOD.replace('target/p.duckdb', 'flag.duckdb'));
    expect(resolve(project, { env: { SM_PROFILES_DIR: sm, DBT_PROFILES_DIR: dbt } }).r?.target.path).toBe('sm.duckdb');
    expect(resolve(project, { env: { DBT_PROFILES_DIR: dbt } }).r?.target.path).toBe('dbt.duckdb');
    expect(resolve(project, { profilesDir: flag, env: { SM_PROFILES_DIR: sm } }).r?.target.path).toBe('flag.duckdb');
  });
});

describe('a wrongly shaped profiles.yml is an error naming the line', () => {
  it.each([
    ['the file is a list', '- p\n', 'must map profile names to profiles, not be a list', 1],
    ['the profile is a number', 'p: 5\n', 'must be a mapping with `target:` and `outputs:`, not the number 5', 1],
    ['outputs is a list', 'p:\n  target: dev\n  outputs: [dev]\n', '`outputs` of profile "p" in profiles.yml must map target names to targets, not be a list', 3],
    ['target is a list', 'p:\n  target: [dev]\n  outputs:\n    dev:\n      type: duckdb\n', '`target` of profile "p" in profiles.yml must name one of its outputs, not be a list', 2],
    ['a target is a string', 'p:\n  target: dev\n  outputs:\n    dev: duckdb\n', 'must be a mapping (type:, path: ...), not the string "duckdb"', 4],
    ['threads is 0', `${GOOD}      threads: 0\n`, '`threads` of target "dev" must be a whole number of 1 or more, not 0', 7],
    ['threads is a word', `${GOOD}      threads: lots\n`, 'not the string "lots"', 7],
    ['threads is a fraction', `${GOOD}      threads: 2.5\n`, 'not 2.5', 7],
    ['a template never closed', `${GOOD}      schema: "{{ var('s') "\n`, 'Cannot render `schema` of target "dev"', 7],
  ])('%s', (_name, yml, message, line) => {
    const { r, diagnostics, text } = resolve(dirWith(yml));
    expect(r).toBeUndefined();
    expect(text).toContain(message);
    expect(diagnostics[0]!.location?.line).toBe(line);
  });
});

describe('templates in profiles.yml', () => {
  it('var() reads --vars, in a value and in the profile\'s target', () => {
    const yml = 'p:\n  target: "{{ var(\'t\') }}"\n  outputs:\n    ci:\n      type: duckdb\n      schema: "{{ var(\'s\', \'fallback\') }}"\n';
    const given = resolve(dirWith(yml), { vars: { t: 'ci', s: 'analytics' } });
    expect(given.text).toBe('');
    expect(given.r?.target.name).toBe('ci');
    expect(given.r?.target.schema).toBe('analytics');
    expect(resolve(dirWith(yml), { vars: { t: 'ci' } }).r?.target.schema).toBe('fallback');
  });

  it('a var() with no value and no default names the var and the flag', () => {
    const { r, text } = resolve(dirWith('p:\n  target: "{{ var(\'t\') }}"\n  outputs:\n    dev:\n      type: duckdb\n'));
    expect(r).toBeUndefined();
    expect(text).toMatch(/SM_PROFILE_INVALID profiles\.yml:2 Cannot render `target` of profile "p": var\("t"\) has no value: pass it with --vars/);
  });

  it('an unset env_var() in the target names the variable instead of looking for a target named ""', () => {
    const { text } = resolve(dirWith('p:\n  target: "{{ env_var(\'SM_TEST_NO_SUCH_TARGET\') }}"\n  outputs:\n    dev:\n      type: duckdb\n'));
    expect(text).toContain('SM_ENV_VAR_MISSING');
    expect(text).toContain('Environment variable SM_TEST_NO_SUCH_TARGET is not set (needed by `target` of profile "p")');
    expect(text).not.toContain('Target ""');
  });
});

// Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 (dbt run, 7 Dec 2026): threads: "{{ env_var('X') }}" with X=4 ends
// "Runtime Error\n  at path ['threads']: '4' is not of type 'integer'" (exit 2), as do threads: "4", '{{ 2 + 2 }}',
// true (True) and null (None); "{{ env_var('X') | as_number }}" runs on 4 threads; with --threads 2 the string is not checked.
describe("threads: dbt's profile takes a number only", () => {
  it.each([
    ['env_var() without as_number', `"{{ env_var('X') }}"`, `not the text "4" that {{ env_var('X') }} renders (no | as_number) (dbt: at path ['threads']: '4' is not of type 'integer')`],
    ['a quoted number', '"4"', `not the string "4" (dbt: at path ['threads']: '4' is not of type 'integer')`],
    ['arithmetic in a template', "'{{ 2 + 2 }}'", `(dbt: at path ['threads']: '4' is not of type 'integer')`],
    ['a boolean', 'true', `not the boolean true (dbt: at path ['threads']: True is not of type 'integer')`],
    ['null', 'null', `(dbt: at path ['threads']: None is not of type 'integer')`],
  ])('%s is refused, naming the line and as_number', (_name, value, message) => {
    const { r, diagnostics, text } = resolve(dirWith(`${GOOD}      threads: ${value}\n`), { env: { X: '4' } });
    expect(r).toBeUndefined();
    expect(text).toContain(message);
    expect(text).toContain('| as_number');
    expect(diagnostics[0]!.location?.line).toBe(7);
  });

  it('as_number makes it a number; --threads leaves it unchecked, as dbt', () => {
    expect(resolve(dirWith(`${GOOD}      threads: "{{ env_var('X') | as_number }}"\n`), { env: { X: '3' } }).r?.target.threads).toBe(3);
    const flagged = resolve(dirWith(`${GOOD}      threads: "{{ env_var('X') }}"\n`), { env: { X: '3' }, threadsGiven: true });
    expect(flagged.text).toBe('');
  });
});

describe('secrets', () => {
  it('a secret field stays a string, leading zeros and all; other fields are coerced', () => {
    const { r } = resolve(dirWith(`${GOOD}      password: "{{ env_var('PW') }}"\n      port: "{{ env_var('PORT') }}"\n`), { env: { PW: '0012345678', PORT: '0443' } });
    expect(r?.target.password).toBe('0012345678');
    expect(r?.target.port).toBe(443);
    expect(r?.secrets).toContain('0012345678');
  });

  it.each(['DBT_ENV_SECRET_TOKEN', 'SM_ENV_SECRET_TOKEN'])('%s is a secret in any field that reads it, and even unread', (name) => {
    const read = resolve(dirWith(`${GOOD}      extra: "{{ env_var('${name}') }}"\n`), { env: { [name]: '0099887766' } });
    // Secret by the variable's name: kept a string although `extra` is not a secret-looking key.
    expect(read.r?.target.extra).toBe('0099887766');
    expect(read.r?.secrets).toContain('0099887766');
    const unread = resolve(dirWith(GOOD), { env: { [name]: 'never-read-value' } });
    expect(unread.r?.secrets).toContain('never-read-value');
  });

  it('a password from --vars is a secret', () => {
    const { r } = resolve(dirWith(`${GOOD}      password: "{{ var('pw') }}"\n`), { vars: { pw: 'from-the-command-line' } });
    expect(r?.secrets).toContain('from-the-command-line');
  });

  it('a render error never carries the value it was rendering', () => {
    const { text } = resolve(dirWith(`${GOOD}      password: "{{ env_var('PW') ~ var('missing') }}"\n`), { env: { PW: 'do-not-print-me' } });
    expect(text).toContain('var("missing") has no value');
    expect(text).not.toContain('do-not-print-me');
  });
});
