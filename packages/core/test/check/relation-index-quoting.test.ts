import { describe, expect, it } from 'vitest';
import { keyFnFor, RelationIndex } from '../../src/check/relation-index.ts';
import type { Relation } from '../../src/adapter.ts';
import type { GraphNode } from '../../src/types.ts';

/**
 * `sm check` finds the node a FROM name in compiled SQL reads. On Snowflake a part dbt's quoting
 * quotes is written as it is (`"STAGE"."m_rel"`, the project's `quoting: {identifier: true}`; a
 * source's `"RAW"."EVENTS"."tracks"`), which is another name than the upper-cased `"M_REL"`.
 */
const node = (uniqueId: string, relation: Relation) => ({ uniqueId, resourceType: 'model', config: {}, relation }) as unknown as GraphNode;
const id = (name: string) => ({ name, quoted: true, pos: 0 });

describe('RelationIndex under dbt quoting', () => {
  const nodes = [
    node('model.q.m_rel', { schema: 'stage', identifier: 'm_rel', quoted: { identifier: true } }),
    node('model.q.m_plain', { schema: 'stage', identifier: 'm_plain' }),
    node('model.q.m_sch', { schema: 'snaps', identifier: 'm_sch', quoted: { schema: true } }),
  ];

  it('Snowflake: a quoted part is looked up as written, the others upper-cased', () => {
    const idx = new RelationIndex(nodes, keyFnFor('snowflake'), 'stage', 'snowflake');
    expect([idx.lookup([id('STAGE'), id('m_rel')]), idx.lookup([id('STAGE'), id('M_REL')]), idx.lookup([id('STAGE'), id('M_PLAIN')]), idx.lookup([id('snaps'), id('M_SCH')]), idx.lookup([id('SNAPS'), id('M_SCH')])]).toEqual([
      'model.q.m_rel', undefined, 'model.q.m_plain', 'model.q.m_sch', undefined,
    ]);
  });

  it('DuckDB: names compare case-insensitively whatever the quoting', () => {
    const idx = new RelationIndex(nodes, keyFnFor('duckdb'), 'stage', 'duckdb');
    expect([idx.lookup([id('stage'), id('M_REL')]), idx.lookup([id('SNAPS'), id('m_sch')])]).toEqual(['model.q.m_rel', 'model.q.m_sch']);
  });
});
