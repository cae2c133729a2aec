import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type ProcessStepKind = 'receive' | 'handle' | 'consult' | 'approve' | 'sign' | 'return';
export type ProcessRole = 'desk' | 'handler' | 'leader';

/** An internal process of a procedure ("quy trình nội bộ"), versioned; agency_id null = default for any agency. */
export interface ProcessDefinitionTable {
  id: Generated<number>;
  procedure_id: number;
  agency_id: number | null;
  version: number;
  name: string;
  legal_basis: Generated<string>;
  is_current: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface ProcessStepTable {
  id: Generated<number>;
  definition_id: number;
  position: number;
  kind: ProcessStepKind;
  role: ProcessRole;
  agency_mode: 'receiving' | 'fixed';
  agency_id: number | null;
  /** numeric(5,2): read as a string by the drivers. */
  share_percent: ColumnType<string, number | string, number | string>;
  name: string;
  name_en: string | null;
}

/** Apology letter and new appointment (form 04). */
export interface DossierApologyTable {
  id: Generated<number>;
  dossier_id: number;
  issued_by: number;
  issued_at: Generated<Date>;
  reason: string;
  previous_due_at: Timestamp;
  new_due_at: Timestamp;
}

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type Timing = 'early' | 'on_time' | 'late';
export type TaskStatus = 'open' | 'paused' | 'done' | 'cancelled';

/** The process steps snapshotted onto a dossier at reception (see migrations/202611240100_workflow_tasks.sql). */
export interface DossierStepTable {
  dossier_id: number;
  position: number;
  kind: ProcessStepKind;
  role: ProcessRole;
  agency_id: number;
  share_percent: ColumnType<string, number | string, number | string>;
  name: string;
  name_en: string | null;
  due_at: NullableTimestamp;
}

/** One step being worked on at one agency by one role: a row of an officer's inbox. */
export interface DossierTaskTable {
  id: Generated<number>;
  dossier_id: number;
  position: number;
  kind: ProcessStepKind;
  role: ProcessRole;
  agency_id: number;
  step_name: string;
  assignee_id: number | null;
  status: TaskStatus;
  started_at: Timestamp;
  due_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  paused_at: NullableTimestamp;
  outcome: string | null;
  timing: Timing | null;
  consulted_from: number | null;
  draft_note: string | null;
  row_version: Generated<number>;
  created_at: Generated<Date>;
}

/** An officer's in-app alert about a task: its deadline (the sweep), or the applicant withdrew the dossier. */
export type AlertKind = 'due_soon' | 'overdue' | 'withdrawn';

export interface DossierTaskAlertTable {
  task_id: number;
  kind: AlertKind;
  sent_at: Generated<Date>;
  recipients: ColumnType<number[], number[] | undefined, number[]>;
}

export interface DossierCompletionTable {
  dossier_id: number;
  completed_at: Timestamp;
  due_at: NullableTimestamp;
  outcome: 'result_returned' | 'stopped';
  timing: Timing | null;
  supplement_count: number;
  indicator_timing: Timing | null;
}

export interface WorkflowTables {
  process_definition: ProcessDefinitionTable;
  process_step: ProcessStepTable;
  dossier_apology: DossierApologyTable;
  dossier_step: DossierStepTable;
  dossier_task: DossierTaskTable;
  dossier_task_alert: DossierTaskAlertTable;
  dossier_completion: DossierCompletionTable;
}
