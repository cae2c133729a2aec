import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from './database.js';
import { migrate } from './migrate.js';

/**
 * A fresh, migrated database for one test file: in-memory PGlite when DATABASE_URL is unset, otherwise a new
 * database created on the PostgreSQL server DATABASE_URL points at (dropped again on close). The same tests
 * therefore run on both kinds; CI runs them once each way.
 */
export async function openTestDatabase(): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL ?? '';
  if (!serverUrl) {
    const database = await openDatabase({ url: '' });
    await migrate(database);
    return database;
  }
  const name = `motcua_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 5 });
  await migrate(database);
  return {
    ...database,
    async close() {
      await database.close();
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
