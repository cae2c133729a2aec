import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';

/** An officer's registered security key (WebAuthn credential), as the service needs it. */
export interface SecurityKeyRow {
  id: number;
  userId: number;
  /** base64url. */
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  signCount: number;
  transports: string[];
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type ChallengePurpose = 'registration' | 'authentication';

export interface NewSecurityKey {
  userId: number;
  credentialId: string;
  publicKey: Uint8Array;
  signCount: number;
  transports: string[];
  name: string;
  createdAt: Date;
}

function toRow(r: {
  id: number | string;
  user_id: number;
  credential_id: string;
  public_key: Uint8Array;
  sign_count: string | number;
  transports: string[] | string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}): SecurityKeyRow {
  return {
    id: Number(r.id),
    userId: r.user_id,
    credentialId: r.credential_id,
    publicKey: new Uint8Array(r.public_key),
    signCount: Number(r.sign_count),
    transports: typeof r.transports === 'string' ? (JSON.parse(r.transports) as string[]) : r.transports,
    name: r.name,
    createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  };
}

/** Open challenges an account may hold per purpose (the oldest is forgotten when another is made). */
export const openChallenges = 5;

const columns = ['id', 'user_id', 'credential_id', 'public_key', 'sign_count', 'transports', 'name', 'created_at', 'last_used_at'] as const;

/** The SQL of officers' security keys and of their ceremonies' challenges (tables in 202611241000_security_keys.sql). */
export class SecurityKeyRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** The keys of one account, oldest first. Served by webauthn_credential_by_user. */
  async listByUser(userId: number): Promise<SecurityKeyRow[]> {
    const rows = await this.db.selectFrom('webauthn_credential').select(columns).where('user_id', '=', userId).orderBy('id').execute();
    return rows.map(toRow);
  }

  /** The key an assertion names, whoever holds it. Served by webauthn_credential_by_credential_id. */
  async findByCredentialId(credentialId: string): Promise<SecurityKeyRow | null> {
    const row = await this.db.selectFrom('webauthn_credential').select(columns).where('credential_id', '=', credentialId).executeTakeFirst();
    return row ? toRow(row) : null;
  }

  /** Stores a new key; null when the credential id is registered already (unique index). */
  async insert(key: NewSecurityKey): Promise<number | null> {
    const row = await this.db
      .insertInto('webauthn_credential')
      .values({
        user_id: key.userId,
        credential_id: key.credentialId,
        public_key: Buffer.from(key.publicKey),
        sign_count: key.signCount,
        transports: JSON.stringify(key.transports),
        name: key.name,
        created_at: key.createdAt,
        last_used_at: null,
      })
      .onConflict((oc) => oc.column('credential_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row ? Number(row.id) : null;
  }

  /** Deletes one key of one account; returns its name and credential id, or null when it is not theirs. */
  async delete(userId: number, id: number): Promise<{ name: string; credentialId: string } | null> {
    const row = await this.db
      .deleteFrom('webauthn_credential')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returning(['name', 'credential_id'])
      .executeTakeFirst();
    return row ? { name: row.name, credentialId: row.credential_id } : null;
  }

  /**
   * Records a use: the new signature counter and the time, only if the stored counter is still the one the
   * assertion was checked against (compare-and-set: of two concurrent assertions with one counter, one wins).
   */
  async recordUse(id: number, expectedCount: number, newCount: number, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('webauthn_credential')
      .set({ sign_count: newCount, last_used_at: at })
      .where('id', '=', id)
      .where('sign_count', '=', expectedCount)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Stores a challenge for one ceremony, forgetting the account's expired ones and, of its open ones for this
   * purpose, all but the newest `openChallenges - 1`: every view of the pages that offer a key makes one (the pages
   * are read without a rate limit), so an account holds a few at most — enough for a ceremony in each of a few tabs.
   * Served by webauthn_challenge_by_user.
   */
  async saveChallenge(userId: number, purpose: ChallengePurpose, challenge: string, expiresAt: Date, now: Date): Promise<void> {
    await this.db
      .deleteFrom('webauthn_challenge')
      .where('user_id', '=', userId)
      .where((eb) =>
        eb.or([
          eb('expires_at', '<', now),
          eb(
            'challenge',
            'in',
            eb
              .selectFrom('webauthn_challenge')
              .select('challenge')
              .where('user_id', '=', userId)
              .where('purpose', '=', purpose)
              .orderBy('expires_at', 'desc')
              .offset(openChallenges - 1),
          ),
        ]),
      )
      .execute();
    await this.db.insertInto('webauthn_challenge').values({ challenge, user_id: userId, purpose, expires_at: expiresAt }).execute();
  }

  /**
   * Takes (deletes) a challenge given to this account for this purpose; true when it existed and had not expired.
   * One statement, so a challenge is taken once however many requests carry it.
   */
  async takeChallenge(userId: number, purpose: ChallengePurpose, challenge: string, now: Date): Promise<boolean> {
    const row = await this.db
      .deleteFrom('webauthn_challenge')
      .where('challenge', '=', challenge)
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .returning('expires_at')
      .executeTakeFirst();
    return row !== undefined && new Date(row.expires_at).getTime() > now.getTime();
  }
}
