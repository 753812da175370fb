import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * The raw-SQL baseline as its own process, so GNU time measures its peak memory the same way
 * as sm's: `node bench/src/exec-sql.ts DB LIST.json`, where LIST.json is an array of SQL file
 * paths run in order on one connection.
 */
async function execSqlFiles(dbPath: string, listFile: string): Promise<void> {
  const files = JSON.parse(readFileSync(listFile, 'utf8')) as string[];
  const db = await DuckDBInstance.create(dbPath);
  const con = await db.connect();
  try {
    for (const f of files) {
      try {
        await con.run(readFileSync(f, 'utf8'));
      } catch (e) {
        throw new Error(`${f}: ${(e as Error).message}`);
      }
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

const [dbPath, listFile] = process.argv.slice(2);
if (!dbPath || !listFile) {
  console.error('usage: node bench/src/exec-sql.ts DB LIST.json');
  process.exitCode = 2;
} else {
  execSqlFiles(dbPath, listFile).catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
