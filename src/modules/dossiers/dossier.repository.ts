import { sql, type Kysely, type Transaction } from 'kysely';
import { drawDossierCodes } from './dossier-code.js';
import { prepared } from '../../platform/db/prepared.js';
import { latestFormStamp } from '../forms/index.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import { sealApplicant, sealValues } from './personal-fields.js';
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
  /** The moment (default: the transaction's now()). */
  at?: Date;
  /** The step the dossier was at, and its due moment (control slip, form 06). */
  stepName?: string | null;
  stepDueAt?: Date | null;
}

/** An upload of a draft as its pages list it. */
export interface DraftUploadRow {
  id: number;
  field_id: string;
  file_name: string;
  size_bytes: number;
  mime: string;
  pages: number | null;
  source: 'upload' | 'vault';
}

export interface SubmitDraft {
  draftId: string;
  ownerUserId: number;
  /** `version` of `draftWithContext`: the draft's `updated_at` in microseconds when it was validated. */
  draftVersion: string;
  /** Drawn by `drawCodes`. */
  code: string;
  lookupSecret: string;
  procedureId: number;
  procedureVersionId: number;
  formVersion: string;
  applicant: ApplicantSnapshot;
  receivingAgencyId: number;
  resultDelivery: ResultDelivery;
  phoneLast4: string | null;
}

/** The only place with SQL for drafts and dossiers. */
/**
 * SQL of dossiers and drafts. Identity and phone numbers in the applicant snapshot and the form values are sealed
 * on write here (personal-fields.ts) and opened on read by the database handle's plugin (platform/crypto), so
 * services see plaintext.
 */
