-- Walk-in and postal dossiers entered at the one-stop desk (issue #4). The desk officer fills the applicant's e-form
-- in a draft the officer owns (the same drafts, forms engine and upload checks as online submission); this row says
-- which channel the paper dossier came by and which agency receives it. Deleted with the draft (purge of expired
-- drafts included); a submitted draft keeps it as the record of who entered the dossier.
create table desk_entry_draft (
  draft_id uuid primary key references dossier_draft (id) on delete cascade,
  channel text not null check (channel in ('in_person', 'post')),
  agency_id integer not null references agency (id),
  created_by integer not null references app_user (id),
  created_at timestamptz not null default now()
);
