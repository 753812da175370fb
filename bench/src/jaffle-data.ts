/**
 * jaffle-shop's two large seeds (raw_orders.csv, raw_items.csv), generated in jafgen's shape
 * when a checkout lacks them (a mirror may leave large files out): orders by the customers of
 * raw_customers.csv at the stores of raw_stores.csv after they opened, one to four items each
 * from raw_products.csv, subtotal, tax and total in cents. Seeded, so both tools load the same
 * bytes on every run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from './rng.ts';

function csv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').replace(/\r/g, '').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

/** Write raw_orders.csv and raw_items.csv into `dir` if absent; returns the files written. */
export function generateJaffleOrders(dir: string, orders = 8000): string[] {
  const ordersPath = join(dir, 'raw_orders.csv');
  const itemsPath = join(dir, 'raw_items.csv');
  if (existsSync(ordersPath) && existsSync(itemsPath)) return [];
  const rng = createRng(20240613);
  const customers = csv(join(dir, 'raw_customers.csv'));
  const stores = csv(join(dir, 'raw_stores.csv'));
  const products = csv(join(dir, 'raw_products.csv'));
  const uuid = () => {
    const h = () => Math.floor(rng.next() * 0x10000).toString(16).padStart(4, '0');
    return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
  };
  const start = Date.UTC(2016, 8, 1);
  const end = Date.UTC(2017, 8, 1);
  const orderLines = ['id,customer,ordered_at,store_id,subtotal,tax_paid,order_total'];
  const itemLines = ['id,order_id,sku'];
  for (let i = 0; i < orders; i++) {
    const store = stores[Math.floor(rng.next() * stores.length)]!;
    const opened = Date.parse(`${store.opened_at}Z`);
    const at = new Date(Math.max(opened, start) + Math.floor(rng.next() * (end - Math.max(opened, start)) / 60000) * 60000);
    const id = uuid();
    let subtotal = 0;
    const n = 1 + Math.floor(rng.next() * 4);
    for (let k = 0; k < n; k++) {
      const p = products[Math.floor(rng.next() * products.length)]!;
      subtotal += Number(p.price);
      itemLines.push(`${uuid()},${id},${p.sku}`);
    }
    const tax = Math.round(subtotal * Number(store.tax_rate));
    const customer = customers[Math.floor(rng.next() * customers.length)]!;
    orderLines.push(`${id},${customer.id},${at.toISOString().slice(0, 19)},${store.id},${subtotal},${tax},${subtotal + tax}`);
  }
  writeFileSync(ordersPath, `${orderLines.join('\n')}\n`);
  writeFileSync(itemsPath, `${itemLines.join('\n')}\n`);
  return ['raw_orders.csv', 'raw_items.csv'];
}
