import { describe, expect, it } from 'vitest';
import { parseWarnErrorOptions, warnIsError, warnIsSilenced, WarnErrorOptionsError, type WarnErrorOptions } from '../src/warn-error.ts';

const o = (x: Partial<WarnErrorOptions>): WarnErrorOptions => ({ error: [], warn: [], silence: [], ...x });
const DEPRECATION = 'WEOIncludeExcludeDeprecation';

// dbt 1.11's order (dbt_common's WarnErrorOptionsV2): a name beats Deprecations, which beats all;
// silence and warn beat error.
describe('warn_error_options: which warnings are errors', () => {
  it('--warn-error takes every warning; nothing set takes none', () => {
    expect(warnIsError(true, 'LogTestResult')).toBe(true);
    expect(warnIsError(false, 'LogTestResult')).toBe(false);
    expect(warnIsError(undefined, 'LogTestResult')).toBe(false);
    expect(warnIsError(o({}), 'LogTestResult')).toBe(false);
  });

  it('all, less what warn or silence names; a named error unless warn or silence names it too', () => {
    expect(warnIsError(o({ error: 'all' }), 'LogTestResult')).toBe(true);
    expect(warnIsError(o({ error: 'all', warn: ['LogTestResult'] }), 'LogTestResult')).toBe(false);
    expect(warnIsError(o({ error: 'all', warn: ['LogTestResult'] }), 'NoNodesForSelectionCriteria')).toBe(true);
    expect(warnIsError(o({ error: ['LogTestResult'] }), 'LogTestResult')).toBe(true);
    expect(warnIsError(o({ error: ['LogTestResult'] }), 'NoNodesForSelectionCriteria')).toBe(false);
    expect(warnIsError(o({ error: ['LogTestResult'], silence: ['LogTestResult'] }), 'LogTestResult')).toBe(false);
  });

  it('Deprecations stands for every deprecation; a deprecation named on its own beats it', () => {
    expect(warnIsError(o({ error: ['Deprecations'] }), DEPRECATION)).toBe(true);
    expect(warnIsError(o({ error: ['Deprecations'] }), 'LogTestResult')).toBe(false);
    expect(warnIsError(o({ error: ['Deprecations'], warn: [DEPRECATION] }), DEPRECATION)).toBe(false);
    expect(warnIsError(o({ error: [DEPRECATION], warn: ['Deprecations'] }), DEPRECATION)).toBe(true);
    expect(warnIsError(o({ error: 'all', silence: ['Deprecations'] }), DEPRECATION)).toBe(false);
    expect(warnIsError(o({ error: 'all', silence: ['Deprecations'] }), 'LogTestResult')).toBe(true);
  });

  it('silence: named, or a deprecation under Deprecations unless named in error or warn', () => {
    expect(warnIsSilenced(o({ silence: ['NoNodesForSelectionCriteria'] }), 'NoNodesForSelectionCriteria')).toBe(true);
    expect(warnIsSilenced(o({ silence: ['Deprecations'] }), DEPRECATION)).toBe(true);
    expect(warnIsSilenced(o({ silence: ['Deprecations'], warn: [DEPRECATION] }), DEPRECATION)).toBe(false);
    expect(warnIsSilenced(o({ silence: ['Deprecations'] }), 'LogTestResult')).toBe(false);
    expect(warnIsSilenced(true, 'LogTestResult')).toBe(false);
  });
});

describe('parseWarnErrorOptions', () => {
  it('reads error (all, * or names), warn and silence; nothing is none', () => {
    expect(parseWarnErrorOptions({ error: '*' }).options).toEqual(o({ error: 'all' }));
    expect(parseWarnErrorOptions({ error: 'all', warn: ['LogTestResult'], silence: ['NothingToDo'] })).toEqual({ options: o({ error: 'all', warn: ['LogTestResult'], silence: ['NothingToDo'] }), notes: [] });
    expect(parseWarnErrorOptions(null).options).toEqual(o({}));
    expect(parseWarnErrorOptions({}).options).toEqual(o({}));
  });

  it('refuses what dbt refuses, saying what is wrong', () => {
    const refused = (v: unknown) => {
      try {
        parseWarnErrorOptions(v);
      } catch (e) {
        expect(e).toBeInstanceOf(WarnErrorOptionsError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(v)}`);
    };
    expect(refused({ error: 'some' })).toContain('`error` must be all, * or a list of event names');
    expect(refused({ error: ['all'] })).toContain('write `error: all` (not in a list)');
    expect(refused({ error: ['LogTestResults'] })).toContain('"LogTestResults", which is not a dbt event name');
    expect(refused({ silence: [1] })).toContain('`silence` must be a list of event names');
    expect(refused({ error: ['LogTestResult'], warn: ['NothingToDo'] })).toContain('`warn` can only be given with `error: all`');
    expect(refused({ error: 'all', include: 'all' })).toContain('has both `error` and `include`');
    expect(refused([1])).toContain('must be a mapping');
    // The deprecated names fire a deprecation, which these same options make an error.
    expect(refused({ include: 'all' })).toContain('`include` is deprecated');
    expect(refused({ include: ['Deprecations'] })).toContain('`include` is deprecated');
    expect(refused({ error: 'all', exclude: ['LogTestResult'] })).toContain('`exclude` is deprecated: write `warn` instead');
  });

  it('warn is allowed beside Deprecations; include and exclude are read as error and warn, with a note; unknown keys are noted', () => {
    expect(parseWarnErrorOptions({ error: ['Deprecations'], warn: ['LogTestResult'] }).options).toEqual(o({ error: ['Deprecations'], warn: ['LogTestResult'] }));
    expect(parseWarnErrorOptions({ silence: ['Deprecations'], warn: ['LogTestResult'] }).options.warn).toEqual(['LogTestResult']);
    const old = parseWarnErrorOptions({ include: ['LogTestResult'] });
    expect(old.options).toEqual(o({ error: ['LogTestResult'] }));
    expect(old.notes).toEqual(['`include` is deprecated: write `error` instead (WEOIncludeExcludeDeprecation)']);
    // Silenced, the deprecation says nothing.
    expect(parseWarnErrorOptions({ include: ['LogTestResult'], silence: [DEPRECATION] }).notes).toEqual([]);
    expect(parseWarnErrorOptions({ error: 'all', errors: 'x' }).notes).toEqual(['ignored `errors` (dbt reads error, warn and silence)']);
  });
});
