import { sql, type Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';

/**
 * Account lockout with exponential backoff (OWASP Authentication Cheat Sheet, NIST SP 800-63B §5.2.2): the first
 * `threshold` failures cost nothing; each further failure locks the account for `baseSeconds`, doubling each time
 * up to `maxSeconds`. Counted per account in the database (table sign_in_failure), so every web process agrees;
 * the per-address rate limit of the routes stops one client trying many accounts. A quiet day forgets the count.
 */
export interface LockoutPolicy {
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
}

export const defaultLockoutPolicy: LockoutPolicy = { threshold: 5, baseSeconds: 30, maxSeconds: 3600 };

/** How long the failure that brought the count to `failures` locks the account, in seconds (0: not locked). */
export function lockSeconds(failures: number, policy: LockoutPolicy): number {
  if (failures <= policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold - 1, 30);
  return Math.min(policy.baseSeconds * 2 ** doublings, policy.maxSeconds);
}

export class SignInLockout {
  constructor(
    private readonly db: Kysely<Schema>,
    readonly policy: LockoutPolicy = defaultLockoutPolicy,
  ) {}

  /** When the account's lock ends, or null when it is not locked at `now`. Served by the primary key. */
  async lockedUntil(userId: number, now: Date): Promise<Date | null> {
    const row = await this.db.selectFrom('sign_in_failure').select('locked_until').where('user_id', '=', userId).executeTakeFirst();
    if (!row?.locked_until) return null;
    const until = new Date(row.locked_until);
    return until.getTime() > now.getTime() ? until : null;
  }

  /**
   * Counts a failure (one atomic upsert, safe under concurrent attempts) and returns the lock it caused, if any.
   * A count whose last failure is more than a day old starts again from one.
   */
  async recordFailure(userId: number, now: Date): Promise<Date | null> {
    const forgetBefore = new Date(now.getTime() - 86_400_000);
    const row = await this.db
      .insertInto('sign_in_failure')
      .values({ user_id: userId, failures: 1, last_failed_at: now, locked_until: null })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({
          failures: sql<number>`case when sign_in_failure.last_failed_at < ${forgetBefore} then 1 else sign_in_failure.failures + 1 end`,
          last_failed_at: now,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    const seconds = lockSeconds(row.failures, this.policy);
    if (seconds === 0) return null;
    const until = new Date(now.getTime() + seconds * 1000);
    // Never shorten a lock another process set a moment ago.
    await this.db
      .updateTable('sign_in_failure')
      .set({ locked_until: until })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', until)]))
      .execute();
    return until;
  }

  /** A complete sign-in forgets the failures. */
  async recordSuccess(userId: number): Promise<void> {
    await this.db.deleteFrom('sign_in_failure').where('user_id', '=', userId).execute();
  }
}
