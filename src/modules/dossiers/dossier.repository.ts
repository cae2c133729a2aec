import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { ApplicantSnapshot, DossierChannel, DossierStatus, ResultDelivery } from './dossiers.tables.js';

type Db = Kysely<Schema> | Transaction<Schema>;

export interface NewDossier {
  code: string;
  lookupSecret: string;
  draftId: string | null;
  procedureId: number;
  procedureVersionId: number;
  formVersion: string;
  applicantUserId: number | null;
  applicant: ApplicantSnapshot;
  onBehalfOf: unknown;
  receivingAgencyId: number;
  channel: DossierChannel;
  status: DossierStatus;
  values: Record<string, unknown>;
  resultDelivery: ResultDelivery;
  phoneLast4: string | null;
}

export interface NewEvent {
  dossierId: number;
  actorUserId: number | null;
  actorKind: 'citizen' | 'officer' | 'system';
  action: string;
  fromStatus: DossierStatus | null;
  toStatus: DossierStatus | null;
  fromAgencyId?: number | null;
  toAgencyId?: number | null;
  reason?: string | null;
  visibleToPublic?: boolean;
}

/** The only place with SQL for drafts and dossiers. */
export class DossierRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  transaction<T>(fn: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  // ---- procedures and agencies (read-only views of other modules' tables) ----

  async procedureForSubmission(code: string) {
    return this.db
      .selectFrom('procedure as p')
      .select(['p.id', 'p.code', 'p.name', 'p.online_offered', 'p.current_version_id', 'p.status'])
      .where('p.code', '=', code)
      .executeTakeFirst();
  }

  async procedureById(id: number) {
    return this.db.selectFrom('procedure').select(['id', 'code', 'name']).where('id', '=', id).executeTakeFirstOrThrow();
  }

  async versionContent(versionId: number) {
    return this.db.selectFrom('procedure_version').select(['id', 'content']).where('id', '=', versionId).executeTakeFirstOrThrow();
  }

  /** Agencies of this portal that receive the procedure, service centres first. */
  async receivingAgencies(procedureId: number) {
    return this.db
      .selectFrom('procedure_agency as pa')
      .innerJoin('agency as a', 'a.id', 'pa.agency_id')
      .select(['a.id', 'a.code', 'a.name', 'a.kind', 'a.commune_code', 'a.address'])
      .where('pa.procedure_id', '=', procedureId)
      .where('a.active', '=', true)
      .where('a.kind', 'in', ['service_centre', 'commune_committee', 'department', 'province_committee'])
      .orderBy(sql`case a.kind when 'service_centre' then 0 when 'commune_committee' then 1 else 2 end`)
      .orderBy('a.name')
      .execute();
  }

  /** What the slip prints about the receiving agency: its governing body and the short name of its province. */
  async slipAgency(agencyCode: string): Promise<{ parentName: string | null; provinceName: string | null }> {
    const row = await this.db
      .selectFrom('agency as a')
      .leftJoin('agency as p', 'p.id', 'a.parent_id')
      .leftJoin('administrative_unit_edition as e', (j) => j.on('e.is_current', '=', true))
      .leftJoin('administrative_unit as u', (j) => j.onRef('u.edition_id', '=', 'e.id').onRef('u.code', '=', 'a.province_code'))
      .select(['p.name as parent_name', 'u.name as province_name'])
      .where('a.code', '=', agencyCode)
      .executeTakeFirst();
    return { parentName: row?.parent_name ?? null, provinceName: row?.province_name ?? null };
  }

  async agencyById(id: number) {
    return this.db.selectFrom('agency').select(['id', 'code', 'name', 'address', 'phone']).where('id', '=', id).executeTakeFirst();
  }

  // ---- drafts ----

  async insertDraft(d: {
    id: string;
    ownerUserId: number;
    procedureId: number;
    procedureVersionId: number;
    formVersion: string;
    values: Record<string, unknown>;
    onBehalfOf: unknown;
    expiresAt: Date;
  }) {
    await this.db
      .insertInto('dossier_draft')
      .values({
        id: d.id,
        owner_user_id: d.ownerUserId,
        procedure_id: d.procedureId,
        procedure_version_id: d.procedureVersionId,
        form_version: d.formVersion,
        values: JSON.stringify(d.values),
        on_behalf_of: d.onBehalfOf === null ? null : JSON.stringify(d.onBehalfOf),
        expires_at: d.expiresAt,
      })
      .execute();
  }

  async latestOpenDraft(ownerUserId: number, procedureId: number, now: Date) {
    return this.db
      .selectFrom('dossier_draft')
      .selectAll()
      .where('owner_user_id', '=', ownerUserId)
      .where('procedure_id', '=', procedureId)
      .where('submitted_dossier_id', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async draft(id: string, db: Db = this.db, forUpdate = false) {
    let q = db.selectFrom('dossier_draft').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async openDrafts(ownerUserId: number, now: Date) {
    return this.db
      .selectFrom('dossier_draft as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .select(['d.id', 'd.updated_at', 'd.expires_at', 'p.code as procedure_code', 'p.name as procedure_name'])
      .where('d.owner_user_id', '=', ownerUserId)
      .where('d.submitted_dossier_id', 'is', null)
      .where('d.expires_at', '>', now)
      .orderBy('d.updated_at', 'desc')
      .execute();
  }

  async updateDraft(id: string, patch: { values?: Record<string, unknown>; lastSection?: string; receivingAgencyId?: number | null; resultDelivery?: ResultDelivery | null; expiresAt?: Date }) {
    await this.db
      .updateTable('dossier_draft')
      .set({
        ...(patch.values ? { values: JSON.stringify(patch.values) } : {}),
        ...(patch.lastSection !== undefined ? { last_section: patch.lastSection } : {}),
        ...(patch.receivingAgencyId !== undefined ? { receiving_agency_id: patch.receivingAgencyId } : {}),
        ...(patch.resultDelivery !== undefined ? { result_delivery: patch.resultDelivery } : {}),
        ...(patch.expiresAt ? { expires_at: patch.expiresAt } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
  }

  async markDraftSubmitted(trx: Transaction<Schema>, draftId: string, dossierId: number) {
    await trx.updateTable('dossier_draft').set({ submitted_dossier_id: dossierId, updated_at: sql`now()` }).where('id', '=', draftId).execute();
  }

  async deleteExpiredDrafts(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('dossier_draft').where('submitted_dossier_id', 'is', null).where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async draftUploads(draftId: string, db: Db = this.db) {
    return db.selectFrom('draft_upload').selectAll().where('draft_id', '=', draftId).orderBy('id').execute();
  }

  async insertDraftUpload(u: { draftId: string; fieldId: string; requirementName: string; storageKey: string; fileName: string; mime: string; size: number; sha256: string; pages: number | null }) {
    return this.db
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
  }

  async deleteDraftUpload(draftId: string, uploadId: number): Promise<boolean> {
    const r = await this.db.deleteFrom('draft_upload').where('draft_id', '=', draftId).where('id', '=', uploadId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // ---- dossiers ----

  async insertDossier(trx: Transaction<Schema>, d: NewDossier): Promise<number> {
    const row = await trx
      .insertInto('dossier')
      .values({
        code: d.code,
        lookup_secret: d.lookupSecret,
        draft_id: d.draftId,
        procedure_id: d.procedureId,
        procedure_version_id: d.procedureVersionId,
        form_version: d.formVersion,
        applicant_user_id: d.applicantUserId,
        applicant: JSON.stringify(d.applicant),
        on_behalf_of: d.onBehalfOf === null || d.onBehalfOf === undefined ? null : JSON.stringify(d.onBehalfOf),
        receiving_agency_id: d.receivingAgencyId,
        holder_agency_id: d.receivingAgencyId,
        channel: d.channel,
        status: d.status,
        values: JSON.stringify(d.values),
        result_delivery: d.resultDelivery,
        phone_last4: d.phoneLast4,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async setCode(trx: Transaction<Schema>, dossierId: number, code: string): Promise<void> {
    await trx.updateTable('dossier').set({ code }).where('id', '=', dossierId).execute();
  }

  async copyUploadsToDocuments(trx: Transaction<Schema>, draftId: string, dossierId: number) {
    await sql`insert into dossier_document (dossier_id, field_id, requirement_name, storage_key, file_name, mime, size_bytes, sha256, pages, source)
      select ${dossierId}, field_id, requirement_name, storage_key, file_name, mime, size_bytes, sha256, pages, 'upload'
      from draft_upload where draft_id = ${draftId} order by id`.execute(trx);
  }

  async insertDocument(trx: Db, dossierId: number, u: { fieldId: string; requirementName: string; storageKey: string; fileName: string; mime: string; size: number; sha256: string; pages: number | null; source: 'upload' | 'supplement' | 'scan' }) {
    await trx
      .insertInto('dossier_document')
      .values({
        dossier_id: dossierId,
        field_id: u.fieldId,
        requirement_name: u.requirementName,
        storage_key: u.storageKey,
        file_name: u.fileName,
        mime: u.mime,
        size_bytes: u.size,
        sha256: u.sha256,
        pages: u.pages,
        source: u.source,
      })
      .execute();
  }

  async insertEvent(trx: Db, e: NewEvent) {
    await trx
      .insertInto('dossier_event')
      .values({
        dossier_id: e.dossierId,
        actor_user_id: e.actorUserId,
        actor_kind: e.actorKind,
        action: e.action,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        from_agency_id: e.fromAgencyId ?? null,
        to_agency_id: e.toAgencyId ?? null,
        reason: e.reason ?? null,
        visible_to_public: e.visibleToPublic ?? true,
      })
      .execute();
  }

  private dossierQuery(db: Db) {
    return db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .innerJoin('agency as ra', 'ra.id', 'd.receiving_agency_id')
      .innerJoin('agency as ha', 'ha.id', 'd.holder_agency_id')
      .selectAll('d')
      .select(['p.code as procedure_code', 'p.name as procedure_name', 'ra.name as receiving_agency_name', 'ra.code as receiving_agency_code', 'ha.name as holder_agency_name']);
  }

  async dossierByCode(code: string, db: Db = this.db, forUpdate = false) {
    let q = this.dossierQuery(db).where('d.code', '=', code);
    // Lock the dossier row only, not the procedure and agency rows joined for display.
    if (forUpdate) q = q.forUpdate('d');
    return q.executeTakeFirst();
  }

  async dossierById(id: number, db: Db = this.db) {
    return this.dossierQuery(db).where('d.id', '=', id).executeTakeFirstOrThrow();
  }

  async dossiersOf(userId: number, limit: number, offset: number) {
    return this.dossierQuery(this.db).where('d.applicant_user_id', '=', userId).orderBy('d.submitted_at', 'desc').limit(limit).offset(offset).execute();
  }

  async events(dossierId: number, publicOnly: boolean) {
    let q = this.db
      .selectFrom('dossier_event as e')
      .leftJoin('agency as fa', 'fa.id', 'e.from_agency_id')
      .leftJoin('agency as ta', 'ta.id', 'e.to_agency_id')
      .select(['e.id', 'e.at', 'e.action', 'e.from_status', 'e.to_status', 'e.reason', 'e.actor_kind', 'fa.name as from_agency', 'ta.name as to_agency'])
      .where('e.dossier_id', '=', dossierId);
    if (publicOnly) q = q.where('e.visible_to_public', '=', true);
    return q.orderBy('e.id').execute();
  }

  async documents(dossierId: number) {
    return this.db.selectFrom('dossier_document').selectAll().where('dossier_id', '=', dossierId).orderBy('id').execute();
  }

  async messages(dossierId: number) {
    return this.db.selectFrom('dossier_message').selectAll().where('dossier_id', '=', dossierId).orderBy('id').execute();
  }

  async openSupplement(dossierId: number, db: Db = this.db) {
    return db
      .selectFrom('supplement_request')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .where('answered_at', 'is', null)
      .orderBy('requested_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async insertSupplementRequest(trx: Db, r: { dossierId: number; requestedBy: number | null; items: { name: string; reason: string }[]; note: string }) {
    return trx
      .insertInto('supplement_request')
      .values({ dossier_id: r.dossierId, requested_by: r.requestedBy, items: JSON.stringify(r.items), note: r.note })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  async answerSupplement(trx: Db, id: number, note: string) {
    await trx.updateTable('supplement_request').set({ answered_at: sql`now()`, answer_note: note }).where('id', '=', id).execute();
  }

  async setStatus(trx: Db, dossierId: number, status: DossierStatus, extra: { completedAt?: boolean } = {}) {
    await trx
      .updateTable('dossier')
      .set({
        status,
        row_version: sql`row_version + 1`,
        updated_at: sql`now()`,
        ...(extra.completedAt ? { completed_at: sql`now()` } : {}),
      })
      .where('id', '=', dossierId)
      .execute();
  }

  async insertMessage(trx: Db, m: { dossierId: number; authorUserId: number | null; authorKind: 'citizen' | 'officer'; body: string }) {
    await trx.insertInto('dossier_message').values({ dossier_id: m.dossierId, author_user_id: m.authorUserId, author_kind: m.authorKind, body: m.body }).execute();
  }

  /** The answers of the applicant's latest dossier of a procedure (for "once only" prefill). */
  async latestValues(userId: number, procedureCode: string): Promise<Record<string, unknown> | null> {
    const row = await this.db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .select('d.values')
      .where('d.applicant_user_id', '=', userId)
      .where('p.code', '=', procedureCode)
      .orderBy('d.submitted_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.values ?? null;
  }

  /** Storage keys of the uploads of drafts past their expiry (the purge job deletes the files, then the drafts). */
  async expiredDraftUploads(now: Date, limit: number) {
    return this.db
      .selectFrom('draft_upload as u')
      .innerJoin('dossier_draft as d', 'd.id', 'u.draft_id')
      .select(['u.id', 'u.storage_key'])
      .where('d.submitted_dossier_id', 'is', null)
      .where('d.expires_at', '<=', now)
      .limit(limit)
      .execute();
  }

  async deleteDraftUploads(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.db.deleteFrom('draft_upload').where('id', 'in', ids).execute();
  }

  /** Who received the dossier at the desk (printed on the slip), from its history. */
  async receivingOfficerName(dossierId: number): Promise<string | null> {
    const row = await this.db
      .selectFrom('dossier_event as e')
      .innerJoin('app_user as u', 'u.id', 'e.actor_user_id')
      .select('u.display_name')
      .where('e.dossier_id', '=', dossierId)
      .where('e.action', '=', 'received')
      .orderBy('e.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.display_name ?? null;
  }

  async countDossiers(): Promise<number> {
    const r = await this.db.selectFrom('dossier').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
