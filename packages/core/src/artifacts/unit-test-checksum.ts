import { createHash } from 'node:crypto';
import type { UnitTestNode } from '../types.ts';
import { pythonRepr as pyRepr } from '../util/py-repr.ts';

/**
 * The `checksum` dbt 1.11 writes for a unit test: sha256 of the Python text of its model,
 * versions, fixtures and overrides (`build_unit_test_checksum`, dataclass reprs included). A whole
 * number written as a float in YAML (`5.0`) reads as a number here, so it hashes as `5` where dbt
 * hashes `5.0`; every other value gives dbt's text.
 */
export function dbtUnitTestChecksum(u: Pick<UnitTestNode, 'model' | 'given' | 'expect' | 'overrides'>): string {
  const fmt = (f: string | undefined) => {
    const v = f ?? 'dict';
    return `<UnitTestFormat.${v === 'csv' ? 'CSV' : v === 'sql' ? 'SQL' : 'Dict'}: ${pyRepr(v)}>`;
  };
  const given = `[${u.given.map((g) => `UnitTestInputFixture(input=${pyRepr(g.input)}, rows=${pyRepr(g.rows)}, format=${fmt(g.format)}, fixture=${pyRepr(g.fixture ?? null)})`).join(', ')}]`;
  const expect = `UnitTestOutputFixture(rows=${pyRepr(u.expect.rows)}, format=${fmt(u.expect.format)}, fixture=${pyRepr(u.expect.fixture ?? null)})`;
  const o = u.overrides;
  const overrides = o ? `UnitTestOverrides(macros=${pyRepr(o.macros ?? {})}, vars=${pyRepr(o.vars ?? {})}, env_vars=${pyRepr(o.env_vars ?? {})})` : 'None';
  return createHash('sha256').update(`${u.model}-None-${given}-${expect}-${overrides}`).digest('hex');
}
