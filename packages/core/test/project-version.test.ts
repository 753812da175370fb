import { describe, expect, it } from 'vitest';
import { projectVersionProblem } from '../src/project/project-file.ts';

// What dbt-core 1.11.16 answered to `dbt parse` with each `version:` line (exit 0 or 2), 6 Dec 2026.
const RECORDED: [yamlValue: unknown, raw: string, dbtExit: 0 | 2][] = [
  ['1', "'1'", 2],
  ['1.0', "'1.0'", 0],
  [1, '1', 2],
  [1, '1.0', 0],
  [2, '2', 2],
  ['1.0.0', "'1.0.0'", 0],
  ['abc', "'abc'", 2],
  ['1.0.0-rc1', "'1.0.0-rc1'", 0],
  ['1.0.0-rc.1', "'1.0.0-rc.1'", 0],
  ['1.0.0+build', "'1.0.0+build'", 0],
  ['v1.0.0', "'v1.0.0'", 2],
  ['01.0.0', "'01.0.0'", 2],
  ['1.2.3.4', "'1.2.3.4'", 2],
  ['0.0.1', "'0.0.1'", 0],
  ['10.2', "'10.2'", 0],
  [null, 'null', 0],
];

describe("a project file's version, as dbt 1.11 takes it", () => {
  it.each(RECORDED)('version: %s (written %s) -> dbt exit %s', (value, raw, dbtExit) => {
    expect(projectVersionProblem(value, raw) === undefined ? 0 : 2).toBe(dbtExit);
  });
  it('names what to write instead', () => {
    expect(projectVersionProblem(3, '3')).toBe("3 is an integer, which dbt does not take as a version: write '3.0.0'");
    expect(projectVersionProblem(['1'], undefined)).toBe("must be a version such as '1.0.0', not a list");
  });
});
