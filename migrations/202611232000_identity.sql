-- Identity: server-side sessions, citizen profiles, consent records, one-time codes and the organisations a
-- citizen acts for. Accounts themselves (username, password hash, kind) stay in app_user (foundation).
-- Runs unchanged on PostgreSQL 15+ and on PGlite.

-- A signed-in browser. The cookie holds a random 32-byte token; only its SHA-256 (hex) is stored, so a copy of
-- this table cannot be replayed. Idle and absolute timeouts are enforced by the application.
create table session (
  id_hash text primary key check (id_hash ~ '^[0-9a-f]{64}$'),
  user_id integer not null references app_user (id) on delete cascade,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null                  -- absolute end, fixed at sign-in
);
-- serves: "sign out everywhere" (password reset) by user.
create index session_by_user on session (user_id);
-- serves: the purge of expired sessions.
create index session_by_expiry on session (expires_at);

-- What a citizen tells us about themselves; e-forms prefill from it. Accounts created by an administrator (no row
-- here) count as verified; a row with contact_verified_at null is a portal registration awaiting its code.
create table citizen_profile (
  user_id integer primary key references app_user (id) on delete cascade,
  personal_id text check (personal_id ~ '^[0-9]{12}$'),   -- số định danh cá nhân (Law on Identity 2023 art. 12)
  full_name text not null check (length(full_name) between 1 and 200),
  birth_date date,
  sex text check (sex in ('male', 'female')),
  province_code text,                                      -- administrative_unit codes of the current edition
  commune_code text,
  address_line text,                                       -- house number, street, hamlet
  phone text,
  email text,
  contact_verified_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Consent to personal-data processing (Decree 13/2023/NĐ-CP art. 9 and 11: consent must be recorded in a form
-- that can be proven). Rows are kept when consent is withdrawn (withdrawn_at) and are not deleted with the account
-- by cascade: removing them is a retention decision, not a side effect.
create table consent (
  id bigserial primary key,
  user_id integer not null references app_user (id),
  purpose text not null,                                   -- e.g. 'account'
  notice_version text not null,                            -- version of the notice the person was shown
  given_at timestamptz not null,
  ip text,                                                 -- client address as seen by the portal
  withdrawn_at timestamptz
);
-- serves: "the consent in force for this user and purpose".
create index consent_user on consent (user_id, purpose, given_at desc);

-- One-time codes sent to a phone or e-mail address: stored as an HMAC, valid 5 minutes, 5 attempts.
create table one_time_code (
  id bigserial primary key,
  user_id integer not null references app_user (id) on delete cascade,
  purpose text not null check (purpose in ('verify_contact', 'reset_password')),
  channel text not null check (channel in ('sms', 'email')),
  recipient text not null,
  code_hash text not null,
  attempts integer not null default 0 check (attempts >= 0),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  consumed_at timestamptz
);
-- serves: the newest live code of a user for a purpose, and the resend throttle (codes issued in the last hour).
create index one_time_code_user on one_time_code (user_id, purpose, created_at desc);

-- Organisations a citizen acts for. Tax code: 10 digits, or 10 + "-" + 3 for a dependent unit
-- (Law on Tax Administration 2019 art. 3(5); Circular 105/2020/TT-BTC art. 5).
create table citizen_organisation (
  id serial primary key,
  user_id integer not null references app_user (id) on delete cascade,
  tax_code text not null check (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
  name text not null check (length(name) between 1 and 300),
  address text not null check (length(address) between 1 and 500),
  created_at timestamptz not null default now(),
  unique (user_id, tax_code)                               -- also serves: a citizen's organisations
);
