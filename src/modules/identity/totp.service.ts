import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DomainError } from '../../platform/errors/errors.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { IdentityErrors } from './identity.errors.js';
import type { SignInLockout } from './lockout.js';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.js';

/**
 * Officers' second factor: enrolment of a TOTP authenticator, the code check at sign-in (with replay refusal and
 * the account lockout), and single-use recovery codes. Secrets are stored encrypted (AES-256-GCM, key derived from
 * the server secret); recovery codes as HMACs only.
 */
export type SecondFactorStatus = 'none' | 'pending' | 'confirmed';

export interface Enrolment {
  secret: string;
  /** otpauth:// URI for the QR code. */
  uri: string;
}

const recoveryCodeCount = 10;
// No 0/O, 1/l/i: codes are copied by hand.
const recoveryAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789';

function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function invalidCode(): DomainError {
  return new DomainError(IdentityErrors.secondFactorInvalid, { fields: [{ field: 'code', messageKey: 'identity.error.SECOND_FACTOR_INVALID' }] });
}

/** The account is locked until `until`; the message (on `field`) says for how many more minutes. */
export function lockedError(until: Date, now: Date, field = 'account'): DomainError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new DomainError(IdentityErrors.accountLocked, {
    params: { minutes },
    fields: [{ field, messageKey: 'identity.error.ACCOUNT_LOCKED', params: { minutes } }],
  });
}

