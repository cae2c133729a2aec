-- Groundwork shared by the back office (issue #4) and the security work (issue #8):
-- the hash-chained audit trail, internal process definitions, control-slip details on dossier events, and
-- apology letters (form 04).

-- Audit trail: append-only and hash-chained. Events are chained per stream (a small fixed number of streams so that
-- unrelated transactions do not queue behind one lock); each row's hash covers its content and the previous hash of
-- its stream, so an edited, deleted or inserted row breaks the chain at that point (`motcua audit:verify`).
create table audit_event (
  id bigserial primary key,
  stream smallint not null,                           -- 0..(streams-1), from the subject
  seq bigint not null,                                -- 1, 2, 3... within the stream
  at timestamptz not null,
  actor_user_id integer,                              -- no foreign key: the trail outlives accounts
  actor_kind text not null check (actor_kind in ('citizen', 'officer', 'system', 'anonymous')),
  action text not null,                               -- e.g. dossier.receive, dossier.read, user.sign_in
  subject_type text not null,                         -- e.g. dossier, user, process_definition
  subject_id text not null,
  agency_id integer,
  ip text,
  details jsonb not null default '{}'::jsonb,
  prev_hash text not null,                            -- hex SHA-256 of the previous event in the stream ('' for the first)
  hash text not null,                                 -- hex SHA-256 over prev_hash and this row's canonical content
  unique (stream, seq)
);
-- serves: "who accessed my dossier" and an officer's activity.
create index audit_event_subject on audit_event (subject_type, subject_id, at);
create index audit_event_actor on audit_event (actor_user_id, at) where actor_user_id is not null;

create or replace function audit_event_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only';
end $$;
create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function audit_event_append_only();

-- Internal process of a procedure ("quy trình nội bộ"): versioned definitions, one current per procedure and
-- agency scope. agency_id null = the default for any receiving agency; an agency's own definition wins.
create table process_definition (
  id serial primary key,
  procedure_id integer not null references procedure (id),
  agency_id integer references agency (id),
  version integer not null,
  name text not null,
  legal_basis text not null default '',               -- e.g. Quyết định 1594/QĐ-TTPVHCC
  is_current boolean not null default false,
  created_by integer references app_user (id),
  created_at timestamptz not null default now()
);
create unique index process_definition_version on process_definition (procedure_id, coalesce(agency_id, 0), version);
-- serves: finding the current process of a procedure for a receiving agency (at most one current per scope).
create unique index process_definition_current on process_definition (procedure_id, coalesce(agency_id, 0)) where is_current;

create table process_step (
  id serial primary key,
  definition_id integer not null references process_definition (id) on delete cascade,
  position integer not null,                          -- 1, 2, 3... in order
  kind text not null check (kind in ('receive', 'handle', 'consult', 'approve', 'sign', 'return')),
  role text not null check (role in ('desk', 'handler', 'leader')),
  agency_mode text not null check (agency_mode in ('receiving', 'fixed')),
  agency_id integer references agency (id),           -- set when agency_mode = 'fixed' (a step at another agency)
  share_percent numeric(5, 2) not null check (share_percent >= 0 and share_percent <= 100),
  name text not null,                                 -- e.g. "Thẩm định hồ sơ"
  name_en text,
  unique (definition_id, position),
  check (agency_mode = 'receiving' or agency_id is not null)
);

-- Control slip (form 06) details on each hand-over: the person it goes to, the step, the step's due moment and
-- whether the hand-over was early, on time or late against it.
alter table dossier_event add column to_user_id integer references app_user (id);
alter table dossier_event add column step_name text;
alter table dossier_event add column step_due_at timestamptz;
alter table dossier_event add column timing text check (timing in ('early', 'on_time', 'late'));

-- Apology letter and new appointment (form 04): issued before the due date when a dossier will be late.
create table dossier_apology (
  id bigserial primary key,
  dossier_id bigint not null references dossier (id) on delete cascade,
  issued_by integer not null references app_user (id),
  issued_at timestamptz not null default now(),
  reason text not null,
  previous_due_at timestamptz not null,
  new_due_at timestamptz not null
);
-- serves: a dossier's apology letters.
create index dossier_apology_dossier on dossier_apology (dossier_id, issued_at);
