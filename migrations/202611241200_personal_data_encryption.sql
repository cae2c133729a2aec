-- Personal data encrypted at rest (issue #8, Decree 13/2023/NĐ-CP): identity numbers and phone numbers are stored
-- as `pd1.<data key id>.<AES-256-GCM>` strings (platform/crypto), looked up by blind index (HMAC-SHA256 of the
-- normalised value under a separate index key). Rows written before this migration stay plaintext until
-- `motcua data:encrypt` seals them; readers accept both meanwhile (plaintext has no `pd1.` prefix).
-- Runs unchanged on PostgreSQL 15+ and on PGlite.

-- Data-encryption keys and the blind-index key: 32 random bytes each, wrapped (AES-256-GCM) by the master key
-- named in master_key_id (DATA_ENCRYPTION_KEYS). One current data key (new values) and one index key; old data
-- keys stay to decrypt what they sealed. The index key is never rotated without reindexing every blind index.
create table data_key (
  id serial primary key,
  purpose text not null check (purpose in ('data', 'index')),
  wrapped_key text not null,
  master_key_id text not null,
  is_current boolean not null,
  created_at timestamptz not null default now(),
  rewrapped_at timestamptz
);
-- serves: the keys a process loads at start ("the current data key and the index key"); also makes two current
-- keys of one purpose impossible, whatever processes race at first start.
create unique index data_key_current on data_key (purpose) where is_current;
-- The index key is never replaced in place: a second index key row would orphan every blind index.
create unique index data_key_one_index_key on data_key (purpose) where purpose = 'index';

-- The identity number is now ciphertext: its format is checked by the application before sealing.
alter table citizen_profile drop constraint citizen_profile_personal_id_check;
alter table citizen_profile
  add column personal_id_index text,   -- blind index of the identity number
  add column phone_index text;         -- blind index of the mobile number (national format)
-- serves: "the citizen profile with this identity number" (e.g. an officer checking whether a person has an
-- account; VNeID claims are matched by subject, never by this).
create index citizen_profile_personal_id_index on citizen_profile (personal_id_index) where personal_id_index is not null;
-- serves: the outbox's "preferences of the citizen reachable at this phone" (preferencesForContact).
create index citizen_profile_phone_index on citizen_profile (phone_index) where phone_index is not null;

-- The outbox addresses SMS and Zalo messages by phone / Zalo id: the recipient is sealed, its blind index kept
-- beside it for "is this address already written to about the dossier in this transaction" (rows of one dossier,
-- found by notification_outbox_dossier; no index of its own).
alter table notification_outbox add column recipient_index text;

-- Subscriptions ("DANGKY"): the address is sealed; one live subscription per dossier and address now means per
-- blind index.
alter table notification_subscription add column address_index text;
drop index notification_subscription_live;
-- serves: one live subscription per dossier and address (the insert's ON CONFLICT), "HUY" by address, and the
-- fan-out "live subscriptions of a dossier".
create unique index notification_subscription_live on notification_subscription (dossier_id, channel, address_index) where cancelled_at is null;

comment on column notification_inbound.sender is 'Blind index of the sender''s phone or Zalo id (rate limit per sender); never the number itself';
