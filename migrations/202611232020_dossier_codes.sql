-- Counter behind dossier codes `{agency identifier}-{yymmdd}-{NNNN}` (RULES.md "Dossier code"): one row per
-- receiving agency per calendar day in Vietnam time. A row is only ever incremented, never decremented or deleted
-- by the application, so a committed number is never handed out again.
create table dossier_code_counter (
  agency_code text not null,                          -- the receiving agency's e-identifier (Decision 20/2020/QĐ-TTg)
  day date not null,                                  -- calendar day in Asia/Ho_Chi_Minh
  last_value integer not null check (last_value > 0), -- the last number handed out for this agency and day
  -- serves: the insert ... on conflict (agency_code, day) do update of nextDossierCode (one row, locked briefly).
  primary key (agency_code, day)
);
