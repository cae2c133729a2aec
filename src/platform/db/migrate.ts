import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

/** Plain SQL migrations, named `YYYYMMDDHHMM_what.sql`, frozen once landed; they never import application code. */
export const migrationsDir = fileURLToPath(new URL('../../../migrations/', import.meta.url));

// Any constant shared by every process: whoever holds it migrates, the others wait and then find nothing to do.
const MIGRATION_LOCK_KEY = 7_406_117_001;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export function listMigrations(dir = migrationsDir): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d{12}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
}

/**
 * Applies pending migrations in one transaction, under an advisory lock so several processes can start at once;
 * then reads (on first start: creates) the personal-data encryption keys, outside any transaction.
 */
export async function migrate(database: Database, dir = migrationsDir): Promise<MigrationResult> {
  const result = await applyMigrations(database, dir);
  if (dir === migrationsDir) await database.cipher.ready();
  return result;
}

async function applyMigrations(database: Database, dir: string): Promise<MigrationResult> {
  const files = listMigrations(dir);
  return database.scriptTransaction(async (exec, query) => {
    await query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await exec(`create table if not exists schema_migration (
      name text primary key,
      applied_at timestamptz not null default now()
    )`);
    const done = new Set((await query<{ name: string }>('select name from schema_migration')).map((r) => r.name));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      await exec(readFileSync(join(dir, file), 'utf8'));
      await query('insert into schema_migration (name) values ($1)', [file]);
      applied.push(file);
    }
    return { applied, alreadyApplied: done.size };
  });
}
