import { describe, expect, it } from 'vitest';
import { checkFiles } from './check-fixture.ts';

const SEED = { 'seeds/s.csv': 'id,name\n1,a\n' };

/** Generated SQL (filters, IN lists, unions of many relations) is long and deep: checked without crashing, or said not to be. */
describe('sm check on generated SQL of thousands of terms', () => {
  it('reads an IN list of 100,000 values, an OR chain of 20,000 and a union of 5,000 selects, and still finds what is wrong in them', async () => {
    const inList = `select id from {{ ref('s') }} where id in (${Array.from({ length: 100_000 }, (_, i) => i).join(', ')})`;
    const ors = `select id from {{ ref('s') }} where ${Array.from({ length: 20_000 }, (_, i) => (i === 19_000 ? "id = 'x'" : `id = ${i}`)).join(' or ')}`;
    const unions = Array.from({ length: 5_000 }, (_, i) => (i === 4_000 ? "select 'x' as n" : `select ${i} as n`)).join(' union all ');
    const r = await checkFiles({ ...SEED, 'models/ins.sql': inList, 'models/ors.sql': ors, 'models/unions.sql': unions });
    expect(r.c!.check!.notChecked).toEqual([]);
    expect(r.diagnostics.map((d) => `${d.code} ${d.location?.file}`).sort()).toEqual(['SM_CHECK_TYPE_MISMATCH models/ors.sql', 'SM_CHECK_UNION_TYPE models/unions.sql']);
  });

  it('SQL nested deeper than the checker goes is not checked, with the reason, instead of stopping the command', async () => {
    const r = await checkFiles({ ...SEED, 'models/deep.sql': `select ${'('.repeat(30_000)}1${')'.repeat(30_000)} as x`, 'models/fine.sql': "select id from {{ ref('s') }}" });
    expect(r.diagnostics).toEqual([]);
    expect(r.c!.check!.notChecked.map((n) => [n.id, n.reason])).toEqual([['model.demo.deep', expect.stringMatching(/nests too deeply for the checker/)]]);
    expect(r.c!.check!.nodes.get('model.demo.fine')!.status).toBe('checked');
  });
});
