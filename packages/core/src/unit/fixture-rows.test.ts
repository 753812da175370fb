import { describe, expect, it } from 'vitest';
import { inputColumns } from './fixture-rows.ts';

describe('inputColumns', () => {
  const real = [
    { name: 'user_id', type: 'INTEGER' },
    { name: 'valid_from', type: 'TIMESTAMP' },
  ];

  it('takes every column of the real relation with its type', () => {
    expect(inputColumns([{ USER_ID: 7 }], real, {})).toEqual([
      { name: 'user_id', type: 'INTEGER' },
      { name: 'valid_from', type: 'TIMESTAMP' },
    ]);
  });

  it('keeps a column the rows name that the relation lacks yet, typed from YAML or the values', () => {
    const rows = [{ user_id: 7, last_event_ts: '2026-11-02 15:00:00', note: 'x' }];
    expect(inputColumns(rows, real, { note: 'varchar(10)' })).toEqual([
      { name: 'user_id', type: 'INTEGER' },
      { name: 'valid_from', type: 'TIMESTAMP' },
      { name: 'last_event_ts', type: 'timestamp' },
      { name: 'note', type: 'varchar(10)' },
    ]);
  });

  it('without a relation, types what the rows and the YAML name', () => {
    expect(inputColumns([{ n: 1 }], undefined, { d: 'date' })).toEqual([
      { name: 'n', type: 'bigint' },
      { name: 'd', type: 'date' },
    ]);
  });
});
