-- Officers' security keys (issue #8): WebAuthn credentials (security keys, platform authenticators, passkeys) as a
-- second factor beside the TOTP authenticator, and the one-time challenges of their ceremonies.
-- Runs unchanged on PostgreSQL 15+ and on PGlite.

-- One registered credential. `credential_id` is the authenticator's credential id (base64url), unique across the
-- portal: an assertion names its credential by it. `public_key` is the COSE public key from the attestation;
-- `sign_count` the last signature counter seen (0 for authenticators that keep none).
create table webauthn_credential (
  id bigserial primary key,
  user_id integer not null references app_user (id) on delete cascade,
  credential_id text not null,
  public_key bytea not null,
  sign_count bigint not null default 0 check (sign_count >= 0),
  transports jsonb not null default '[]',
  name text not null,
  created_at timestamptz not null,
  last_used_at timestamptz
);
-- serves: "the credential an assertion names" (and refuses registering one credential twice).
create unique index webauthn_credential_by_credential_id on webauthn_credential (credential_id);
-- serves: "the keys of this officer" (security page, sign-in options).
create index webauthn_credential_by_user on webauthn_credential (user_id);

-- A challenge handed to the browser for one ceremony (registration or sign-in) of one account. It is deleted when
-- used, so it is accepted once, and refused after `expires_at`.
create table webauthn_challenge (
  challenge text primary key,
  user_id integer not null references app_user (id) on delete cascade,
  purpose text not null check (purpose in ('registration', 'authentication')),
  expires_at timestamptz not null
);
-- serves: "forget this account's expired challenges" when a new one is made.
create index webauthn_challenge_by_user on webauthn_challenge (user_id, expires_at);
