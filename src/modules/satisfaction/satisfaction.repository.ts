import type { Kysely, Transaction } from 'kysely';
import type { Database as Schema, OfficeHours } from '../../platform/db/schema.js';
import type { DossierStatus } from '../dossiers/index.js';
import type { AnswerTiming, ComplaintCategory, ComplaintStatus, RatingVia } from './satisfaction.tables.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/** Where the applicant's messages go: the contacts the dossier was filed with (its applicant snapshot). */
export interface ApplicantContact {
  fullName: string;
  phone: string | null;
  email: string | null;
}

export interface DossierRow {
  id: number;
  code: string;
  status: DossierStatus;
  applicantUserId: number | null;
  applicant: ApplicantContact;
  agencyId: number;
  agencyName: string;
  officeHours: OfficeHours[];
  procedureName: string;
  receivedAt: Date | null;
  completedAt: Date | null;
}

export interface ComplaintRow {
  id: number;
  dossierId: number;
  dossierCode: string;
  procedureName: string;
  agencyId: number;
  category: ComplaintCategory;
  body: string;
  via: RatingVia;
  receivedAt: Date;
  dueAt: Date;
  status: ComplaintStatus;
  answer: string | null;
  answeredAt: Date | null;
  answerTiming: AnswerTiming | null;
  rowVersion: number;
}

