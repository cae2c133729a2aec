import type { ColumnType, Generated } from 'kysely';

/** Row types of the satisfaction module (migrations/202611241100_satisfaction.sql). */
type Json<T> = ColumnType<T, string, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type RatingVia = 'account' | 'link';
export type ComplaintCategory = 'attitude' | 'delay' | 'extra_requirements' | 'result' | 'procedure' | 'other';
export type ComplaintStatus = 'open' | 'answered';
export type AnswerTiming = 'on_time' | 'late';

export interface SatisfactionRatingTable {
  dossier_id: number;
  agency_id: number;
  overall: number;
  answers: Json<Record<string, string>>;
  comment: string;
  via: RatingVia;
  rated_by_user_id: number | null;
  rated_at: Timestamp;
}

export interface SatisfactionInvitationTable {
  dossier_id: number;
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface ComplaintTable {
  id: Generated<number>;
  dossier_id: number;
  agency_id: number;
  category: ComplaintCategory;
  body: string;
  via: RatingVia;
  filed_by_user_id: number | null;
  received_at: Timestamp;
  due_at: Timestamp;
  status: ColumnType<ComplaintStatus, ComplaintStatus | undefined, ComplaintStatus>;
  answer: string | null;
  answered_at: NullableTimestamp;
  answered_by_user_id: number | null;
  answer_timing: AnswerTiming | null;
  row_version: ColumnType<number, number | undefined, number>;
}

export interface SatisfactionTables {
  satisfaction_rating: SatisfactionRatingTable;
  satisfaction_invitation: SatisfactionInvitationTable;
  complaint: ComplaintTable;
}
