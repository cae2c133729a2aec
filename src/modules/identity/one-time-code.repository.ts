import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { OneTimeCodePurpose } from './identity.tables.js';

export interface CodeRecord {
  id: number;
  userId: number;
  purpose: OneTimeCodePurpose;
  codeHash: string;
  attempts: number;
  expiresAt: Date;
}

export interface NewCode {
  userId: number;
  purpose: OneTimeCodePurpose;
  channel: 'sms' | 'email';
  recipient: string;
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
}

/** SQL for one_time_code. Every query here is served by index one_time_code_user or the primary key. */
export class OneTimeCodeRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly cipher: FieldCipher,
  ) {}

  async insert(code: NewCode): Promise<number> {
    const row = await this.db
      .insertInto('one_time_code')
      .values({
        user_id: code.userId,
        purpose: code.purpose,
        channel: code.channel,
        // Codes sent by SMS name a phone number: sealed (Decree 13/2023; the address is never read back).
        recipient: code.channel === 'sms' ? await this.cipher.seal(code.recipient) : code.recipient,
        code_hash: code.codeHash,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** How many codes were issued since `since`, and when the newest was (resend throttle). */
  async issuedSince(userId: number, purpose: OneTimeCodePurpose, since: Date): Promise<{ count: number; newest: Date | null }> {
    const row = await this.db
      .selectFrom('one_time_code')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('created_at').as('newest')])
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), newest: row.newest === null ? null : new Date(row.newest) };
  }

  /** The newest code for the purpose; only it can be used (issuing a code retires the earlier ones). */
  async newest(userId: number, purpose: OneTimeCodePurpose): Promise<(CodeRecord & { consumed: boolean }) | undefined> {
    const row = await this.db
      .selectFrom('one_time_code')
      .select(['id', 'user_id', 'purpose', 'code_hash', 'attempts', 'expires_at', 'consumed_at'])
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: Number(row.id),
      userId: row.user_id,
      purpose: row.purpose,
      codeHash: row.code_hash,
      attempts: row.attempts,
      expiresAt: new Date(row.expires_at),
      consumed: row.consumed_at !== null,
    };
  }

  /**
   * Spends one attempt, atomically: true when an attempt was left. Run it outside any transaction the caller may
   * roll back, or a wrong guess would not be counted.
   */
  async spendAttempt(id: number, maxAttempts: number): Promise<boolean> {
    const result = await this.db
      .updateTable('one_time_code')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('attempts', '<', maxAttempts)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Marks the code used; false when another request used it first. */
  async consume(id: number, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('one_time_code')
      .set({ consumed_at: at })
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
