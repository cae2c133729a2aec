-- Signed results, their public verification, the citizen's vault, and digitised paper results (issue #7).

-- A result issued for a dossier (kết quả giải quyết): the signed PDF (origin 'signed'), or a scan of a paper result
-- digitised at the desk for an older dossier (origin 'scan', no digital signature; Circular 01/2023/TT-VPCP).
create table dossier_result (
  id bigserial primary key,
  dossier_id bigint not null references dossier (id),
  origin text not null check (origin in ('signed', 'scan')),
  verification_code text not null unique,             -- in the QR link /xac-thuc/{code}; random, not guessable
  title text not null,                                -- e.g. Trích lục khai sinh
  file_key text not null,                             -- storage key of the file (never overwritten)
  file_name text not null,
  mime text not null,
  size_bytes integer not null,
  sha256 text not null,                               -- of the stored file: the genuine copy
  signers jsonb not null default '[]'::jsonb,         -- [{ role, name, organization, certificateSerial, certificateSha256, signedAt }]
  issuer_agency_id integer not null references agency (id),
  issued_by integer references app_user (id),         -- the signing leader, or the officer who digitised
  issued_at timestamptz not null default now(),
  metadata jsonb not null default '{}'::jsonb,        -- scans: document number, date on paper, signer, notes
  extracted jsonb                                     -- data extracted from a scan (OCR later); null until then
);
-- serves: a dossier's results, newest first.
create index dossier_result_dossier on dossier_result (dossier_id, issued_at desc);
-- serves: checking an uploaded file by its hash ("is this a genuine result?").
create index dossier_result_sha256 on dossier_result (sha256);

-- The citizen's vault (kho dữ liệu điện tử, Decree 45/2020/NĐ-CP): issued results and verified documents,
-- reusable in later dossiers by reference instead of a new upload.
create table vault_document (
  id bigserial primary key,
  owner_user_id integer not null references app_user (id),
  kind text not null,                                 -- document type, e.g. result, birthExtract, landUseRightsCertificate
  title text not null,
  file_name text not null,
  mime text not null,
  size_bytes integer not null,
  pages integer,
  sha256 text not null,
  storage_key text not null,
  source_dossier_id bigint references dossier (id),
  dossier_result_id bigint unique references dossier_result (id), -- one vault entry per issued result
  status text not null check (status in ('issued', 'verified')),   -- issued by an agency / checked by an officer
  created_at timestamptz not null default now()
);
-- serves: "my vault", newest first.
create index vault_document_owner on vault_document (owner_user_id, created_at desc);

-- Draft uploads may be a reference to a vault document (same stored file) instead of a new upload; such files
-- belong to the vault and are never deleted with the draft.
alter table draft_upload add column source text not null default 'upload' check (source in ('upload', 'vault'));
