import type { ProcessRole, ProcessStepKind } from './workflow.tables.js';

export type { ProcessRole, ProcessStepKind };

/**
 * An internal process ("quy trình nội bộ") as the engine reads it: ordered steps, each done by a role at the
 * receiving agency or at another agency (inter-agency, "liên thông"), each with its share of the statutory duration.
 * Shares add up to 100 (checked when a definition is saved).
 */
export interface ProcessStep {
  id: number;
  /** 1, 2, 3... in order. */
  position: number;
  kind: ProcessStepKind;
  role: ProcessRole;
  /** 'receiving': the agency that received the dossier; 'fixed': `agencyId`. */
  agencyMode: 'receiving' | 'fixed';
  agencyId: number | null;
  /** Percent of the statutory duration this step may take (0–100). */
  sharePercent: number;
  name: string;
  nameEn: string | null;
}

export interface ProcessDefinition {
  /** Null for the built-in default process (no definition stored for the procedure). */
  id: number | null;
  procedureId: number;
  /** Null = the default for any receiving agency. */
  agencyId: number | null;
  version: number;
  name: string;
  legalBasis: string;
  steps: ProcessStep[];
}
