import type { Kysely, Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';

type Db = Kysely<Schema> | Transaction<Schema>;

export interface NewVaultDocument {
  ownerUserId: number;
  kind: string;
  title: string;
  fileName: string;
  mime: string;
  size: number;
  pages: number | null;
  sha256: string;
  storageKey: string;
  sourceDossierId: number | null;
  dossierResultId: number | null;
  status: 'issued' | 'verified';
}

/** The SQL of the vault. */
export class VaultRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(trx: Db, d: NewVaultDocument): Promise<number> {
    const row = await trx
      .insertInto('vault_document')
      .values({
        owner_user_id: d.ownerUserId,
        kind: d.kind,
        title: d.title,
        file_name: d.fileName,
        mime: d.mime,
        size_bytes: d.size,
        pages: d.pages,
        sha256: d.sha256,
        storage_key: d.storageKey,
        source_dossier_id: d.sourceDossierId,
        dossier_result_id: d.dossierResultId,
        status: d.status,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async ofOwner(ownerUserId: number) {
    return this.db
      .selectFrom('vault_document as v')
      .leftJoin('dossier as d', 'd.id', 'v.source_dossier_id')
      .leftJoin('dossier_result as r', 'r.id', 'v.dossier_result_id')
      .select(['v.id', 'v.kind', 'v.title', 'v.file_name', 'v.mime', 'v.size_bytes', 'v.pages', 'v.sha256', 'v.status', 'v.created_at', 'd.code as dossier_code', 'r.verification_code'])
      .where('v.owner_user_id', '=', ownerUserId)
      .orderBy('v.created_at', 'desc')
      .orderBy('v.id', 'desc')
      .execute();
  }

  async byIdForOwner(id: number, ownerUserId: number) {
    return this.db.selectFrom('vault_document').selectAll().where('id', '=', id).where('owner_user_id', '=', ownerUserId).executeTakeFirst();
  }
}
