import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database as Schema } from './schema.js';
import { demoDataEncryptionKeys } from '../config/config.js';
import { FieldCipher, OpenSealedSnapshotsPlugin, type MasterKey } from '../crypto/index.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PreparingClient } from './prepared.js';

export type DatabaseKind = 'embedded' | 'postgres';

/**
 * The database handle every module receives: a typed Kysely instance plus the few operations that need the
 * underlying session (running a migration script). The same SQL runs on both kinds.
 */
export interface Database {
  readonly kind: DatabaseKind;
  /** The PostgreSQL URL it was opened with ('' for the embedded one), for a connection of one's own (LISTEN). */
  readonly url: string;
  readonly db: Kysely<Schema>;
  /**
   * Encryption of personal data at rest with this database's keys (identity and phone numbers). Its keys are read
   * (or created) by `migrate` or on first use; repositories seal on write and open on read with it.
   */
  readonly cipher: FieldCipher;
  /** Runs `fn` on one session inside one transaction; `exec` runs multi-statement SQL scripts. */
  scriptTransaction<T>(fn: (exec: (script: string) => Promise<void>, query: ScriptQuery) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type ScriptQuery = <R>(text: string, params?: unknown[]) => Promise<R[]>;

export interface DatabaseOptions {
  /** PostgreSQL URL; empty selects the embedded database. */
  url: string;
  /** Folder of the embedded database; undefined keeps it in memory (tests). */
  dataDir?: string | undefined;
  poolSize?: number;
  /** Told about errors on idle pooled connections (logged by the caller). */
  onIdleError?: (error: Error) => void;
  /** Master keys of DATA_ENCRYPTION_KEYS (first current); default the public demo key (tests, tools). */
  masterKeys?: readonly MasterKey[];
}

/** How often a PostgreSQL process re-reads which data key is current (another process may have rotated it). */
const CURRENT_KEY_REFRESH_MS = 60_000;

// Timestamps and dates come back as strings we control, bigint counts as numbers (they fit: < 2^53).
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options) : openEmbedded(options);
}

async function openEmbedded(options: DatabaseOptions): Promise<Database> {
  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = join(options.dataDir, 'pgdata');
    mkdirSync(dataDir, { recursive: true });
  }
  // Extensions must be passed in the options object (TOOLS.md): a second positional argument drops them.
  const pglite = new PGlite({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm, unaccent } });
  await pglite.waitReady;
  let cipher: FieldCipher | undefined;
  const db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite), plugins: [new OpenSealedSnapshotsPlugin(() => cipher!)] });
  // One process, one session: keys never change behind its back, and a read during a transaction would wait for it.
  cipher = new FieldCipher(db.withoutPlugins(), options.masterKeys ?? demoDataEncryptionKeys, { refreshMs: 0 });
  return {
    kind: 'embedded',
    url: '',
    db,
    cipher,
    async scriptTransaction(fn) {
      // Take the dialect's single session so no other query interleaves with the script.
      return db.connection().execute(async () =>
        pglite.transaction(async (tx) =>
          fn(
            async (script) => {
              await tx.exec(script);
            },
            async (text, params) => (await tx.query(text, params ?? [])).rows as never[],
          ),
        ),
      );
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}

async function openPostgres(options: DatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // A process that freezes or loses its network mid-transaction must not hold locks (the dossier-code counter)
    // for everyone else: the server ends such a session after 15 s idle in a transaction, a statement waits at most
    // 10 s for a lock, and TCP keepalive notices a dead peer.
    options: '-c idle_in_transaction_session_timeout=15000 -c lock_timeout=10000',
    keepAlive: true,
    // Statements marked as hot are sent as named prepared statements (prepared.ts).
    Client: PreparingClient,
  });
  // An idle connection dropped by the server (restart, failover, a test dropping its database) must not crash the
  // process: the pool discards it and the next query opens a new one.
  pool.on('error', (error) => options.onIdleError?.(error));
  let cipher: FieldCipher | undefined;
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), plugins: [new OpenSealedSnapshotsPlugin(() => cipher!)] });
  cipher = new FieldCipher(db.withoutPlugins(), options.masterKeys ?? demoDataEncryptionKeys, { refreshMs: CURRENT_KEY_REFRESH_MS });
  return {
    kind: 'postgres',
    url: options.url,
    db,
    cipher,
    async scriptTransaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(
          async (script) => {
            await client.query(script);
          },
          async (text, params) => (await client.query(text, params ?? [])).rows,
        );
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
