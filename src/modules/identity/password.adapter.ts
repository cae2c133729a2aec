import { randomBytes, scrypt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { PasswordHashParams } from '../admin/index.js';

/** Changes an account's password; the recovery flow needs it. */
export interface PasswordSetter {
  setPassword(userId: number, password: string): Promise<void>;
}

/**
 * TEMPORARY adapter until the admin module's UsersService offers `setPassword(userId, password)`: writes
 * app_user.password_hash in the format UsersService verifies (`scrypt$N$r$p$salt$hash`, base64 salt of 16 bytes and
 * key of 32 bytes, password NFC-normalised). Replace it with `users.setPassword` then; nothing else changes.
 */
export class AppUserPasswordWriter implements PasswordSetter {
  private readonly params: PasswordHashParams;

  constructor(
    private readonly db: Kysely<Schema>,
    params?: PasswordHashParams,
  ) {
    // OWASP Password Storage Cheat Sheet, scrypt: N=2^15, r=8, p=3 (the admin module's default too).
    this.params = params ?? { N: 2 ** 15, r: 8, p: 3 };
  }

  async setPassword(userId: number, password: string): Promise<void> {
    const salt = randomBytes(16);
    const { N, r, p } = this.params;
    const key = await new Promise<Buffer>((resolve, reject) =>
      scrypt(password.normalize('NFC'), salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, derived) =>
        error ? reject(error) : resolve(derived),
      ),
    );
    const hash = ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
    await this.db.updateTable('app_user').set({ password_hash: hash }).where('id', '=', userId).execute();
  }
}