export class DossierRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly cipher: FieldCipher,
  ) {}

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
        values: JSON.stringify(await sealValues(this.cipher, d.values)),
        on_behalf_of: d.onBehalfOf === null ? null : JSON.stringify(d.onBehalfOf),
        expires_at: d.expiresAt,
      })
      .execute();
  }

  async latestOpenDraft(ownerUserId: number, procedureId: number, now: Date) {
    const row = await this.db
      .selectFrom('dossier_draft')
      .selectAll()
      .where('owner_user_id', '=', ownerUserId)
      .where('procedure_id', '=', procedureId)
      .where('submitted_dossier_id', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row;
  }

  /**
   * A draft with what its pages and its submission need, in one query: the procedure, the uploads (oldest first),
   * the chosen receiving agency, and `version`, the exact `updated_at` in microseconds (a JavaScript date keeps
   * milliseconds only), which `submitDraft` compares to notice an edit made after validation, and `form_stamp`, which
   * stored form the procedure has now (the forms module answers from its cache with it).
   */
  async draftWithContext(id: string) {
    const row = await this.db
      .selectFrom('dossier_draft as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .leftJoin('agency as a', 'a.id', 'd.receiving_agency_id')
      .select(['d.id', 'd.owner_user_id', 'd.procedure_id', 'd.procedure_version_id', 'd.form_version', 'd.on_behalf_of', 'd.values', 'd.receiving_agency_id', 'd.result_delivery', 'd.last_section', 'd.submitted_dossier_id', 'd.created_at', 'd.updated_at', 'd.expires_at'])
      .select([
        'p.code as procedure_code',
        'p.name as procedure_name',
        'a.code as agency_code',
        sql<string>`(extract(epoch from d.updated_at) * 1000000)::bigint::text`.as('version'),
        latestFormStamp(sql.ref('p.code')).as('form_stamp'),
        sql<DraftUploadRow[]>`coalesce((
          select json_agg(json_build_object('id', u.id, 'field_id', u.field_id, 'file_name', u.file_name, 'size_bytes', u.size_bytes, 'mime', u.mime, 'pages', u.pages, 'source', u.source) order by u.id)
          from draft_upload u where u.draft_id = d.id), '[]'::json)`.as('uploads'),
      ])
      .where('d.id', '=', id)
      .modifyEnd(prepared)
      .executeTakeFirst();
    return row;
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
        ...(patch.values ? { values: JSON.stringify(await sealValues(this.cipher, patch.values)) } : {}),
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

  async insertDraftUpload(u: { draftId: string; fieldId: string; requirementName: string; storageKey: string; fileName: string; mime: string; size: number; sha256: string; pages: number | null; source?: 'upload' | 'vault' }) {
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
        source: u.source ?? 'upload',
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
        applicant: JSON.stringify(await sealApplicant(this.cipher, d.applicant)),
        on_behalf_of: d.onBehalfOf === null || d.onBehalfOf === undefined ? null : JSON.stringify(d.onBehalfOf),
        receiving_agency_id: d.receivingAgencyId,
        holder_agency_id: d.receivingAgencyId,
        channel: d.channel,
        status: d.status,
        values: JSON.stringify(await sealValues(this.cipher, d.values)),
        result_delivery: d.resultDelivery,
        phone_last4: d.phoneLast4,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * Submits drafts in one statement, inside the caller's transaction (one draft, or a batch: `SubmissionService`'s
   * group commit). For each: locks the draft row (only while it is still unsubmitted, owned by `ownerUserId` and
   * unchanged since `draftVersion` was read), inserts the dossier under its `code` with the draft's stored answers,
   * copies the uploads into its documents, writes the first history event and marks the draft submitted. Answers in
   * the order of `drafts`; undefined for a draft not in that state (submitted meanwhile, edited, or not this
   * citizen's), for which nothing is written: the caller reads it again to say which. Draft rows are locked in id
   * order, so two batches cannot deadlock; a draft may appear only once.
   *
   * The codes were drawn before the transaction (`drawCodes`), so no counter row is locked here.
   */
  async submitDrafts(trx: Transaction<Schema>, drafts: readonly SubmitDraft[]): Promise<({ id: number; code: string } | undefined)[]> {
    if (drafts.length === 0) return [];
    const batch = JSON.stringify(
      await Promise.all(
        drafts.map(async (s) => ({
          draft_id: s.draftId,
          owner_user_id: s.ownerUserId,
          draft_version: s.draftVersion,
          code: s.code,
          lookup_secret: s.lookupSecret,
          procedure_id: s.procedureId,
          procedure_version_id: s.procedureVersionId,
          form_version: s.formVersion,
          applicant: await sealApplicant(this.cipher, s.applicant),
          receiving_agency_id: s.receivingAgencyId,
          result_delivery: s.resultDelivery,
          phone_last4: s.phoneLast4,
        })),
      ),
    );
    // The answers are copied as stored (sealed) from the draft rows it locks: the version check makes them the ones
    // validated, and they are neither opened nor sealed again.
    const result = await sql<{ id: number; code: string; draft_id: string }>`
      with batch as (
        select * from jsonb_to_recordset(${batch}::jsonb) as b(draft_id uuid, owner_user_id integer, draft_version bigint, code text, lookup_secret text,
          procedure_id integer, procedure_version_id integer, form_version text, applicant jsonb, receiving_agency_id integer, result_delivery text, phone_last4 text)
      ), locked as (
        select d.id, d.values from dossier_draft d join batch b on b.draft_id = d.id
        where d.owner_user_id = b.owner_user_id and d.submitted_dossier_id is null
          and (extract(epoch from d.updated_at) * 1000000)::bigint = b.draft_version
        order by d.id
        for update of d
      ), new_dossier as (
        insert into dossier (code, lookup_secret, draft_id, procedure_id, procedure_version_id, form_version, applicant_user_id, applicant,
          on_behalf_of, receiving_agency_id, holder_agency_id, channel, status, values, result_delivery, phone_last4)
        select b.code, b.lookup_secret, b.draft_id, b.procedure_id, b.procedure_version_id, b.form_version, b.owner_user_id, b.applicant,
          null, b.receiving_agency_id, b.receiving_agency_id, 'online', 'awaiting_reception', locked.values, b.result_delivery, b.phone_last4
        from locked join batch b on b.draft_id = locked.id
        returning id, code, draft_id, applicant_user_id, receiving_agency_id
      ), documents as (
        insert into dossier_document (dossier_id, field_id, requirement_name, storage_key, file_name, mime, size_bytes, sha256, pages, source)
        select n.id, u.field_id, u.requirement_name, u.storage_key, u.file_name, u.mime, u.size_bytes, u.sha256, u.pages, u.source
        from new_dossier n join draft_upload u on u.draft_id = n.draft_id order by n.id, u.id
      ), first_event as (
        insert into dossier_event (dossier_id, actor_user_id, actor_kind, action, from_status, to_status, to_agency_id, visible_to_public)
        select n.id, n.applicant_user_id, 'citizen', 'submitted', null, 'awaiting_reception', n.receiving_agency_id, true from new_dossier n
      ), marked as (
        update dossier_draft set submitted_dossier_id = n.id, updated_at = now() from new_dossier n where dossier_draft.id = n.draft_id
      )
      select id, code, draft_id from new_dossier${prepared}`.execute(trx);
    const written = new Map(result.rows.map((r) => [r.draft_id, { id: Number(r.id), code: r.code }]));
    return drafts.map((s) => written.get(s.draftId));
  }

  /** One draft: `submitDrafts` with a batch of one. */
  async submitDraft(trx: Transaction<Schema>, s: SubmitDraft): Promise<{ id: number; code: string } | undefined> {
    return (await this.submitDrafts(trx, [s]))[0];
  }

  /**
   * Dossier codes, one per request and in order, drawn in one auto-committed statement (`drawDossierCodes`): the
   * counter rows are locked for that statement only, not through a submission's transaction, so submissions to one
   * agency do not queue behind each other's writes. A submission that then writes nothing (a second click on a draft
   * already being submitted, a crash before commit) leaves a gap in the day's numbers; a code is never given twice
   * (dossier-code.ts).
   */
  async drawCodes(requests: readonly { agencyCode: string; at: Date }[]): Promise<string[]> {
    return drawDossierCodes(this.db, requests);
  }

  /** The code of a dossier (an idempotent submission answers with it). */
  async dossierCode(id: number, db: Db = this.db): Promise<string> {
    const row = await db.selectFrom('dossier').select('code').where('id', '=', id).executeTakeFirstOrThrow();
    return row.code;
  }

  async setCode(trx: Transaction<Schema>, dossierId: number, code: string): Promise<void> {
    await trx.updateTable('dossier').set({ code }).where('id', '=', dossierId).execute();
  }

  async copyUploadsToDocuments(trx: Transaction<Schema>, draftId: string, dossierId: number) {
    await sql`insert into dossier_document (dossier_id, field_id, requirement_name, storage_key, file_name, mime, size_bytes, sha256, pages, source)
      select ${dossierId}, field_id, requirement_name, storage_key, file_name, mime, size_bytes, sha256, pages, source
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
        ...(e.at ? { at: e.at } : {}),
        step_name: e.stepName ?? null,
        step_due_at: e.stepDueAt ?? null,
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
      // A vault reference shares the vault's stored file: the row goes with the draft, the file stays.
      .where('u.source', '=', 'upload')
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
