-- Dossiers: drafts being filled in, submitted dossiers, their documents, timeline events, messages and
-- supplement requests. Status names follow the lifecycle of RULES.md (national portal sync codes in comments).

create table dossier_draft (
  id uuid primary key,
  owner_user_id integer not null references app_user (id),
  procedure_id integer not null references procedure (id),
  procedure_version_id integer not null references procedure_version (id),
  form_version text not null,                         -- the form definition version the values follow
  on_behalf_of jsonb,                                 -- organisation the citizen acts for, if any
  values jsonb not null default '{}'::jsonb,
  receiving_agency_id integer references agency (id),
  result_delivery text check (result_delivery in ('online', 'at_desk', 'post')),
  last_section text,
  submitted_dossier_id bigint,                        -- set once; makes submission idempotent
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  expires_at timestamptz not null                     -- drafts expire by policy (config)
);
-- serves: "my drafts" and resuming the latest draft of a procedure.
create index dossier_draft_owner on dossier_draft (owner_user_id, updated_at desc) where submitted_dossier_id is null;
-- serves: the purge job for expired drafts.
create index dossier_draft_expiry on dossier_draft (expires_at) where submitted_dossier_id is null;

-- Files uploaded into a draft, before submission; moved to dossier_document on submit.
create table draft_upload (
  id bigserial primary key,
  draft_id uuid not null references dossier_draft (id) on delete cascade,
  field_id text not null,
  requirement_name text not null default '',
  storage_key text not null,
  file_name text not null,
  mime text not null,
  size_bytes integer not null,
  sha256 text not null,
  pages integer,
  created_at timestamptz not null default now()
);
-- serves: a draft's uploads per field.
create index draft_upload_draft on draft_upload (draft_id, field_id);

create table dossier (
  id bigserial primary key,
  code text not null unique,                          -- {agency id}-{yymmdd}-{NNNN}
  lookup_secret text not null,                        -- second factor printed on the slip / in the QR link
  draft_id uuid unique references dossier_draft (id), -- one dossier per draft, whatever the retries
  procedure_id integer not null references procedure (id),
  procedure_version_id integer not null references procedure_version (id),
  form_version text not null,
  applicant_user_id integer references app_user (id),
  applicant jsonb not null,                           -- snapshot: name, personal id, phone, e-mail, address
  on_behalf_of jsonb,
  receiving_agency_id integer not null references agency (id),
  holder_agency_id integer not null references agency (id),
  channel text not null check (channel in ('online', 'in_person', 'post')),
  status text not null check (status in (
    'awaiting_reception',   -- 1 submitted online, awaiting reception
    'received',             -- 2
    'refused',              -- 3
    'processing',           -- 4
    'awaiting_supplement',  -- 5 (deadline clock paused)
    'awaiting_payment',     -- 6
    'withdrawn',            -- 7
    'stopped',              -- 8
    'result_ready',         -- 9
    'result_returned'       -- 10
  )),
  values jsonb not null,
  result_delivery text not null check (result_delivery in ('online', 'at_desk', 'post')),
  phone_last4 text,                                   -- lookup second factor (the applicant's phone last digits)
  submitted_at timestamptz not null default now(),
  received_at timestamptz,
  due_at timestamptz,
  completed_at timestamptz,
  row_version integer not null default 1,             -- optimistic concurrency for officer actions
  updated_at timestamptz not null default now()
);
-- serves: "my dossiers" newest first.
create index dossier_applicant on dossier (applicant_user_id, submitted_at desc);
-- serves: the desk queue of online dossiers awaiting reception per agency.
create index dossier_queue on dossier (receiving_agency_id, status, submitted_at);

create table dossier_document (
  id bigserial primary key,
  dossier_id bigint not null references dossier (id) on delete cascade,
  field_id text not null,
  requirement_name text not null default '',
  storage_key text not null,
  file_name text not null,
  mime text not null,
  size_bytes integer not null,
  sha256 text not null,
  pages integer,
  source text not null default 'upload' check (source in ('upload', 'vault', 'scan', 'supplement')),
  created_at timestamptz not null default now()
);
-- serves: a dossier's documents.
create index dossier_document_dossier on dossier_document (dossier_id);

-- Append-only history: every transition with actor, time, reason and holder before/after (the control slip).
create table dossier_event (
  id bigserial primary key,
  dossier_id bigint not null references dossier (id) on delete cascade,
  at timestamptz not null default now(),
  actor_user_id integer references app_user (id),
  actor_kind text not null check (actor_kind in ('citizen', 'officer', 'system')),
  action text not null,
  from_status text,
  to_status text,
  from_agency_id integer references agency (id),
  to_agency_id integer references agency (id),
  reason text,
  visible_to_public boolean not null default true     -- public lookup shows only these, without personal details
);
-- serves: a dossier's timeline in order.
create index dossier_event_dossier on dossier_event (dossier_id, id);

create or replace function dossier_event_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'dossier_event is append-only';
end $$;
create trigger dossier_event_no_update before update or delete on dossier_event
  for each row execute function dossier_event_append_only();

create table dossier_message (
  id bigserial primary key,
  dossier_id bigint not null references dossier (id) on delete cascade,
  author_user_id integer references app_user (id),
  author_kind text not null check (author_kind in ('citizen', 'officer')),
  body text not null,
  created_at timestamptz not null default now()
);
-- serves: a dossier's messages in order.
create index dossier_message_dossier on dossier_message (dossier_id, id);

create table supplement_request (
  id bigserial primary key,
  dossier_id bigint not null references dossier (id) on delete cascade,
  requested_by integer references app_user (id),
  requested_at timestamptz not null default now(),
  items jsonb not null,                               -- [{ "name": "...", "reason": "..." }]
  note text not null default '',
  answered_at timestamptz,
  answer_note text
);
-- serves: the open supplement request of a dossier.
create index supplement_request_dossier on supplement_request (dossier_id, requested_at desc);
