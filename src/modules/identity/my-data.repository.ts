import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { FieldCipher } from '../../platform/crypto/index.js';

/** The SQL of the "my data" page (Decree 13/2023/NĐ-CP): what the account holds, who read its dossiers, erasure. */
export class MyDataRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly cipher: FieldCipher,
  ) {}

  async account(userId: number) {
    return this.db.selectFrom('app_user').select(['id', 'kind', 'username', 'display_name', 'created_at']).where('id', '=', userId).executeTakeFirst();
  }

  /** The profile as the citizen gave it: identity number and phone opened; the blind indexes are not theirs to read. */
  async profile(userId: number) {
    const row = await this.db.selectFrom('citizen_profile').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!row) return undefined;
    const { personal_id_index: _personalIdIndex, phone_index: _phoneIndex, ...rest } = row;
    return { ...rest, personal_id: await this.cipher.openOptional(row.personal_id), phone: await this.cipher.openOptional(row.phone) };
  }

  async consents(userId: number) {
    return this.db.selectFrom('consent').select(['purpose', 'notice_version', 'given_at', 'withdrawn_at']).where('user_id', '=', userId).orderBy('given_at').execute();
  }

  async organisations(userId: number) {
    return this.db.selectFrom('citizen_organisation').selectAll().where('user_id', '=', userId).orderBy('id').execute();
  }

  async sessions(userId: number) {
    // Not the hashed session id nor the provider's token: secrets, not personal data.
    return this.db.selectFrom('session').select(['created_at', 'last_seen_at', 'expires_at', 'user_agent', 'ip']).where('user_id', '=', userId).execute();
  }

  async externalIdentities(userId: number) {
    return this.db.selectFrom('external_identity').selectAll().where('user_id', '=', userId).execute() as Promise<Record<string, unknown>[]>;
  }

  /**
   * Officers' reads and actions on the given dossiers, newest first (audit trail). The audit trail keeps ids only;
   * the names come from the accounts and agencies as they are now.
   */
  async officerAccess(dossierIds: readonly number[], limit: number) {
    if (dossierIds.length === 0) return [];
    return this.db
      .selectFrom('audit_event as e')
      .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
      .leftJoin('agency as a', 'a.id', 'e.agency_id')
      .select(['e.at', 'e.action', 'e.subject_id', 'u.display_name as officer_name', 'a.name as agency_name'])
      .where('e.subject_type', '=', 'dossier')
      .where('e.subject_id', 'in', dossierIds.map(String))
      .where('e.actor_kind', '=', 'officer')
      .orderBy('e.at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Dossiers of the applicant not yet finished: their data must stay while they are processed. */
  async dossiersInProgress(userId: number): Promise<number> {
    const row = await this.db
      .selectFrom('dossier')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('applicant_user_id', '=', userId)
      .where('status', 'not in', ['refused', 'withdrawn', 'stopped', 'result_returned'])
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Storage keys of the account's draft uploads (deleted from storage after the erasure commits). */
  async draftFiles(userId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('draft_upload as u')
      .innerJoin('dossier_draft as d', 'd.id', 'u.draft_id')
      .select('u.storage_key')
      .where('d.owner_user_id', '=', userId)
      .where('d.submitted_dossier_id', 'is', null)
      // A vault document attached by reference belongs to the vault (and to the result it came from), not the draft.
      .where('u.source', '!=', 'vault')
      .execute();
    return rows.map((r) => r.storage_key);
  }

  /**
   * Erases what the account holds beyond what the law requires to keep: profile, organisations, open drafts,
   * sessions and codes; withdraws consents (kept as proof, Decree 13 art. 9); the account itself is kept as an
   * anonymous row because finished dossiers (kept for the archive period) and the audit trail refer to it.
   */
  async erase(trx: Transaction<Schema>, userId: number, now: Date): Promise<void> {
    await trx.deleteFrom('citizen_profile').where('user_id', '=', userId).execute();
    await trx.deleteFrom('citizen_organisation').where('user_id', '=', userId).execute();
    await trx.deleteFrom('dossier_draft').where('owner_user_id', '=', userId).where('submitted_dossier_id', 'is', null).execute();
    await trx.deleteFrom('session').where('user_id', '=', userId).execute();
    await trx.deleteFrom('one_time_code').where('user_id', '=', userId).execute();
    await trx.deleteFrom('external_identity').where('user_id', '=', userId).execute();
    // The vault's entries go; the files stay, because each is also an issued result the archive keeps.
    await trx.deleteFrom('vault_document').where('owner_user_id', '=', userId).execute();
    await trx.updateTable('consent').set({ withdrawn_at: now }).where('user_id', '=', userId).where('withdrawn_at', 'is', null).execute();
    await trx
      .updateTable('app_user')
      .set({ username: sql<string>`'deleted-' || id::text`, display_name: '', password_hash: '!' })
      .where('id', '=', userId)
      .execute();
  }
}
