-- Service-quality indicators (Decision 766/QĐ-TTg): counts per month (Vietnam time), receiving agency and procedure,
-- materialised by a job from the dossiers so that a dashboard over any period and scope adds up a few thousand rows
-- instead of scanning millions of dossiers. A month is recomputed whole (idempotent): the current and the previous
-- month every few minutes, any other on demand.
create table indicator_month (
  month date not null,                                -- first day of the month
  agency_id integer not null references agency (id),  -- the receiving agency
  procedure_id integer not null references procedure (id),
  received integer not null default 0,                -- received in the month, by channel
  received_online integer not null default 0,
  received_in_person integer not null default 0,
  received_by_post integer not null default 0,
  received_digitised integer not null default 0,      -- e-form data present (structured, not only scans)
  received_reusing_data integer not null default 0,   -- at least one document taken from the vault
  fee_due integer not null default 0,                 -- received with a fee to pay
  paid_online integer not null default 0,             -- of those, paid through the online payment
  finished integer not null default 0,                -- finished in the month (result returned or stopped)
  finished_early integer not null default 0,          -- by indicator timing: more than one supplement counts late
  finished_on_time integer not null default 0,
  finished_late integer not null default 0,
  finished_electronic_result integer not null default 0,
  refreshed_at timestamptz not null default now(),
  primary key (month, agency_id, procedure_id)
);
-- serves: an agency's months (dashboard of one agency, trend).
create index indicator_month_by_agency on indicator_month (agency_id, month);

-- serves: the monthly recomputation (dossiers received in a month, all agencies).
create index dossier_received_month on dossier (received_at) where received_at is not null;
-- serves: the monthly recomputation (dossiers finished in a month).
create index dossier_completion_month on dossier_completion (completed_at);

-- The same counts per month and agency (summed from indicator_month when a month is refreshed): what dashboards
-- read, so that a year of every agency is a few tens of thousands of rows whatever the number of procedures.
create table indicator_month_agency (
  month date not null,
  agency_id integer not null references agency (id),
  received integer not null default 0,
  received_online integer not null default 0,
  received_in_person integer not null default 0,
  received_by_post integer not null default 0,
  received_digitised integer not null default 0,
  received_reusing_data integer not null default 0,
  fee_due integer not null default 0,
  paid_online integer not null default 0,
  finished integer not null default 0,
  finished_early integer not null default 0,
  finished_on_time integer not null default 0,
  finished_late integer not null default 0,
  finished_electronic_result integer not null default 0,
  primary key (month, agency_id)
);
-- serves: an agency's months.
create index indicator_month_agency_agency on indicator_month_agency (agency_id, month);
-- serves: "online services that received dossiers" (distinct procedures with online dossiers in a period).
create index indicator_month_online on indicator_month (month, agency_id, procedure_id) where received_online > 0;
