-- The tracking ledger (form 07, "sổ theo dõi hồ sơ"): an agency's dossiers filtered by period, status, channel,
-- procedure or sector and timing, keyset-paginated newest first, exported to Excel/CSV. Every filter starts from
-- the receiving agency; each index below serves one way of narrowing an agency's rows at national scale.

-- serves: the ledger's default order and keyset pages (WHERE receiving_agency_id = ? [AND (submitted_at, id) <
-- (?, ?)] ORDER BY submitted_at DESC, id DESC LIMIT n), and periods on the submission date.
create index dossier_ledger_submitted on dossier (receiving_agency_id, submitted_at desc, id desc);
-- serves: a period on the reception date (WHERE receiving_agency_id = ? AND received_at >= ? AND received_at < ?).
create index dossier_ledger_received on dossier (receiving_agency_id, received_at) where received_at is not null;
-- serves: a period on the due date and the "late, still open" filter (WHERE receiving_agency_id = ? AND due_at < now()
-- AND completed_at IS NULL).
create index dossier_ledger_due on dossier (receiving_agency_id, due_at) where due_at is not null;
-- serves: a period on the completion date (WHERE receiving_agency_id = ? AND completed_at >= ? AND completed_at < ?).
create index dossier_ledger_completed on dossier (receiving_agency_id, completed_at) where completed_at is not null;
-- serves: the ledger's search by the applicant's name, diacritic- and case-insensitive
-- (WHERE search_fold(applicant->>'fullName') LIKE '%…%'), ANDed with the agency's rows.
create index dossier_ledger_applicant on dossier using gin (search_fold(applicant ->> 'fullName') gin_trgm_ops);
