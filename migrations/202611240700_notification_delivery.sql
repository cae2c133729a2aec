-- Notification delivery: what the dispatcher needs to deliver outbox rows (lease, attempts, backoff, outcome),
-- the citizen's channel preferences, subscriptions to a dossier's updates by SMS/Zalo ("DANGKY <code> <4 digits>")
-- and the inbound messages the webhook received (rate limit per sender, provider retries answered once).
-- Runs unchanged on PostgreSQL 15+ and on PGlite.

-- 'skipped': not sent because the citizen turned that channel off (the row stays as a record of it).
alter table notification_outbox drop constraint notification_outbox_status_check;
alter table notification_outbox add constraint notification_outbox_status_check
  check (status in ('pending', 'sent', 'failed', 'skipped'));

alter table notification_outbox
  add column next_attempt_at timestamptz not null default now(),  -- not before this moment (backoff after a failure)
  add column lease_owner text,                                    -- the claim (dispatcher id + random) holding the row
  add column lease_until timestamptz,                             -- the claim ends here; afterwards any dispatcher may take it
  add column last_attempt_at timestamptz,
  add column last_error text,                                     -- the provider's answer to the last failed attempt
  add column failed_at timestamptz,
  add column provider_message_id text,                            -- the provider's id of the delivered message
  add column mandatory boolean not null default false,            -- sent whatever the preferences (one-time codes)
  add column secret_params jsonb not null default '[]'::jsonb,    -- params removed from the stored text once delivered
  add column redacted_at timestamptz,
  add column subscription_id bigint;                              -- the subscription a copy was made for

alter table notification_outbox add constraint notification_outbox_failed_at check ((status = 'failed') = (failed_at is not null));

drop index notification_outbox_pending;
-- serves: the dispatcher's claim, "due pending messages of one channel, oldest due first".
create index notification_outbox_due on notification_outbox (channel, next_attempt_at, id) where status = 'pending';

-- One row per citizen who changed the defaults; no row means e-mail and SMS on, Zalo off.
create table notification_preference (
  user_id integer primary key references app_user (id) on delete cascade,
  email boolean not null default true,
  sms boolean not null default true,
  zalo boolean not null default false,
  updated_at timestamptz not null default now()
);

-- A phone (SMS) or Zalo user that asked for a dossier's updates by replying "DANGKY <code> <4 digits>".
create table notification_subscription (
  id bigserial primary key,
  dossier_id bigint not null references dossier (id) on delete cascade,
  channel text not null check (channel in ('sms', 'zalo')),
  address text not null check (length(address) between 1 and 100),  -- national mobile number or Zalo user id
  locale text not null default 'vi' check (locale in ('vi', 'en')),
  created_at timestamptz not null default now(),
  cancelled_at timestamptz
);
-- serves: one live subscription per dossier and address; the fan-out "live subscriptions of a dossier".
create unique index notification_subscription_live on notification_subscription (dossier_id, channel, address) where cancelled_at is null;

-- Every text the webhook accepted.
create table notification_inbound (
  id bigserial primary key,
  channel text not null check (channel in ('sms', 'zalo')),
  sender text not null check (length(sender) between 1 and 100),
  provider_message_id text,
  command text not null,             -- lookup, subscribe, unsubscribe, help, limited
  received_at timestamptz not null default now()
);
-- serves: a provider that retries a webhook gets the first answer, not a second reply.
create unique index notification_inbound_provider_id on notification_inbound (channel, provider_message_id) where provider_message_id is not null;
-- serves: the rate limit, "messages from this sender in the last hour".
create index notification_inbound_sender on notification_inbound (channel, sender, received_at);
