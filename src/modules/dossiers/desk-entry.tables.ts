import type { Generated } from 'kysely';

/** A draft entered at the desk for a walk-in or postal dossier (see desk-entry.ts). */
export interface DeskEntryDraftTable {
  draft_id: string;
  channel: 'in_person' | 'post';
  agency_id: number;
  created_by: number;
  created_at: Generated<Date>;
}

export interface DeskEntryTables {
  desk_entry_draft: DeskEntryDraftTable;
}