export class SecondFactorService {
  private readonly key: Buffer;
  private readonly hmacKey: Buffer;
  private readonly now: () => Date;
  private readonly issuer: string;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly lockout: SignInLockout,
    options: { secret: string; issuer: string; now?: () => Date },
  ) {
    this.key = createHash('sha256').update(`motcua totp secret key\0${options.secret}`).digest();
    this.hmacKey = createHash('sha256').update(`motcua recovery code key\0${options.secret}`).digest();
    this.issuer = options.issuer;
    this.now = options.now ?? (() => new Date());
  }

  async status(userId: number): Promise<SecondFactorStatus> {
    const row = await this.db.selectFrom('totp_authenticator').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst();
    return !row ? 'none' : row.confirmed_at ? 'confirmed' : 'pending';
  }

  /**
   * The enrolment in progress for `userId` (started now when there is none). Refused when an authenticator is
   * already confirmed: replacing one needs the old one (or a recovery code) first.
   */
  async beginEnrolment(userId: number, accountName: string): Promise<Enrolment> {
    const row = await this.db.selectFrom('totp_authenticator').select(['secret_encrypted', 'confirmed_at']).where('user_id', '=', userId).executeTakeFirst();
    if (row?.confirmed_at) throw new DomainError(IdentityErrors.secondFactorExpired);
    let secret: string;
    if (row) secret = this.decrypt(row.secret_encrypted);
    else {
      secret = newTotpSecret();
      await this.db
        .insertInto('totp_authenticator')
        .values({ user_id: userId, secret_encrypted: this.encrypt(secret), created_at: this.now(), confirmed_at: null, last_used_step: null })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      // A concurrent request may have inserted first: read back what is stored.
      const stored = await this.db.selectFrom('totp_authenticator').select('secret_encrypted').where('user_id', '=', userId).executeTakeFirstOrThrow();
      secret = this.decrypt(stored.secret_encrypted);
    }
    return { secret, uri: otpauthUri(secret, accountName, this.issuer) };
  }

  /** Confirms the enrolment with a first code; returns fresh recovery codes (shown once). */
  async confirmEnrolment(userId: number, code: string): Promise<string[]> {
    const now = this.now();
    await this.refuseWhenLocked(userId, now);
    const row = await this.db.selectFrom('totp_authenticator').select(['secret_encrypted', 'confirmed_at']).where('user_id', '=', userId).executeTakeFirst();
    if (!row || row.confirmed_at) throw new DomainError(IdentityErrors.secondFactorExpired);
    const step = matchTotp(this.decrypt(row.secret_encrypted), code, now, null);
    if (step === null) {
      await this.lockout.recordFailure(userId, now);
      throw invalidCode();
    }
    const codes = await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('totp_authenticator').set({ confirmed_at: now, last_used_step: step }).where('user_id', '=', userId).execute();
      return this.replaceRecoveryCodes(trx, userId, now);
    });
    await this.lockout.recordSuccess(userId);
    return codes;
  }

  /**
   * Checks a sign-in's second factor: a TOTP code of a step not used before, or an unused recovery code (which is
   * then spent). Failures count towards the account lockout; success clears it. Returns what was used.
   */
  async verify(userId: number, code: string): Promise<'totp' | 'recovery'> {
    const now = this.now();
    await this.refuseWhenLocked(userId, now);
    const row = await this.db
      .selectFrom('totp_authenticator')
      .select(['secret_encrypted', 'confirmed_at', 'last_used_step'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row?.confirmed_at) throw new DomainError(IdentityErrors.secondFactorExpired);
    const last = row.last_used_step === null ? null : Number(row.last_used_step);
    const step = matchTotp(this.decrypt(row.secret_encrypted), code, now, last);
    if (step !== null) {
      // Compare-and-set: of two requests with the same code, one wins.
      const updated = await this.db
        .updateTable('totp_authenticator')
        .set({ last_used_step: step })
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) {
        await this.lockout.recordSuccess(userId);
        return 'totp';
      }
    } else if (normaliseRecoveryCode(code).length === 10) {
      const spent = await this.db
        .updateTable('recovery_code')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('code_hash', '=', this.recoveryHash(code))
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) === 1) {
        await this.lockout.recordSuccess(userId);
        return 'recovery';
      }
    }
    const until = await this.lockout.recordFailure(userId, now);
    if (until) throw lockedError(until, now, 'code');
    throw invalidCode();
  }

  /** Unused recovery codes left. */
  async recoveryCodesLeft(userId: number): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_code')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** New recovery codes for an enrolled officer (the old ones stop working); shown once. */
  async regenerateRecoveryCodes(userId: number): Promise<string[]> {
    if ((await this.status(userId)) !== 'confirmed') throw new DomainError(IdentityErrors.secondFactorExpired);
    return this.db.transaction().execute((trx) => this.replaceRecoveryCodes(trx, userId, this.now()));
  }

  /** Seeds a confirmed authenticator with a known secret (demo officers; tests). */
  async enrolWithSecret(userId: number, secret: string): Promise<void> {
    const now = this.now();
    await this.db
      .insertInto('totp_authenticator')
      .values({ user_id: userId, secret_encrypted: this.encrypt(secret), created_at: now, confirmed_at: now, last_used_step: null })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret_encrypted: this.encrypt(secret), confirmed_at: now, last_used_step: null }))
      .execute();
  }

  private async refuseWhenLocked(userId: number, now: Date): Promise<void> {
    const until = await this.lockout.lockedUntil(userId, now);
    if (until) throw lockedError(until, now, 'code');
  }

  private async replaceRecoveryCodes(db: Kysely<Schema>, userId: number, now: Date): Promise<string[]> {
    const codes = Array.from({ length: recoveryCodeCount }, () => {
      const chars = Array.from({ length: 10 }, () => recoveryAlphabet[randomInt(recoveryAlphabet.length)]).join('');
      return `${chars.slice(0, 5)}-${chars.slice(5)}`;
    });
    await db.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
    await db
      .insertInto('recovery_code')
      .values(codes.map((code) => ({ user_id: userId, code_hash: this.recoveryHash(code), created_at: now, used_at: null })))
      .execute();
    return codes;
  }

  private recoveryHash(code: string): string {
    return createHmac('sha256', this.hmacKey).update(normaliseRecoveryCode(code)).digest('hex');
  }

  private encrypt(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
  }

  private decrypt(stored: string): string {
    const [iv, tag, data] = stored.split('.').map((part) => Buffer.from(part, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
  }
}

