/** Child process for the crash test: lands a lake into a DuckDB file one file per batch, printing a line per committed batch. */
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { landFiles } from '../src/land-files.ts';

const [lakeDir, path] = process.argv.slice(2) as [string, string];
const adapter = createDuckDbAdapter();
const session = await adapter.connect({ type: 'duckdb', name: 'crash', schema: 'main', threads: 1, path }, { projectDir: process.cwd() });
const conn = await session.acquire();
const r = await landFiles({ connection: conn, adapter }, { lakeDir, batchBytes: 1, onBatch: (b) => process.stdout.write(`batch ${b.topic} ${b.rows}\n`) });
process.stdout.write(`done ${JSON.stringify(r.counts)}\n`);
await session.close();
