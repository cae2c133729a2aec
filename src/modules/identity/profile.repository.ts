import { sql, type Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { Sex } from './personal-id.js';

/** A profile row as the services see it; the birth date stays the YYYY-MM-DD string it was typed as. */
export interface ProfileRecord {
  userId: number;
  personalId: string | null;
  fullName: string;
  birthDate: string | null;
  sex: Sex | null;
  provinceCode: string | null;
  communeCode: string | null;
  addressLine: string | null;
  phone: string | null;
  email: string | null;
  contactVerifiedAt: Date | null;
  /** When an identity provider vouched for personal id, name, birth date and sex (then locked); null if never. */
  identityVerifiedAt: Date | null;
  identityVerifiedBy: string | null;
}

export type ProfileFields = Omit<ProfileRecord, 'userId' | 'contactVerifiedAt' | 'identityVerifiedAt' | 'identityVerifiedBy'>;

/** The facts an identity provider vouches for. */
export interface VerifiedIdentityFields {
  personalId: string;
  fullName: string;
  birthDate: string | null;
  sex: 'male' | 'female' | null;
  phone: string | null;
  email: string | null;
}

export interface ConsentRecord {
  userId: number;
  purpose: string;
  noticeVersion: string;
  givenAt: Date;
  ip: string | null;
}

/**
 * SQL for citizen_profile and consent. Pass a transaction to combine calls atomically. The identity number and
 * the phone are sealed here on write (with their blind indexes) and opened on read: services see plaintext.
 */
export class ProfileRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly cipher: FieldCipher,
  ) {}

  /** Served by the primary key. */
  async find(userId: number): Promise<ProfileRecord | undefined> {
    const row = await this.db
      .selectFrom('citizen_profile')
      .select([
        'user_id',
        'personal_id',
        'full_name',
        sql<string | null>`to_char(birth_date, 'YYYY-MM-DD')`.as('birth_date'),
        'sex',
        'province_code',
        'commune_code',
        'address_line',
        'phone',
        'email',
        'contact_verified_at',
        'identity_verified_at',
        'identity_verified_by',
      ])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      userId: row.user_id,
      personalId: await this.cipher.openOptional(row.personal_id),
      fullName: row.full_name,
      birthDate: row.birth_date,
      sex: row.sex,
      provinceCode: row.province_code,
      communeCode: row.commune_code,
      addressLine: row.address_line,
      phone: await this.cipher.openOptional(row.phone),
      email: row.email,
      contactVerifiedAt: row.contact_verified_at === null ? null : new Date(row.contact_verified_at),
      identityVerifiedAt: row.identity_verified_at === null ? null : new Date(row.identity_verified_at),
      identityVerifiedBy: row.identity_verified_by,
    };
  }

  /** A new profile; `contactVerifiedAt` null marks a registration still waiting for its code. */
  async insert(userId: number, fields: ProfileFields, contactVerifiedAt: Date | null, now: Date): Promise<void> {
    await this.db
      .insertInto('citizen_profile')
      .values({ user_id: userId, ...(await this.columnsOf(fields)), contact_verified_at: contactVerifiedAt, updated_at: now })
      .execute();
  }

  /**
   * Saves the fields, creating the row when the account had none (an account made by an administrator, which
   * counts as verified: `contactVerifiedAt` is then set). An existing row keeps its verification time.
   */
  async save(userId: number, fields: ProfileFields, now: Date): Promise<void> {
    const columns = await this.columnsOf(fields);
    await this.db
      .insertInto('citizen_profile')
      .values({ user_id: userId, ...columns, contact_verified_at: now, updated_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...columns, updated_at: now }))
      .execute();
  }

  /**
   * Writes what an identity provider vouched for and marks it verified, creating the profile when there is none.
   * The phone and e-mail fill only empty fields: the citizen's own contact details are never overwritten.
   */
  async applyVerifiedIdentity(userId: number, fields: VerifiedIdentityFields, provider: string, now: Date): Promise<void> {
    const verified = {
      personal_id: await this.cipher.seal(fields.personalId),
      personal_id_index: await this.cipher.blindIndex('personalId', fields.personalId),
      full_name: fields.fullName,
      birth_date: fields.birthDate,
      sex: fields.sex,
      identity_verified_at: now,
      identity_verified_by: provider,
      updated_at: now,
    };
    await this.db
      .insertInto('citizen_profile')
      .values({
        user_id: userId,
        ...verified,
        phone: await this.cipher.sealOptional(fields.phone),
        phone_index: await this.cipher.blindIndex('phone', fields.phone),
        email: fields.email,
        contact_verified_at: now,
      })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({
          ...verified,
          phone: sql<string | null>`coalesce(citizen_profile.phone, excluded.phone)`,
          phone_index: sql<string | null>`case when citizen_profile.phone is null then excluded.phone_index else citizen_profile.phone_index end`,
          email: sql<string | null>`coalesce(citizen_profile.email, excluded.email)`,
        }),
      )
      .execute();
  }

  /** Marks the registration contact as proven; false when it already was (or there is no row). */
  async markContactVerified(userId: number, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('citizen_profile')
      .set({ contact_verified_at: at })
      .where('user_id', '=', userId)
      .where('contact_verified_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The stored columns of the fields: identity number and phone sealed, with their blind indexes. */
  private async columnsOf(fields: ProfileFields) {
    return {
      ...columnsOf(fields),
      personal_id: await this.cipher.sealOptional(fields.personalId),
      personal_id_index: await this.cipher.blindIndex('personalId', fields.personalId),
      phone: await this.cipher.sealOptional(fields.phone),
      phone_index: await this.cipher.blindIndex('phone', fields.phone),
    };
  }

  async insertConsent(consent: ConsentRecord): Promise<void> {
    await this.db
      .insertInto('consent')
      .values({
        user_id: consent.userId,
        purpose: consent.purpose,
        notice_version: consent.noticeVersion,
        given_at: consent.givenAt,
        ip: consent.ip,
      })
      .execute();
  }

  /** The consent in force (not withdrawn) for a purpose, newest first; served by index consent_user. */
  async currentConsent(userId: number, purpose: string): Promise<ConsentRecord | undefined> {
    const row = await this.db
      .selectFrom('consent')
      .select(['user_id', 'purpose', 'notice_version', 'given_at', 'ip'])
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('withdrawn_at', 'is', null)
      .orderBy('given_at', 'desc')
      .executeTakeFirst();
    if (!row) return undefined;
    return { userId: row.user_id, purpose: row.purpose, noticeVersion: row.notice_version, givenAt: new Date(row.given_at), ip: row.ip };
  }
}

function columnsOf(fields: ProfileFields) {
  return {
    personal_id: fields.personalId,
    full_name: fields.fullName,
    birth_date: fields.birthDate,
    sex: fields.sex,
    province_code: fields.provinceCode,
    commune_code: fields.communeCode,
    address_line: fields.addressLine,
    phone: fields.phone,
    email: fields.email,
  };
}
