-- Satisfaction ("đánh giá mức độ hài lòng") and complaints ("phản ánh, kiến nghị") about dossiers.

-- One rating per dossier, once its result is returned: overall 1–5 and the national portal's survey criteria.
create table satisfaction_rating (
  dossier_id bigint primary key references dossier (id) on delete cascade, -- the primary key makes "once" a constraint
  agency_id integer not null references agency (id),   -- the receiving agency (where the indicators count it)
  overall smallint not null check (overall between 1 and 5),
  answers jsonb not null default '{}',                  -- criterion → 'yes' | 'no'
  comment text not null default '',
  via text not null check (via in ('account', 'link')), -- signed in on "my dossiers", or the link in the message
  rated_by_user_id integer references app_user (id),
  rated_at timestamptz not null default now()
);

-- The signed link in the result-returned message: only the SHA-256 of the token is kept; used once.
create table satisfaction_invitation (
  dossier_id bigint primary key references dossier (id) on delete cascade,
  token_hash text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
-- serves: opening the link (lookup by the token's hash).
create unique index satisfaction_invitation_token on satisfaction_invitation (token_hash);

-- A complaint about a dossier, addressed to the dossier's receiving agency, answered within 10 working days of
-- receipt (Ninh Bình Decision 163/2025/QĐ-CTUBND art. 19).
create table complaint (
  id bigserial primary key,
  dossier_id bigint not null references dossier (id) on delete cascade,
  agency_id integer not null references agency (id),
  category text not null check (category in ('attitude', 'delay', 'extra_requirements', 'result', 'procedure', 'other')),
  body text not null,
  via text not null check (via in ('account', 'link')),
  filed_by_user_id integer references app_user (id),
  received_at timestamptz not null,
  due_at timestamptz not null,
  status text not null default 'open' check (status in ('open', 'answered')),
  answer text,
  answered_at timestamptz,
  answered_by_user_id integer references app_user (id),
  answer_timing text check (answer_timing in ('on_time', 'late')),
  row_version integer not null default 1
);
-- serves: an agency's queue of open complaints, most urgent first.
create index complaint_open_queue on complaint (agency_id, due_at) where status = 'open';
-- serves: an agency's recently answered complaints.
create index complaint_answered on complaint (agency_id, answered_at desc) where status = 'answered';
-- serves: a dossier's complaints (dossier page; "has a complaint" in the monthly indicators).
create index complaint_dossier on complaint (dossier_id, received_at);
-- One open complaint per dossier at a time: a second one waits for the answer to the first.
create unique index complaint_one_open on complaint (dossier_id) where status = 'open';

-- The indicators' monthly counts, by the month the dossier finished: finished dossiers with at least one complaint
-- (Decision 766 satisfaction = 100 % − late % − complaint %), and ratings (count and sum of the overall score).
alter table indicator_month add column complaints integer not null default 0;
alter table indicator_month add column rated integer not null default 0;
alter table indicator_month add column rating_sum integer not null default 0;
alter table indicator_month_agency add column complaints integer not null default 0;
alter table indicator_month_agency add column rated integer not null default 0;
alter table indicator_month_agency add column rating_sum integer not null default 0;
