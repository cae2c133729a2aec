import type { ColumnType, Generated } from 'kysely';

/** A data-encryption key or the blind-index key, wrapped by a master key (migrations/202611241200_personal_data_encryption.sql). */
export interface DataKeyTable {
  id: Generated<number>;
  purpose: 'data' | 'index';
  wrapped_key: string;
  master_key_id: string;
  is_current: boolean;
  created_at: Generated<Date>;
  rewrapped_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface CryptoTables {
  data_key: DataKeyTable;
}
