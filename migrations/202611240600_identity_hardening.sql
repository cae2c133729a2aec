-- Identity hardening (issue #8): officers' second factor (TOTP and recovery codes), account lockout with
-- exponential backoff, devices on sessions, and sign-in with the national electronic identity (VNeID) through
-- OpenID Connect. Runs unchanged on PostgreSQL 15+ and on PGlite.

-- The device a session was started from, shown on the "my sessions" page; and, for a session started through an
-- identity provider, the ID token to hand back at RP-initiated logout (id_token_hint).
alter table session add column user_agent text;
alter table session add column ip text;
alter table session add column provider_id_token text;

-- An officer's authenticator (RFC 6238 TOTP). The secret must be readable to check codes, so it is stored
-- encrypted with a key derived from the server secret (AES-256-GCM). `last_used_step` refuses a code used once.
-- A row with confirmed_at null is an enrolment in progress (the officer has not yet typed a code from it).
create table totp_authenticator (
  user_id integer primary key references app_user (id) on delete cascade,
  secret_encrypted text not null,
  created_at timestamptz not null,
  confirmed_at timestamptz,
  last_used_step bigint
);

-- Single-use recovery codes for an officer who lost the authenticator; stored as HMACs only.
create table recovery_code (
  id bigserial primary key,
  user_id integer not null references app_user (id) on delete cascade,
  code_hash text not null,
  created_at timestamptz not null,
  used_at timestamptz
);
-- serves: "the unused codes of this user".
create index recovery_code_by_user on recovery_code (user_id);

-- Failed sign-in attempts per account, in the database so every web process agrees. After a threshold each further
-- failure locks the account for twice as long as the previous one; a successful sign-in clears the row.
create table sign_in_failure (
  user_id integer primary key references app_user (id) on delete cascade,
  failures integer not null check (failures > 0),
  last_failed_at timestamptz not null,
  locked_until timestamptz
);

-- An account's link to an identity at an external provider: (provider, subject) names the person there.
create table external_identity (
  provider text not null,                                  -- e.g. 'vneid'
  subject text not null,                                   -- the provider's `sub` claim
  user_id integer not null references app_user (id) on delete cascade,
  linked_at timestamptz not null,
  last_signed_in_at timestamptz,
  primary key (provider, subject)
);
-- one identity per provider per account; serves "is this account linked".
create unique index external_identity_by_user on external_identity (user_id, provider);

-- Profile facts vouched for by the national identity: when and through which provider. Forms lock the personal
-- identity number, name, birth date and sex of a verified profile (as they lock fields read from a registry).
alter table citizen_profile add column identity_verified_at timestamptz;
alter table citizen_profile add column identity_verified_by text;
