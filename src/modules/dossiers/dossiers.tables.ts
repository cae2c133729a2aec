import type { ColumnType, Generated } from 'kysely';

/** Row types of the dossiers module's tables; platform/db/schema.ts composes every module's tables into one Database. */
type Json<T> = ColumnType<T, string, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type DossierStatus =
  | 'awaiting_reception'
  | 'received'
  | 'refused'
  | 'processing'
  | 'awaiting_supplement'
  | 'awaiting_payment'
  | 'withdrawn'
  | 'stopped'
  | 'result_ready'
  | 'result_returned';

export type DossierChannel = 'online' | 'in_person' | 'post';
export type ResultDelivery = 'online' | 'at_desk' | 'post';

export interface ApplicantSnapshot {
  fullName: string;
  personalId: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
}

export interface DossierDraftTable {
  id: string;
  owner_user_id: number;
  procedure_id: number;
  procedure_version_id: number;
  form_version: string;
  on_behalf_of: Json<unknown | null> | null;
  values: Json<Record<string, unknown>>;
  receiving_agency_id: number | null;
  result_delivery: ResultDelivery | null;
  last_section: string | null;
  submitted_dossier_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface DraftUploadTable {
  id: Generated<number>;
  draft_id: string;
  field_id: string;
  requirement_name: string;
  storage_key: string;
  file_name: string;
  mime: string;
  size_bytes: number;
  sha256: string;
  pages: number | null;
  /** `vault`: a reference to a vault document's stored file (never deleted with the draft). */
  source: ColumnType<'upload' | 'vault', 'upload' | 'vault' | undefined, 'upload' | 'vault'>;
  created_at: Generated<Date>;
}

export interface DossierTable {
  id: Generated<number>;
  code: string;
  lookup_secret: string;
  draft_id: string | null;
  procedure_id: number;
  procedure_version_id: number;
  form_version: string;
  applicant_user_id: number | null;
  applicant: Json<ApplicantSnapshot>;
  on_behalf_of: Json<unknown | null> | null;
  receiving_agency_id: number;
  holder_agency_id: number;
  channel: DossierChannel;
  status: DossierStatus;
  values: Json<Record<string, unknown>>;
  result_delivery: ResultDelivery;
  phone_last4: string | null;
  submitted_at: Generated<Date>;
  received_at: NullableTimestamp;
  due_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  row_version: Generated<number>;
  updated_at: Generated<Date>;
}

export interface DossierDocumentTable {
  id: Generated<number>;
  dossier_id: number;
  field_id: string;
  requirement_name: string;
  storage_key: string;
  file_name: string;
  mime: string;
  size_bytes: number;
  sha256: string;
  pages: number | null;
  source: 'upload' | 'vault' | 'scan' | 'supplement';
  created_at: Generated<Date>;
}

export interface DossierEventTable {
  id: Generated<number>;
  dossier_id: number;
  at: Generated<Date>;
  actor_user_id: number | null;
  actor_kind: 'citizen' | 'officer' | 'system';
  action: string;
  from_status: DossierStatus | null;
  to_status: DossierStatus | null;
  from_agency_id: number | null;
  to_agency_id: number | null;
  reason: string | null;
  visible_to_public: Generated<boolean>;
  /** Control slip (form 06): the person the dossier is handed to, the step, its due moment, early/on time/late. */
  to_user_id: ColumnType<number | null, number | null | undefined, number | null>;
  step_name: ColumnType<string | null, string | null | undefined, string | null>;
  step_due_at: NullableTimestamp;
  timing: ColumnType<'early' | 'on_time' | 'late' | null, 'early' | 'on_time' | 'late' | null | undefined, 'early' | 'on_time' | 'late' | null>;
}

export interface DossierMessageTable {
  id: Generated<number>;
  dossier_id: number;
  author_user_id: number | null;
  author_kind: 'citizen' | 'officer';
  body: string;
  created_at: Generated<Date>;
}

export interface SupplementRequestTable {
  id: Generated<number>;
  dossier_id: number;
  requested_by: number | null;
  requested_at: Generated<Date>;
  items: Json<{ name: string; reason: string }[]>;
  note: Generated<string>;
  answered_at: NullableTimestamp;
  answer_note: string | null;
}

export interface DossiersTables {
  dossier_draft: DossierDraftTable;
  draft_upload: DraftUploadTable;
  dossier: DossierTable;
  dossier_document: DossierDocumentTable;
  dossier_event: DossierEventTable;
  dossier_message: DossierMessageTable;
  supplement_request: SupplementRequestTable;
}
