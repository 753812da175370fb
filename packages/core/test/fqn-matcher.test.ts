import { describe, expect, it } from 'vitest';
import { fqnMatcher, fqnSelectsByParts } from '../src/select/fqn-match.ts';

/**
 * `-s name` is matched against every node of the project, so the fqn matcher answers the common
 * selector (no dot, no wildcard) on an unversioned node without building arrays. That answer must
 * be the general rule's for every fqn, including parts with dots and names that are also folders
 * or the package.
 */
describe('the fqn matcher', () => {
  const words = ['pkg', 'staging', 'a', 'b', 'a.b', 'stg', 'a_b', 'x.y.z', ''];
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };

  it('gives the general rule’s answer for simple selectors on unversioned nodes', () => {
    let matched = 0;
    for (let i = 0; i < 5000; i++) {
      const fqn = Array.from({ length: rand(5) }, () => words[rand(words.length)]!);
      const selector = ['pkg', 'staging', 'a', 'b', 'stg', 'a_b', 'x'][rand(7)]!;
      const quick = fqnMatcher(selector)(fqn, false);
      expect(quick, `${selector} on ${JSON.stringify(fqn)}`).toBe(fqnSelectsByParts(fqn, selector, false));
      if (quick) matched++;
    }
    // Both answers occur, so the comparison covered each.
    expect(matched).toBeGreaterThan(500);
    expect(matched).toBeLessThan(4500);
  });

  it('selects by leaf, package or first folder, and not by a later folder', () => {
    const fqn = ['pkg', 'staging', 'src', 'stg_orders'];
    expect(fqnMatcher('stg_orders')(fqn, false)).toBe(true);
    expect(fqnMatcher('pkg')(fqn, false)).toBe(true);
    expect(fqnMatcher('staging')(fqn, false)).toBe(true);
    expect(fqnMatcher('src')(fqn, false)).toBe(false);
    expect(fqnMatcher('stg')(fqn, false)).toBe(false);
    // A part with a dot is read as its pieces: `a.b` as a first folder is selected by `a`.
    expect(fqnMatcher('a')(['pkg', 'a.b', 'm'], false)).toBe(true);
  });
});
