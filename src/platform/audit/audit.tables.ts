import type { ColumnType, Generated } from 'kysely';

export type AuditActorKind = 'citizen' | 'officer' | 'system' | 'anonymous';

/** The append-only, hash-chained audit trail (see migrations/202611240000_workflow_groundwork.sql). */
export interface AuditEventTable {
  id: Generated<number>;
  stream: number;
  seq: ColumnType<number, number, never>;
  at: ColumnType<Date, Date | string, never>;
  actor_user_id: number | null;
  actor_kind: AuditActorKind;
  action: string;
  subject_type: string;
  subject_id: string;
  agency_id: number | null;
  ip: string | null;
  details: ColumnType<Record<string, unknown>, string, never>;
  prev_hash: string;
  hash: string;
}

export interface AuditTables {
  audit_event: AuditEventTable;
}
