import type { ColumnType, Generated } from 'kysely';

/** Row types of the identity module's tables (sessions, profiles, consents, one-time codes, organisations). */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type OneTimeCodePurpose = 'verify_contact' | 'reset_password';

/** A signed-in browser. Only the SHA-256 of the cookie token is stored. */
export interface SessionTable {
  id_hash: string;
  user_id: number;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  /** The browser's User-Agent at sign-in (cut to 300 characters), for the "my sessions" page. */
  user_agent: ColumnType<string | null, string | null | undefined, string | null>;
  ip: ColumnType<string | null, string | null | undefined, string | null>;
  /** The ID token of a sign-in through an identity provider, for RP-initiated logout. */
  provider_id_token: ColumnType<string | null, string | null | undefined, string | null>;
}

/** What a citizen tells us about themselves, reused to prefill forms. One row per citizen account. */
export interface CitizenProfileTable {
  user_id: number;
  /** Sealed (`pd1.…`, platform/crypto) since issue #8; plaintext in rows `motcua data:encrypt` has not reached. */
  personal_id: string | null;
  /** Blind index of the identity number (HMAC-SHA256 of the 12 digits). */
  personal_id_index: ColumnType<string | null, string | null | undefined, string | null>;
  full_name: string;
  /** Read it with to_char(birth_date, 'YYYY-MM-DD'): drivers turn a bare `date` into a time-zone-shifted Date. */
  birth_date: ColumnType<string | null, string | null | undefined, string | null>;
  sex: 'male' | 'female' | null;
  province_code: string | null;
  commune_code: string | null;
  address_line: string | null;
  /** Sealed like personal_id. */
  phone: string | null;
  /** Blind index of the phone in national format. */
  phone_index: ColumnType<string | null, string | null | undefined, string | null>;
  email: string | null;
  /** When the account's own phone or e-mail (its username) was proven with a one-time code; null while pending. */
  contact_verified_at: NullableTimestamp;
  /** When the national identity vouched for personal id, name, birth date and sex (locked in forms); null if never. */
  identity_verified_at: NullableTimestamp;
  /** Which provider vouched, e.g. 'vneid'. */
  identity_verified_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Consent to the processing of personal data (Decree 13/2023/NĐ-CP art. 11): who, what notice, when, from where. */
export interface ConsentTable {
  id: Generated<number>;
  user_id: number;
  purpose: string;
  notice_version: string;
  given_at: Timestamp;
  ip: string | null;
  withdrawn_at: NullableTimestamp;
}

/** A 6-digit one-time code, stored as an HMAC only. */
export interface OneTimeCodeTable {
  id: Generated<number>;
  user_id: number;
  purpose: OneTimeCodePurpose;
  channel: 'sms' | 'email';
  /** A phone is sealed (platform/crypto); an e-mail address is plain. */
  recipient: string;
  code_hash: string;
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
}

/** An organisation (business, association ...) a citizen acts for. */
export interface CitizenOrganisationTable {
  id: Generated<number>;
  user_id: number;
  tax_code: string;
  name: string;
  address: string;
  created_at: Generated<Date>;
}

/** An officer's TOTP authenticator; the secret is encrypted with a key derived from the server secret. */
export interface TotpAuthenticatorTable {
  user_id: number;
  secret_encrypted: string;
  created_at: Timestamp;
  /** Null while the enrolment waits for the first code. */
  confirmed_at: NullableTimestamp;
  /** The last TOTP step accepted (a step is accepted once). bigint: read as a string by pg. */
  last_used_step: ColumnType<string | number | null, number | null | undefined, number | null>;
}

/** A single-use recovery code (HMAC only). */
export interface RecoveryCodeTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  created_at: Timestamp;
  used_at: NullableTimestamp;
}

/** Failed sign-ins of an account and the lock they caused. */
export interface SignInFailureTable {
  user_id: number;
  failures: number;
  last_failed_at: Timestamp;
  locked_until: NullableTimestamp;
}

/** An account's link to a person at an external identity provider. */
export interface ExternalIdentityTable {
  provider: string;
  subject: string;
  user_id: number;
  linked_at: Timestamp;
  last_signed_in_at: NullableTimestamp;
}

/** An officer's WebAuthn credential (security key, platform authenticator, passkey). */
export interface WebauthnCredentialTable {
  id: Generated<number>;
  user_id: number;
  /** The credential id, base64url. */
  credential_id: string;
  /** COSE public key. pg reads bytea as a Buffer, PGlite as a Uint8Array. */
  public_key: ColumnType<Uint8Array, Uint8Array, never>;
  /** The last signature counter seen. bigint: read as a string by pg. */
  sign_count: ColumnType<string | number, number | undefined, number>;
  /** Transports the browser reported (usb, nfc, ble, internal, hybrid), as a JSON array. */
  transports: ColumnType<string[], string, never>;
  name: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
}

/** A challenge of one WebAuthn ceremony, accepted once before it expires. */
export interface WebauthnChallengeTable {
  challenge: string;
  user_id: number;
  purpose: 'registration' | 'authentication';
  expires_at: Timestamp;
}

export interface IdentityTables {
  totp_authenticator: TotpAuthenticatorTable;
  webauthn_credential: WebauthnCredentialTable;
  webauthn_challenge: WebauthnChallengeTable;
  recovery_code: RecoveryCodeTable;
  sign_in_failure: SignInFailureTable;
  external_identity: ExternalIdentityTable;
  session: SessionTable;
  citizen_profile: CitizenProfileTable;
  consent: ConsentTable;
  one_time_code: OneTimeCodeTable;
  citizen_organisation: CitizenOrganisationTable;
}
