import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { OneTimeCodePurpose } from './identity.tables.js';
import type { OneTimeCodeRepository } from './one-time-code.repository.js';

/**
 * One-time codes: 6 random digits, valid 5 minutes, 5 guesses, a new code at most once a minute and 5 an hour.
 * With 5 guesses per code and 5 codes per hour an attacker has 25 tries in 10^6 an hour (NIST SP 800-63B §5.1.3 and
 * §5.2.2 ask for rate limiting of exactly this kind). Codes are stored as HMAC-SHA256 under a server secret, so a
 * copy of the table does not reveal them and cannot be brute-forced offline without the secret.
 */
export const oneTimeCodePolicy = {
  digits: 6,
  ttlSeconds: 5 * 60,
  maxAttempts: 5,
  resendAfterSeconds: 60,
  maxPerHour: 5,
} as const;

export interface IssueInput {
  userId: number;
  purpose: OneTimeCodePurpose;
  channel: 'sms' | 'email';
  recipient: string;
}

export class OneTimeCodes {
  constructor(
    private readonly secret: string,
    private readonly now: () => Date,
  ) {}

  /**
   * Writes a new code through `codes` (the caller's transaction) and returns it for the message, or null when the
   * throttle says no. Callers do not tell the visitor which happened (that would reveal whether an account exists).
   */
  async issue(codes: OneTimeCodeRepository, input: IssueInput): Promise<string | null> {
    const now = this.now();
    const recent = await codes.issuedSince(input.userId, input.purpose, new Date(now.getTime() - 3600_000));
    if (recent.count >= oneTimeCodePolicy.maxPerHour) return null;
    if (recent.newest && now.getTime() - recent.newest.getTime() < oneTimeCodePolicy.resendAfterSeconds * 1000) return null;
    const code = randomInt(0, 10 ** oneTimeCodePolicy.digits).toString().padStart(oneTimeCodePolicy.digits, '0');
    await codes.insert({
      ...input,
      codeHash: this.hash(input.userId, input.purpose, code),
      createdAt: now,
      expiresAt: new Date(now.getTime() + oneTimeCodePolicy.ttlSeconds * 1000),
    });
    return code;
  }

  /**
   * True when `code` is the user's newest live code for the purpose, which is then used up. Each call spends an
   * attempt first, in its own statement: pass a repository on the database, not on a transaction that may roll back.
   */
  async check(codes: OneTimeCodeRepository, userId: number, purpose: OneTimeCodePurpose, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const newest = await codes.newest(userId, purpose);
    if (!newest || newest.consumed || newest.expiresAt.getTime() <= this.now().getTime()) return false;
    if (!(await codes.spendAttempt(newest.id, oneTimeCodePolicy.maxAttempts))) return false;
    const expected = Buffer.from(newest.codeHash, 'hex');
    const given = Buffer.from(this.hash(userId, purpose, code), 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    return codes.consume(newest.id, this.now());
  }

  private hash(userId: number, purpose: OneTimeCodePurpose, code: string): string {
    return createHmac('sha256', this.secret).update(`motcua-otp-v1:${purpose}:${userId}:${code}`).digest('hex');
  }
}
