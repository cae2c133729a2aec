-- Notifications: the outbox. A module that changes state writes the message in the same transaction
-- (`NotificationService.enqueue(trx, ...)`), so the change and its message commit or roll back together; a worker
-- (later issue) delivers pending rows by e-mail, SMS or Zalo and records the outcome.
-- Runs unchanged on PostgreSQL 15+ and on PGlite.

create table notification_outbox (
  id bigserial primary key,
  channel text not null check (channel in ('email', 'sms', 'zalo')),
  recipient text not null check (length(recipient) between 1 and 320),
  template_key text not null,                        -- message-catalogue key prefix of the template
  params jsonb not null default '{}'::jsonb,         -- the values the text was rendered with
  locale text not null check (locale in ('vi', 'en')),
  subject text not null default '',                  -- empty for SMS
  body text not null,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  dossier_id bigint,                                 -- the dossier a message is about, if any (no FK: created later)
  check ((status = 'sent') = (sent_at is not null))
);
-- serves: the delivery worker, "oldest pending messages first".
create index notification_outbox_pending on notification_outbox (created_at, id) where status = 'pending';
-- serves: the messages sent about one dossier (its timeline).
create index notification_outbox_dossier on notification_outbox (dossier_id, created_at) where dossier_id is not null;
