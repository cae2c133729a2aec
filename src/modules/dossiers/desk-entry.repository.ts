import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import { sealApplicant, sealValues } from './personal-fields.js';
import type { ApplicantSnapshot, ResultDelivery } from './dossiers.tables.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/**
 * The only place with SQL for dossiers entered at the desk (walk-in and postal). Kept apart from
 * dossier.repository.ts: drafts owned by an officer, their channel, and the dossier written with that channel.
 */
export class DeskEntryRepository {
  /** Identity and phone numbers are sealed on write (personal-fields.ts); the database handle opens them on read. */
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly cipher: FieldCipher,
  ) {}

  transaction<T>(fn: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /** Procedures an agency receives (procedure_agency), matching a code or part of the name; for the desk's picker. */
  async receivedProcedures(agencyId: number, search: string, limit: number) {
    let query = this.db
      .selectFrom('procedure_agency as pa')
      .innerJoin('procedure as p', 'p.id', 'pa.procedure_id')
      .select(['p.id', 'p.code', 'p.name'])
      .where('pa.agency_id', '=', agencyId)
      .where('p.status', '=', 'published')
      .where('p.current_version_id', 'is not', null);
    const text = search.trim();
    if (text !== '') {
      const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
      query = query.where((eb) => eb.or([eb('p.code', '=', text), eb('p.name_folded', 'like', sql<string>`'%' || search_fold(${escaped}) || '%'`)]));
    }
    return query.orderBy('p.popularity', 'desc').orderBy('p.name').limit(limit).execute();
  }

  async procedureReceivedBy(agencyId: number, code: string) {
    return this.db
      .selectFrom('procedure_agency as pa')
      .innerJoin('procedure as p', 'p.id', 'pa.procedure_id')
      .select(['p.id', 'p.code', 'p.name', 'p.current_version_id', 'p.status'])
      .where('pa.agency_id', '=', agencyId)
      .where('p.code', '=', code)
      .executeTakeFirst();
  }

  async agency(agencyId: number) {
    return this.db.selectFrom('agency').select(['id', 'code', 'name']).where('id', '=', agencyId).executeTakeFirst();
  }

  async insertDraft(d: { id: string; officerId: number; agencyId: number; procedureId: number; procedureVersionId: number; formVersion: string; channel: 'in_person' | 'post'; resultDelivery: ResultDelivery; expiresAt: Date }) {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('dossier_draft')
        .values({
          id: d.id,
          owner_user_id: d.officerId,
          procedure_id: d.procedureId,
          procedure_version_id: d.procedureVersionId,
          form_version: d.formVersion,
          values: '{}',
          on_behalf_of: null,
          receiving_agency_id: d.agencyId,
          result_delivery: d.resultDelivery,
          expires_at: d.expiresAt,
        })
        .execute();
      await trx.insertInto('desk_entry_draft').values({ draft_id: d.id, channel: d.channel, agency_id: d.agencyId, created_by: d.officerId }).execute();
    });
  }

  /** A desk draft with its channel (undefined for a citizen's draft: those are not desk drafts). */
  async draft(id: string, db: Db = this.db, forUpdate = false) {
    let q = db
      .selectFrom('dossier_draft as d')
      .innerJoin('desk_entry_draft as e', 'e.draft_id', 'd.id')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .selectAll('d')
      .select(['e.channel', 'e.agency_id', 'p.code as procedure_code', 'p.name as procedure_name'])
      .where('d.id', '=', id);
    if (forUpdate) q = q.forUpdate('d');
    return q.executeTakeFirst();
  }

  async uploads(draftId: string, db: Db = this.db) {
    return db.selectFrom('draft_upload').selectAll().where('draft_id', '=', draftId).orderBy('id').execute();
  }

  async updateDraft(id: string, patch: { values?: Record<string, unknown>; lastSection?: string; resultDelivery?: ResultDelivery; expiresAt?: Date }) {
    await this.db
      .updateTable('dossier_draft')
      .set({
        ...(patch.values ? { values: JSON.stringify(await sealValues(this.cipher, patch.values)) } : {}),
        ...(patch.lastSection !== undefined ? { last_section: patch.lastSection } : {}),
        ...(patch.resultDelivery !== undefined ? { result_delivery: patch.resultDelivery } : {}),
        ...(patch.expiresAt ? { expires_at: patch.expiresAt } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
  }

  async insertUpload(u: { draftId: string; fieldId: string; requirementName: string; storageKey: string; fileName: string; mime: string; size: number; sha256: string; pages: number | null }) {
    const row = await this.db
      .insertInto('draft_upload')
      .values({
        draft_id: u.draftId,
        field_id: u.fieldId,
        requirement_name: u.requirementName,
        storage_key: u.storageKey,
        file_name: u.fileName,
        mime: u.mime,
        size_bytes: u.size,
        sha256: u.sha256,
        pages: u.pages,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async deleteUpload(draftId: string, uploadId: number): Promise<boolean> {
    const r = await this.db.deleteFrom('draft_upload').where('draft_id', '=', draftId).where('id', '=', uploadId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async dossierCode(dossierId: number, db: Db = this.db): Promise<string> {
    const row = await db.selectFrom('dossier').select('code').where('id', '=', dossierId).executeTakeFirstOrThrow();
    return row.code;
  }

  /**
   * Writes the dossier of a desk draft: the channel it came by, no applicant account (walk-in applicants often have
   * none; the phone's last digits or the slip's secret open the public lookup), the scans as its documents, the
   * "submitted" event by the officer, and the draft marked submitted. The code is set by the caller afterwards.
   */
  async insertDossier(
    trx: Transaction<Schema>,
    d: {
      draftId: string;
      lookupSecret: string;
      procedureId: number;
      procedureVersionId: number;
      formVersion: string;
      applicant: ApplicantSnapshot;
      agencyId: number;
      channel: 'in_person' | 'post';
      values: Record<string, unknown>;
      resultDelivery: ResultDelivery;
      phoneLast4: string | null;
      officerId: number;
      at: Date;
    },
  ): Promise<number> {
    const row = await trx
      .insertInto('dossier')
      .values({
        code: `pending-${d.draftId}`,
        lookup_secret: d.lookupSecret,
        draft_id: d.draftId,
        procedure_id: d.procedureId,
        procedure_version_id: d.procedureVersionId,
        form_version: d.formVersion,
        applicant_user_id: null,
        applicant: JSON.stringify(await sealApplicant(this.cipher, d.applicant)),
        on_behalf_of: null,
        receiving_agency_id: d.agencyId,
        holder_agency_id: d.agencyId,
        channel: d.channel,
        status: 'awaiting_reception',
        values: JSON.stringify(await sealValues(this.cipher, d.values)),
        result_delivery: d.resultDelivery,
        phone_last4: d.phoneLast4,
        submitted_at: d.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`insert into dossier_document (dossier_id, field_id, requirement_name, storage_key, file_name, mime, size_bytes, sha256, pages, source)
      select ${row.id}, field_id, requirement_name, storage_key, file_name, mime, size_bytes, sha256, pages, 'scan'
      from draft_upload where draft_id = ${d.draftId} order by id`.execute(trx);
    await trx
      .insertInto('dossier_event')
      .values({
        dossier_id: row.id,
        at: d.at,
        actor_user_id: d.officerId,
        actor_kind: 'officer',
        action: 'submitted',
        from_status: null,
        to_status: 'awaiting_reception',
        to_agency_id: d.agencyId,
        visible_to_public: true,
      })
      .execute();
    await trx.updateTable('dossier_draft').set({ submitted_dossier_id: row.id, updated_at: sql`now()` }).where('id', '=', d.draftId).execute();
    return row.id;
  }

  async setCode(trx: Transaction<Schema>, dossierId: number, code: string): Promise<void> {
    await trx.updateTable('dossier').set({ code }).where('id', '=', dossierId).execute();
  }
}
