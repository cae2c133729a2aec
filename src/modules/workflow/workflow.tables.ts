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

export interface WorkflowTables {
  process_definition: ProcessDefinitionTable;
  process_step: ProcessStepTable;
  dossier_apology: DossierApologyTable;
}
