import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';

/**
 * Retention: sessions past their absolute end and one-time codes expired for a day are of no use and are deleted;
 * so are security-key challenges past their expiry (a few rows at most: each new ceremony clears its account's).
 */
export async function purgeExpiredIdentityData(db: Kysely<Schema>, now: Date): Promise<{ sessions: number; codes: number }> {
  const sessions = await db.deleteFrom('session').where('expires_at', '<', now).executeTakeFirst();
  const codes = await db.deleteFrom('one_time_code').where('expires_at', '<', new Date(now.getTime() - 86_400_000)).executeTakeFirst();
  await db.deleteFrom('webauthn_challenge').where('expires_at', '<', now).execute();
  return { sessions: Number(sessions.numDeletedRows), codes: Number(codes.numDeletedRows) };
}
