import { dossierChanged } from '../dossiers/index.js';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { DossierStatus } from '../dossiers/index.js';
import type { AttemptChannel, CreditOutcome, DueStage, FeeLineRow, PaymentMethod, PaymentStatus, RefundReason } from './payments.tables.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/** The applicant as the dossier keeps them (snapshot taken at submission). */
export interface ApplicantSnapshot {
  fullName: string;
  personalId: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
}

const num = (v: unknown): number => Number(v);

export interface NewAttempt {
  paymentId: number | null;
  reference: string | null;
  channel: AttemptChannel;
  outcome: string;
  detail: Record<string, unknown>;
  remoteAddress: string | null;
  at: Date;
}

/** The only place with SQL for fees, payments, credits, refunds and e-receipts. */
export class PaymentsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  transaction<T>(fn: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  // ---- dossiers (read-only views of the dossiers module's tables) ----

  private dossierQuery(db: Db) {
    return db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .innerJoin('agency as a', 'a.id', 'd.receiving_agency_id')
      .select([
        'd.id',
        'd.code',
        'd.status',
        'd.channel',
        'd.applicant_user_id',
        'd.applicant',
        'd.procedure_version_id',
        'd.receiving_agency_id',
        'd.holder_agency_id',
        'p.code as procedure_code',
        'p.name as procedure_name',
        'a.name as agency_name',
      ]);
  }

  async dossierByCode(code: string) {
    const row = await this.dossierQuery(this.db).where('d.code', '=', code).executeTakeFirst();
    return row ? { ...row, id: num(row.id) } : undefined;
  }

  async dossierById(id: number, db: Db = this.db) {
    const row = await this.dossierQuery(db).where('d.id', '=', id).executeTakeFirst();
    return row ? { ...row, id: num(row.id) } : undefined;
  }

  /** Locks the dossier row: every payment decision of one dossier runs one at a time, in any process. */
  async lockDossier(trx: Transaction<Schema>, dossierId: number): Promise<{ status: DossierStatus; applicant: ApplicantSnapshot } | undefined> {
    return trx.selectFrom('dossier').select(['status', 'applicant']).where('id', '=', dossierId).forUpdate().executeTakeFirst();
  }

  async versionContent(versionId: number): Promise<unknown> {
    const row = await this.db.selectFrom('procedure_version').select('content').where('id', '=', versionId).executeTakeFirst();
    return row?.content ?? null;
  }

  async agency(id: number) {
    return this.db
      .selectFrom('agency as a')
      .leftJoin('agency as parent', 'parent.id', 'a.parent_id')
      .leftJoin('administrative_unit_edition as e', (j) => j.on('e.is_current', '=', true))
      .leftJoin('administrative_unit as u', (j) => j.onRef('u.edition_id', '=', 'e.id').onRef('u.code', '=', 'a.province_code'))
      .select(['a.name', 'parent.name as parent_name', 'u.name as province_name'])
      .where('a.id', '=', id)
      .executeTakeFirst();
  }

  async insertDossierEvent(trx: Transaction<Schema>, e: { dossierId: number; at: Date; actorUserId: number | null; actorKind: 'citizen' | 'officer' | 'system'; action: string; reason: string | null }) {
    await trx
      .insertInto('dossier_event')
      .values({ dossier_id: e.dossierId, at: e.at, actor_user_id: e.actorUserId, actor_kind: e.actorKind, action: e.action, from_status: null, to_status: null, reason: e.reason })
      .execute();
    // The public lookup caches each dossier's history: tell every web process it changed (on commit).
    const dossier = await trx.selectFrom('dossier').select('code').where('id', '=', e.dossierId).executeTakeFirst();
    if (dossier) await dossierChanged(trx, dossier.code);
  }

  // ---- fee statements ----

  async fee(dossierId: number, db: Db = this.db) {
    const row = await db.selectFrom('dossier_fee').selectAll().where('dossier_id', '=', dossierId).executeTakeFirst();
    return row ? { ...row, total_vnd: num(row.total_vnd) } : undefined;
  }

  async saveFee(
    trx: Transaction<Schema>,
    f: { dossierId: number; versionId: number; lines: FeeLineRow[]; exemption: string | null; exemptionNote: string | null; totalVnd: number; dueStage: DueStage; refundable: boolean; userId: number; at: Date },
  ): Promise<void> {
    const values = {
      procedure_version_id: f.versionId,
      lines: JSON.stringify(f.lines),
      exemption: f.exemption,
      exemption_note: f.exemptionNote,
      total_vnd: f.totalVnd,
      due_stage: f.dueStage,
      refundable: f.refundable,
      confirmed_by: f.userId,
      confirmed_at: f.at,
    };
    await trx
      .insertInto('dossier_fee')
      .values({ dossier_id: f.dossierId, ...values })
      .onConflict((oc) => oc.column('dossier_id').doUpdateSet(values))
      .execute();
  }

  // ---- payments ----

  private paymentColumns = ['id', 'dossier_id', 'reference', 'method', 'amount_vnd', 'status', 'created_at', 'expires_at', 'paid_at', 'provider_transaction'] as const;

  private presentPayment<T extends { id: unknown; dossier_id: unknown; amount_vnd: unknown }>(row: T) {
    return { ...row, id: num(row.id), dossier_id: num(row.dossier_id), amount_vnd: num(row.amount_vnd) };
  }

  async payments(dossierId: number, db: Db = this.db) {
    const rows = await db.selectFrom('payment').select(this.paymentColumns).where('dossier_id', '=', dossierId).orderBy('id', 'desc').execute();
    return rows.map((r) => this.presentPayment(r));
  }

  async paymentByReference(reference: string, db: Db = this.db) {
    const row = await db.selectFrom('payment').select(this.paymentColumns).where('reference', '=', reference).executeTakeFirst();
    return row ? this.presentPayment(row) : undefined;
  }

  async cancelPending(trx: Transaction<Schema>, dossierId: number, at: Date): Promise<void> {
    await trx.updateTable('payment').set({ status: 'cancelled', updated_at: at }).where('dossier_id', '=', dossierId).where('status', '=', 'pending').execute();
  }

  async insertPayment(trx: Transaction<Schema>, p: { dossierId: number; reference: string; method: PaymentMethod; amountVnd: number; userId: number; at: Date; expiresAt: Date }): Promise<number> {
    const row = await trx
      .insertInto('payment')
      .values({ dossier_id: p.dossierId, reference: p.reference, method: p.method, amount_vnd: p.amountVnd, status: 'pending', created_by: p.userId, created_at: p.at, expires_at: p.expiresAt, updated_at: p.at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return num(row.id);
  }

  /** Moves a payment from one of `from` to `to`; false when it was no longer in one of them (someone else moved it). */
  async setPaymentStatus(trx: Transaction<Schema>, id: number, from: PaymentStatus[], to: PaymentStatus, at: Date, extra: { paidAt?: Date; providerTransaction?: string } = {}): Promise<boolean> {
    const result = await trx
      .updateTable('payment')
      .set({ status: to, updated_at: at, ...(extra.paidAt ? { paid_at: extra.paidAt } : {}), ...(extra.providerTransaction ? { provider_transaction: extra.providerTransaction } : {}) })
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async dossierOfPayment(trx: Db, paymentId: number): Promise<number> {
    const row = await trx.selectFrom('payment').select('dossier_id').where('id', '=', paymentId).executeTakeFirstOrThrow();
    return num(row.dossier_id);
  }

  async paidPaymentOf(trx: Db, dossierId: number) {
    const row = await trx.selectFrom('payment').select(this.paymentColumns).where('dossier_id', '=', dossierId).where('status', '=', 'paid').executeTakeFirst();
    return row ? this.presentPayment(row) : undefined;
  }

  // ---- credits, attempts, refunds ----

  /** Records money received; null when this provider transaction was recorded before (a duplicate or replay). */
  async insertCredit(
    trx: Transaction<Schema>,
    c: { paymentId: number | null; provider: 'gateway' | 'bank'; providerTransaction: string; amountVnd: number; paidAt: Date; outcome: CreditOutcome; at: Date },
  ): Promise<number | null> {
    const row = await trx
      .insertInto('payment_credit')
      .values({ payment_id: c.paymentId, provider: c.provider, provider_transaction: c.providerTransaction, amount_vnd: c.amountVnd, paid_at: c.paidAt, outcome: c.outcome, created_at: c.at })
      .onConflict((oc) => oc.columns(['provider', 'provider_transaction']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row ? num(row.id) : null;
  }

  async appliedCredits(trx: Db, dossierId: number) {
    const rows = await trx
      .selectFrom('payment_credit as c')
      .innerJoin('payment as p', 'p.id', 'c.payment_id')
      .select(['c.id', 'c.payment_id', 'c.amount_vnd'])
      .where('p.dossier_id', '=', dossierId)
      .where('c.outcome', '=', 'applied')
      .execute();
    return rows.map((r) => ({ id: num(r.id), paymentId: num(r.payment_id), amountVnd: num(r.amount_vnd) }));
  }

  async credits(dossierId: number) {
    const rows = await this.db
      .selectFrom('payment_credit as c')
      .innerJoin('payment as p', 'p.id', 'c.payment_id')
      .select(['c.id', 'p.reference', 'c.provider', 'c.provider_transaction', 'c.amount_vnd', 'c.paid_at', 'c.outcome'])
      .where('p.dossier_id', '=', dossierId)
      .orderBy('c.id')
      .execute();
    return rows.map((r) => ({ ...r, id: num(r.id), amount_vnd: num(r.amount_vnd) }));
  }

  /** Logs an attempt in the caller's transaction, or on its own when `db` is null. */
  async insertAttempt(db: Db | null, a: NewAttempt): Promise<void> {
    await (db ?? this.db)
      .insertInto('payment_attempt')
      .values({ payment_id: a.paymentId, reference: a.reference, channel: a.channel, outcome: a.outcome, detail: JSON.stringify(a.detail), remote_address: a.remoteAddress, received_at: a.at })
      .execute();
  }

  async attempts(dossierId: number) {
    return this.db
      .selectFrom('payment_attempt as t')
      // By order, or by the reference a notification named (forged ones are kept without an order).
      .innerJoin('payment as p', (join) => join.on((eb) => eb.or([eb('p.id', '=', eb.ref('t.payment_id')), eb('p.reference', '=', eb.ref('t.reference'))])))
      .select(['t.id', 't.reference', 't.channel', 't.outcome', 't.detail', 't.remote_address', 't.received_at'])
      .where('p.dossier_id', '=', dossierId)
      .orderBy('t.id')
      .execute();
  }

  async insertRefund(trx: Transaction<Schema>, r: { creditId: number; paymentId: number | null; amountVnd: number; reason: RefundReason; userId: number | null; at: Date }): Promise<boolean> {
    const row = await trx
      .insertInto('payment_refund')
      .values({ credit_id: r.creditId, payment_id: r.paymentId, amount_vnd: r.amountVnd, reason: r.reason, status: 'requested', requested_by: r.userId, requested_at: r.at })
      .onConflict((oc) => oc.column('credit_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async refunds(dossierId: number) {
    const rows = await this.db
      .selectFrom('payment_refund as r')
      .innerJoin('payment as p', 'p.id', 'r.payment_id')
      .select(['r.id', 'p.reference', 'r.amount_vnd', 'r.reason', 'r.status', 'r.requested_at', 'r.completed_at', 'r.provider_reference', 'r.payment_id'])
      .where('p.dossier_id', '=', dossierId)
      .orderBy('r.id')
      .execute();
    return rows.map((r) => ({ ...r, id: num(r.id), amount_vnd: num(r.amount_vnd), payment_id: num(r.payment_id) }));
  }

  async completeRefund(trx: Transaction<Schema>, refundId: number, dossierId: number, r: { userId: number; at: Date; providerReference: string }) {
    const row = await trx
      .updateTable('payment_refund as r')
      .set({ status: 'completed', completed_at: r.at, completed_by: r.userId, provider_reference: r.providerReference })
      .from('payment as p')
      .whereRef('p.id', '=', 'r.payment_id')
      .where('p.dossier_id', '=', dossierId)
      .where('r.id', '=', refundId)
      .where('r.status', '=', 'requested')
      .returning(['r.payment_id', 'r.credit_id'])
      .executeTakeFirst();
    return row ? { paymentId: num(row.payment_id), creditId: num(row.credit_id) } : undefined;
  }

  async creditOutcome(trx: Db, creditId: number): Promise<CreditOutcome | undefined> {
    const row = await trx.selectFrom('payment_credit').select('outcome').where('id', '=', creditId).executeTakeFirst();
    return row?.outcome;
  }

  // ---- receipts ----

  /** The next receipt number of (template, series), in the caller's transaction: no gaps, no duplicates. */
  async nextReceiptNumber(trx: Transaction<Schema>, template: string, series: string): Promise<number> {
    const result = await sql<{ last_number: number }>`
      insert into receipt_counter as c (template, series, last_number) values (${template}, ${series}, 1)
      on conflict (template, series) do update set last_number = c.last_number + 1
      returning c.last_number`.execute(trx);
    const value = result.rows[0]?.last_number;
    if (value === undefined) throw new Error('receipt_counter returned no row');
    return num(value);
  }

  async insertReceipt(
    trx: Transaction<Schema>,
    r: { paymentId: number; template: string; series: string; number: number; verificationCode: string; issuedAt: Date; agencyId: number; payerName: string; lines: FeeLineRow[]; amountVnd: number; method: string },
  ): Promise<void> {
    await trx
      .insertInto('e_receipt')
      .values({
        payment_id: r.paymentId,
        template: r.template,
        series: r.series,
        number: r.number,
        verification_code: r.verificationCode,
        issued_at: r.issuedAt,
        issuer_agency_id: r.agencyId,
        payer_name: r.payerName,
        lines: JSON.stringify(r.lines),
        amount_vnd: r.amountVnd,
        method: r.method,
      })
      .execute();
  }

  private receiptQuery() {
    return this.db
      .selectFrom('e_receipt as r')
      .innerJoin('payment as p', 'p.id', 'r.payment_id')
      .innerJoin('dossier as d', 'd.id', 'p.dossier_id')
      .innerJoin('procedure as pr', 'pr.id', 'd.procedure_id')
      .select([
        'r.template',
        'r.series',
        'r.number',
        'r.verification_code',
        'r.issued_at',
        'r.issuer_agency_id',
        'r.payer_name',
        'r.lines',
        'r.amount_vnd',
        'r.method',
        'p.reference',
        'p.status as payment_status',
        'p.paid_at',
        'p.provider_transaction',
        'd.code as dossier_code',
        'd.id as dossier_id',
        'pr.code as procedure_code',
        'pr.name as procedure_name',
      ]);
  }

  async receiptOfDossier(dossierId: number) {
    const row = await this.receiptQuery().where('d.id', '=', dossierId).where('p.status', 'in', ['paid', 'refunded']).orderBy('r.id', 'desc').executeTakeFirst();
    return row ? { ...row, amount_vnd: num(row.amount_vnd), dossier_id: num(row.dossier_id) } : undefined;
  }

  async receiptByVerificationCode(code: string) {
    const row = await this.receiptQuery().where('r.verification_code', '=', code).executeTakeFirst();
    return row ? { ...row, amount_vnd: num(row.amount_vnd), dossier_id: num(row.dossier_id) } : undefined;
  }
}