/** The only place with SQL for ratings, rating links and complaints. */
export class SatisfactionRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  transaction<T>(work: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  private dossierQuery(db: Db) {
    return db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .innerJoin('agency as a', 'a.id', 'd.receiving_agency_id')
      .select(['d.id', 'd.code', 'd.status', 'd.applicant_user_id', 'd.applicant', 'd.receiving_agency_id', 'a.name as agency_name', 'a.office_hours', 'p.name as procedure_name', 'd.received_at', 'd.completed_at']);
  }

  private static present(row: {
    id: number | string;
    code: string;
    status: DossierStatus;
    applicant_user_id: number | null;
    applicant: { fullName?: string; phone?: string | null; email?: string | null } | null;
    receiving_agency_id: number;
    agency_name: string;
    office_hours: OfficeHours[];
    procedure_name: string;
    received_at: Date | null;
    completed_at: Date | null;
  }): DossierRow {
    return {
      id: Number(row.id),
      code: row.code,
      status: row.status,
      applicantUserId: row.applicant_user_id,
      applicant: { fullName: row.applicant?.fullName ?? '', phone: row.applicant?.phone ?? null, email: row.applicant?.email ?? null },
      agencyId: row.receiving_agency_id,
      agencyName: row.agency_name,
      officeHours: row.office_hours ?? [],
      procedureName: row.procedure_name,
      receivedAt: row.received_at,
      completedAt: row.completed_at,
    };
  }

  async dossierByCode(code: string): Promise<DossierRow | undefined> {
    const row = await this.dossierQuery(this.db).where('d.code', '=', code).executeTakeFirst();
    return row ? SatisfactionRepository.present(row) : undefined;
  }

  async dossierById(id: number): Promise<DossierRow | undefined> {
    const row = await this.dossierQuery(this.db).where('d.id', '=', id).executeTakeFirst();
    return row ? SatisfactionRepository.present(row) : undefined;
  }

  /** The dossier, its row locked: ratings and complaints of one dossier are decided one at a time. */
  async lockDossier(trx: Transaction<Schema>, id: number): Promise<DossierRow | undefined> {
    // Only the dossier's row (`of d`): the agency and procedure rows it joins stay unlocked.
    const row = await this.dossierQuery(trx).where('d.id', '=', id).forUpdate('d').executeTakeFirst();
    return row ? SatisfactionRepository.present(row) : undefined;
  }

  // ---- ratings ----

  async rating(dossierId: number) {
    const row = await this.db.selectFrom('satisfaction_rating').selectAll().where('dossier_id', '=', dossierId).executeTakeFirst();
    return row ? { overall: row.overall, answers: row.answers, comment: row.comment, via: row.via, ratedAt: row.rated_at } : null;
  }

  /** Inserts the rating; false when the dossier already has one (the primary key). */
  async insertRating(
    trx: Transaction<Schema>,
    r: { dossierId: number; agencyId: number; overall: number; answers: Record<string, string>; comment: string; via: RatingVia; userId: number | null; at: Date },
  ): Promise<boolean> {
    const result = await trx
      .insertInto('satisfaction_rating')
      .values({ dossier_id: r.dossierId, agency_id: r.agencyId, overall: r.overall, answers: JSON.stringify(r.answers), comment: r.comment, via: r.via, rated_by_user_id: r.userId, rated_at: r.at })
      .onConflict((oc) => oc.column('dossier_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  // ---- rating links ----

  /** The dossier's link (one per dossier; a new one replaces an unused earlier one). */
  async saveInvitation(trx: Transaction<Schema>, dossierId: number, tokenHash: string, expiresAt: Date): Promise<void> {
    await trx
      .insertInto('satisfaction_invitation')
      .values({ dossier_id: dossierId, token_hash: tokenHash, expires_at: expiresAt })
      .onConflict((oc) => oc.column('dossier_id').doUpdateSet({ token_hash: tokenHash, expires_at: expiresAt, used_at: null }))
      .execute();
  }

  async invitation(tokenHash: string, db: Db = this.db) {
    const row = await db.selectFrom('satisfaction_invitation').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? { dossierId: Number(row.dossier_id), expiresAt: row.expires_at, usedAt: row.used_at } : null;
  }

  /** Marks the link used, once: false when it was used (or replaced) meanwhile. */
  async useInvitation(trx: Transaction<Schema>, tokenHash: string, at: Date): Promise<boolean> {
    const result = await trx
      .updateTable('satisfaction_invitation')
      .set({ used_at: at })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  // ---- complaints ----

  private complaintQuery(db: Db) {
    return db
      .selectFrom('complaint as k')
      .innerJoin('dossier as d', 'd.id', 'k.dossier_id')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .select([
        'k.id', 'k.dossier_id', 'd.code as dossier_code', 'p.name as procedure_name', 'k.agency_id', 'k.category', 'k.body', 'k.via', 'k.received_at', 'k.due_at',
        'k.status', 'k.answer', 'k.answered_at', 'k.answer_timing', 'k.row_version',
      ]);
  }

  private static complaint(row: {
    id: number | string; dossier_id: number | string; dossier_code: string; procedure_name: string; agency_id: number; category: ComplaintCategory; body: string; via: RatingVia;
    received_at: Date; due_at: Date; status: ComplaintStatus; answer: string | null; answered_at: Date | null; answer_timing: AnswerTiming | null; row_version: number;
  }): ComplaintRow {
    return {
      id: Number(row.id), dossierId: Number(row.dossier_id), dossierCode: row.dossier_code, procedureName: row.procedure_name, agencyId: row.agency_id, category: row.category,
      body: row.body, via: row.via, receivedAt: row.received_at, dueAt: row.due_at, status: row.status, answer: row.answer, answeredAt: row.answered_at,
      answerTiming: row.answer_timing, rowVersion: row.row_version,
    };
  }

  async complaintsOf(dossierId: number, db: Db = this.db): Promise<ComplaintRow[]> {
    const rows = await this.complaintQuery(db).where('k.dossier_id', '=', dossierId).orderBy('k.received_at').orderBy('k.id').execute();
    return rows.map(SatisfactionRepository.complaint);
  }

  async insertComplaint(
    trx: Transaction<Schema>,
    c: { dossierId: number; agencyId: number; category: ComplaintCategory; body: string; via: RatingVia; userId: number | null; receivedAt: Date; dueAt: Date },
  ): Promise<number> {
    const row = await trx
      .insertInto('complaint')
      .values({ dossier_id: c.dossierId, agency_id: c.agencyId, category: c.category, body: c.body, via: c.via, filed_by_user_id: c.userId, received_at: c.receivedAt, due_at: c.dueAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** The agency's open complaints, the earliest due first (partial index complaint_open_queue). */
  async openQueue(agencyId: number, limit: number): Promise<ComplaintRow[]> {
    const rows = await this.complaintQuery(this.db).where('k.agency_id', '=', agencyId).where('k.status', '=', 'open').orderBy('k.due_at').orderBy('k.id').limit(limit).execute();
    return rows.map(SatisfactionRepository.complaint);
  }

  /** The agency's latest answered complaints (partial index complaint_answered). */
  async recentlyAnswered(agencyId: number, limit: number): Promise<ComplaintRow[]> {
    const rows = await this.complaintQuery(this.db).where('k.agency_id', '=', agencyId).where('k.status', '=', 'answered').orderBy('k.answered_at', 'desc').limit(limit).execute();
    return rows.map(SatisfactionRepository.complaint);
  }

  async complaint(id: number, db: Db = this.db): Promise<ComplaintRow | undefined> {
    const row = await this.complaintQuery(db).where('k.id', '=', id).executeTakeFirst();
    return row ? SatisfactionRepository.complaint(row) : undefined;
  }

  /** Records the answer if the complaint is still open at the version the officer saw; false otherwise. */
  async answerComplaint(trx: Transaction<Schema>, a: { id: number; rowVersion: number; answer: string; userId: number; at: Date; timing: AnswerTiming }): Promise<boolean> {
    const result = await trx
      .updateTable('complaint')
      .set((eb) => ({ status: 'answered', answer: a.answer, answered_at: a.at, answered_by_user_id: a.userId, answer_timing: a.timing, row_version: eb('row_version', '+', 1) }))
      .where('id', '=', a.id)
      .where('status', '=', 'open')
      .where('row_version', '=', a.rowVersion)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
