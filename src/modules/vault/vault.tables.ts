import type { Generated } from 'kysely';

/** Row types of the vault module's tables; platform/db/schema.ts composes them into the Database. */
export interface VaultDocumentTable {
  id: Generated<number>;
  owner_user_id: number;
  kind: string;
  title: string;
  file_name: string;
  mime: string;
  size_bytes: number;
  pages: number | null;
  sha256: string;
  storage_key: string;
  source_dossier_id: number | null;
  dossier_result_id: number | null;
  status: 'issued' | 'verified';
  created_at: Generated<Date>;
}

export interface VaultTables {
  vault_document: VaultDocumentTable;
}
