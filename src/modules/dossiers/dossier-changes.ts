import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';

/**
 * "This dossier changed": the one signal every write to a dossier that the public can see must send (state, holder
 * agency, dates, public history). Copies of dossiers kept in memory — the public lookup's cache — listen to it.
 *
 * Call `dossierChanged(trx, code)` inside the transaction that changes the dossier, after the change:
 * - On PostgreSQL it runs `pg_notify('motcua_dossier_changed', code)`. PostgreSQL delivers the notification to every
 *   listening session of every web process when, and only when, the transaction commits (a rollback sends nothing).
 * - In this process it also tells the local listeners at once. On the embedded database that is the only delivery
 *   needed (one process owns the data directory, and its single session is held by the transaction, so no reader
 *   can read the dossier between this call and the commit).
 *
 * A new dossier needs no signal (nothing holds a copy of a code that did not exist); every later change does.
 */
export const DOSSIER_CHANGED_CHANNEL = 'motcua_dossier_changed';

type Listener = (code: string) => void;
const listeners = new Set<Listener>();

export async function dossierChanged(trx: Kysely<Schema> | Transaction<Schema>, code: string): Promise<void> {
  await sql`select pg_notify(${DOSSIER_CHANGED_CHANNEL}, ${code})`.execute(trx);
  for (const listener of listeners) listener(code);
}

/** Registers a listener for changes made by this process; returns the function that removes it. */
export function onLocalDossierChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
