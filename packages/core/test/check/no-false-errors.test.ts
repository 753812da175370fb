import { describe, expect, it } from 'vitest';
import { checkSql } from '../../src/check/check-sql.ts';
import type { TableRef } from '../../src/check/infer/infer-env.ts';
import { NO_LINEAGE } from '../../src/check/infer/shape.ts';
import { keyFnFor } from '../../src/check/relation-index.ts';
import type { Ident } from '../../src/check/sql/ast.ts';
import type { SqlDialectName } from '../../src/check/sql/lexer.ts';
import { typeFromString } from '../../src/check/types/type-from-name.ts';

/** Tables every query below may read. */
const TABLES: Record<string, [string, string][]> = {
  orders: [['id', 'integer'], ['customer_id', 'integer'], ['amount', 'decimal(12,2)'], ['ordered_at', 'timestamp'], ['status', 'varchar'], ['paid', 'boolean'], ['tags', 'varchar[]'], ['payload', 'json']],
  customers: [['id', 'integer'], ['name', 'varchar'], ['created_on', 'date'], ['address', 'struct(city varchar, zip varchar)']],
  events: [['id', 'integer'], ['arr', 'variant'], ['v', 'variant']],
};

function tables(dialect: SqlDialectName) {
  const key = keyFnFor(dialect);
  return (parts: readonly Ident[]): TableRef | undefined => {
    const name = parts[parts.length - 1]!.name.toLowerCase();
    const cols = TABLES[name];
    if (!cols) return undefined;
    return { label: name, shape: { open: false, cols: cols.map(([n, t]) => ({ name: n, key: key(n, false), type: typeFromString(t, dialect), lineage: NO_LINEAGE })) } };
  };
}

/** Valid SQL of the kinds dbt projects write: the checker must read each and report nothing. */
const BOTH = [
  'select o.id, (select max(c.created_on) from customers c where c.id = o.customer_id) as last from orders o',
  'select status, count(*) as n from orders group by status having n > 1 order by n desc',
  'select status as s, count(*) from orders group by s',
  'select id, row_number() over (partition by customer_id order by ordered_at) as rn from orders qualify rn = 1',
  'select id, customer_id from orders o join customers c using (id)',
  'select * from orders o join customers c using (id)',
  'select id, name from orders natural join customers',
  'with recursive n (i) as (select 1 union all select i + 1 from n where i < 10) select i from n',
  'select count(*) filter (where paid) as paid_orders, sum(amount) as total from orders',
  'select id from orders order by 1',
  'select customer_id, status, count(*) from orders group by 1, 2',
  "select case when amount > 100 then 'big' end as size from orders",
  "select id from orders where ordered_at >= '2024-01-01' and id = '5' and amount > 0",
  'select coalesce(amount, 0) as amount from orders',
  "select id, null as note from orders union all select id, 'x' from customers",
  'select id from orders order by ordered_at',
  'select a.id, b.id as other from orders a join orders b on a.customer_id = b.customer_id and a.id < b.id',
  'select x.id from (select id from orders) x where x.id in (select id from customers)',
  'select o.id from orders o where exists (select 1 from customers c where c.id = o.customer_id)',
  'select orders.id from orders, customers where orders.customer_id = customers.id',
  'select t.rn from (select row_number() over (order by id) as rn from orders) t',
  'select amount * 2 as double_amount, double_amount + 1 as plus_one from orders',
  'select "ID" from orders',
  'select id from orders where status in (select status from orders group by status)',
  'select c.address.city from customers c',
  'select id from orders where customer_id between 1 and 10 and status like \'a%\'',
  "select date_trunc('day', ordered_at) as day, count(*) from orders group by 1",
  'select id, lag(amount) over (order by ordered_at) as previous from orders',
  'select cast(id as varchar) || status as label from orders',
  'with a as (select id from orders), b as (select id from a) select * from b',
  'select distinct status from orders',
  'select o.* from orders o',
  'select 1',
  "select * from (values (1, 'a'), (2, 'b')) v (n, s)",
  'select sum(amount) over (partition by customer_id) / sum(amount) over () as share from orders',
  'select paid = true, id = 1.0, paid = 1 from orders',
];

const DUCKDB = [
  'select * exclude (payload, tags) from orders',
  'select * replace (amount * 100 as amount) from orders',
  "select payload->>'$.city' as city, payload->'a' as a from orders",
  'select unnest(tags) as tag from orders',
  'select id, t.tag from orders, unnest(tags) as t(tag)',
  'select list_transform(tags, x -> upper(x)) from orders',
  'select id from orders order by all',
  'select status, count(*) from orders group by all',
  'from orders select id where paid',
  'select distinct on (customer_id) customer_id, id from orders order by customer_id, ordered_at desc',
  "select columns('^amount|id$') from orders",
  'select max(columns(*)) from customers',
  "select id from orders where ordered_at > current_date - interval '7 days'",
  'select r.range as n from range(3) r',
  'select customers as whole from customers',
  'select address.*, x.* from customers, (select address as a from customers) y, (select {\'k\': 1} as x)',
];

const SNOWFLAKE = [
  'select f.value:id::int as item_id, e.v:name::string as name from events e, lateral flatten(input => e.arr) f',
  "select iff(paid, 'yes', 'no') as p, dateadd(day, 1, ordered_at), datediff('day', ordered_at, current_timestamp) from orders",
  'select id from orders qualify row_number() over (partition by customer_id order by ordered_at desc) = 1',
  'select seq4() as i from table(generator(rowcount => 5))',
  'select id from orders minus select id from customers',
  "select * ilike '%id' from orders",
  "select object_construct('a', 1) as o, array_size(split(status, ',')) as n from orders",
  'select top 5 id from orders',
];

function clean(sql: string, dialect: SqlDialectName): void {
  const r = checkSql(sql, dialect, keyFnFor(dialect), tables(dialect));
  expect(r.notChecked?.reason, `${dialect}: ${sql}`).toBeUndefined();
  expect(r.issues.map((i) => i.message), `${dialect}: ${sql}`).toEqual([]);
}

describe('no false errors on valid SQL', () => {
  it('shared by both dialects', () => {
    for (const sql of BOTH) {
      clean(sql, 'duckdb');
      clean(sql, 'snowflake');
    }
  });
  it('DuckDB', () => {
    for (const sql of DUCKDB) clean(sql, 'duckdb');
  });
  it('Snowflake', () => {
    for (const sql of SNOWFLAKE) clean(sql, 'snowflake');
  });
});
