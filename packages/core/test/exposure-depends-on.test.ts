import { describe, expect, it } from 'vitest';
import { parseDependsOn } from '../src/project/exposure-nodes.ts';

describe('exposures (pure)', () => {
  it('reads ref() and source() calls as dbt writes them', () => {
    expect(parseDependsOn("ref('a')")).toEqual({ fn: 'ref', args: ['a'], kwargs: {} });
    expect(parseDependsOn(' ref( "pkg" , "a", v=2 ) ')).toEqual({ fn: 'ref', args: ['pkg', 'a'], kwargs: { v: '2' } });
    expect(parseDependsOn("source('s', 't')")).toEqual({ fn: 'source', args: ['s', 't'], kwargs: {} });
    expect(parseDependsOn('a')).toBeUndefined();
    expect(parseDependsOn("ref(a)")).toBeUndefined();
  });
});
