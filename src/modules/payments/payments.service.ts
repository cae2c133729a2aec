import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { CommonErrors, DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import type { DossierStatus } from '../dossiers/index.js';
import { parseBankCredit, verifyBankNotification } from './bank.js';
import { exemptionCategories, feeScheduleFor, feeStatement, payableOnline, type ExemptionCategory, type FeeSchedule } from './fees.js';
import { gatewayResponseCodes, ipnReplies, paymentUrl, readResult, verifyParams, type IpnReply } from './gateway.js';
import { PaymentErrors } from './payments.errors.js';
import type { ApplicantSnapshot, PaymentsRepository } from './payments.repository.js';
import type { CreditOutcome, FeeLineRow, PaymentMethod, PaymentStatus, RefundReason } from './payments.tables.js';
import { isPaymentReference, newPaymentReference, referencesIn } from './reference.js';
import { buildVietQr } from './vietqr.js';

export interface PaymentSettings {
  /** False in production while the sandbox secrets or gateway are configured: nothing is paid or credited then. */
  configured: boolean;
  baseUrl: string;
  /**
   * `url` and `returnUrl` are absolute for a real gateway; the local sandbox uses paths on this portal, so the
   * payer's browser stays on the portal's own origin whatever BASE_URL says.
   */
  gateway: { url: string; returnUrl: string; merchantCode: string; secret: string };
  bank: { bin: string; account: string; accountName: string; webhookSecret: string };
  receipt: { template: string; series: string };
  timeoutMinutes: number;
}

export interface PaymentPorts {
  settings: PaymentSettings;
  /** Writes the applicant's messages in the caller's transaction (notification outbox). */
  notify(trx: Transaction<Schema>, message: { dossierId: number; applicant: ApplicantSnapshot; template: string; params: Record<string, string> }): Promise<void>;
  clock?: () => Date;
}

/** What a dossier owes and how it stands, for the applicant's page and the officer's. */
export interface FeeOverview {
  dossier: { code: string; status: DossierStatus; procedureCode: string; procedureName: string; agencyName: string; channel: string };
  schedule: FeeSchedule;
  payable: boolean;
  statement: { lines: FeeLineRow[]; totalVnd: number; exemption: string | null; exemptionNote: string | null; dueStage: string; refundable: boolean; confirmedAt: Date } | null;
  payments: PaymentView[];
  paid: PaymentView | null;
  receipt: { number: string; verificationCode: string; issuedAt: Date } | null;
  refunds: { id: number; reference: string; amountVnd: number; reason: RefundReason; status: 'requested' | 'completed'; requestedAt: Date; completedAt: Date | null; providerReference: string | null }[];
  /** Open for payment now: the dossier is still alive and nothing is paid. */
  canPay: boolean;
}

export interface PaymentView {
  reference: string;
  method: PaymentMethod;
  amountVnd: number;
  /** 'expired' is a pending order past its expiry: no money will be credited to it. */
  status: PaymentStatus | 'expired';
  createdAt: Date;
  expiresAt: Date;
  paidAt: Date | null;
}

export interface VietQrInstructions {
  payload: string;
  bankBin: string;
  account: string;
  accountName: string;
  amountVnd: number;
  purpose: string;
}

export type StartOutcome = { method: 'gateway'; reference: string; redirectUrl: string } | { method: 'vietqr'; reference: string };

export interface GatewayOutcome {
  reply: IpnReply;
  /** The dossier the result belongs to, when the reference is known (the return page goes there). */
  dossierCode: string | null;
  reference: string | null;
}

export interface BankOutcome {
  status: 200 | 400 | 401;
  outcome: string;
}

const CLOSED: DossierStatus[] = ['refused', 'withdrawn', 'stopped'];
const MAX_NOTE = 500;

/**
 * Fees and online payment of a dossier. Every money decision runs in one transaction that first locks the dossier
 * row, so the decisions of one dossier happen one at a time in any number of processes; the database backs this up
 * with unique constraints: one credit per provider transaction, one applied credit per order, one paid order per
 * dossier, one refund per credit, one receipt per order, unique receipt numbers.
 *
 * Crediting (gateway IPN or bank credit notification), in order: the notification's authenticity (HMAC), then the
 * reference, then the amount; money that is real but cannot be applied — paid after the order expired, to a
 * cancelled order, of the wrong amount, or for a dossier already paid — is recorded and a refund requested, and the
 * order is never marked paid by it. Every notification is logged in `payment_attempt`, forged ones included.
 * Receipts are issued in the crediting transaction, their number drawn from a counter row in the same transaction.
 */
export class PaymentService {
  private readonly clock: () => Date;

  constructor(
    private readonly repository: PaymentsRepository,
    private readonly ports: PaymentPorts,
  ) {
    this.clock = ports.clock ?? (() => new Date());
  }

  get settings(): PaymentSettings {
    return this.ports.settings;
  }

  // ---- the applicant ----

  private async ownDossier(actor: SessionUser, code: string) {
    const row = typeof code === 'string' && code.length <= 60 && actor.kind === 'citizen' ? await this.repository.dossierByCode(code) : undefined;
    if (!row || row.applicant_user_id !== actor.id) throw new DomainError(PaymentErrors.dossierNotFound, { params: { code: String(code).slice(0, 60) } });
    return row;
  }

  async overview(actor: SessionUser, code: string): Promise<FeeOverview> {
    return this.overviewOf(await this.ownDossier(actor, code));
  }

  private async overviewOf(row: NonNullable<Awaited<ReturnType<PaymentsRepository['dossierByCode']>>>): Promise<FeeOverview> {
    const [content, fee, payments, receipt, refunds] = await Promise.all([
      this.repository.versionContent(row.procedure_version_id),
      this.repository.fee(row.id),
      this.repository.payments(row.id),
      this.repository.receiptOfDossier(row.id),
      this.repository.refunds(row.id),
    ]);
    const schedule = feeScheduleFor(content, row.channel);
    const now = this.clock();
    const views = payments.map((p) => this.present(p, now));
    const paid = views.find((p) => p.status === 'paid' || p.status === 'refunded') ?? null;
    return {
      dossier: { code: row.code, status: row.status, procedureCode: row.procedure_code, procedureName: row.procedure_name, agencyName: row.agency_name, channel: row.channel },
      schedule,
      payable: payableOnline(schedule),
      statement: fee
        ? { lines: fee.lines, totalVnd: fee.total_vnd, exemption: fee.exemption, exemptionNote: fee.exemption_note, dueStage: fee.due_stage, refundable: fee.refundable, confirmedAt: fee.confirmed_at }
        : null,
      payments: views,
      paid,
      receipt: receipt ? { number: receiptNumber(receipt), verificationCode: receipt.verification_code, issuedAt: receipt.issued_at } : null,
      refunds: refunds.map((r) => ({ id: r.id, reference: r.reference, amountVnd: r.amount_vnd, reason: r.reason, status: r.status, requestedAt: r.requested_at, completedAt: r.completed_at, providerReference: r.provider_reference })),
      canPay: payableOnline(schedule) && paid === null && !CLOSED.includes(row.status),
    };
  }

  private present(p: { reference: string; method: PaymentMethod; amount_vnd: number; status: PaymentStatus; created_at: Date; expires_at: Date; paid_at: Date | null }, now: Date): PaymentView {
    return {
      reference: p.reference,
      method: p.method,
      amountVnd: p.amount_vnd,
      status: p.status === 'pending' && p.expires_at.getTime() < now.getTime() ? 'expired' : p.status,
      createdAt: p.created_at,
      expiresAt: p.expires_at,
      paidAt: p.paid_at,
    };
  }

  /**
   * Records the fee statement the applicant confirms: quantities of the charges and, when the catalogue names
   * exemptions, the one they claim with what they declare about it. A claimed exemption brings the total to 0; the
   * officer sees the claim and checks it against the dossier. Replaces an earlier statement while nothing is paid
   * (and cancels an open order, whose amount may no longer be right).
   */
  async confirmFee(actor: SessionUser, code: string, input: { quantities: Record<string, number>; exemption: string | null; exemptionNote: string; declared: boolean }): Promise<{ totalVnd: number }> {
    const row = await this.ownDossier(actor, code);
    const schedule = feeScheduleFor(await this.repository.versionContent(row.procedure_version_id), row.channel);
    if (!payableOnline(schedule)) throw new DomainError(PaymentErrors.notPayableOnline, { params: { code } });
    const exemption = input.exemption && exemptionCategories.includes(input.exemption as ExemptionCategory) ? (input.exemption as ExemptionCategory) : null;
    const problems: FieldProblem[] = [];
    if (input.exemption && !exemption) problems.push({ field: 'exemption', messageKey: 'payments.field.exemption.invalid' });
    const result = feeStatement(schedule, { quantities: input.quantities, exemption });
    if (Array.isArray(result)) for (const p of result) problems.push({ field: p.field, messageKey: `payments.field.${p.problem}.invalid` });
    const note = input.exemptionNote.trim();
    if (exemption && !input.declared) problems.push({ field: 'declared', messageKey: 'payments.field.declared.required' });
    if (note.length > MAX_NOTE) problems.push({ field: 'exemptionNote', messageKey: 'payments.field.exemptionNote.tooLong', params: { max: MAX_NOTE } });
    if (problems.length > 0 || Array.isArray(result)) throw new DomainError(CommonErrors.validation, { fields: problems });
    const now = this.clock();
    await this.repository.transaction(async (trx) => {
      const locked = await this.repository.lockDossier(trx, row.id);
      if (!locked || CLOSED.includes(locked.status)) throw new DomainError(PaymentErrors.dossierClosed, { params: { code } });
      if (await this.repository.paidPaymentOf(trx, row.id)) throw new DomainError(PaymentErrors.alreadyPaid, { params: { code } });
      await this.repository.cancelPending(trx, row.id, now);
      await this.repository.saveFee(trx, {
        dossierId: row.id,
        versionId: row.procedure_version_id,
        lines: result.lines,
        exemption: result.exemption,
        exemptionNote: exemption ? note : null,
        totalVnd: result.totalVnd,
        dueStage: result.dueStage,
        refundable: schedule.refundable,
        userId: actor.id,
        at: now,
      });
      if (exemption) {
        await this.repository.insertDossierEvent(trx, { dossierId: row.id, at: now, actorUserId: actor.id, actorKind: 'citizen', action: 'fee_exemption_claimed', reason: note || null });
      }
    });
    return { totalVnd: result.totalVnd };
  }

  /** Opens a payment order for the confirmed statement (cancelling any open one) by the chosen method. */
  async startPayment(actor: SessionUser, code: string, method: PaymentMethod, client: { ipAddress: string; locale: 'vi' | 'en' }): Promise<StartOutcome> {
    const row = await this.ownDossier(actor, code);
    if (!this.settings.configured) throw new DomainError(PaymentErrors.notConfigured);
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.settings.timeoutMinutes * 60_000);
    const reference = newPaymentReference();
    const amount = await this.repository.transaction(async (trx) => {
      const locked = await this.repository.lockDossier(trx, row.id);
      if (!locked || CLOSED.includes(locked.status)) throw new DomainError(PaymentErrors.dossierClosed, { params: { code } });
      if (await this.repository.paidPaymentOf(trx, row.id)) throw new DomainError(PaymentErrors.alreadyPaid, { params: { code } });
      const fee = await this.repository.fee(row.id, trx);
      if (!fee) throw new DomainError(PaymentErrors.statementMissing, { params: { code } });
      if (fee.total_vnd <= 0) throw new DomainError(PaymentErrors.noFeeDue, { params: { code } });
      await this.repository.cancelPending(trx, row.id, now);
      const paymentId = await this.repository.insertPayment(trx, { dossierId: row.id, reference, method, amountVnd: fee.total_vnd, userId: actor.id, at: now, expiresAt });
      await this.repository.insertAttempt(trx, { paymentId, reference, channel: 'create', outcome: 'created', detail: { method, amountVnd: fee.total_vnd }, remoteAddress: client.ipAddress, at: now });
      return fee.total_vnd;
    });
    if (method === 'vietqr') return { method, reference };
    const redirectUrl = this.gatewayUrlOf({ reference, amountVnd: amount, createdAt: now, expiresAt }, row.code, client);
    return { method, reference, redirectUrl };
  }

  /** The signed gateway URL of an order (the same order signs the same way; the payer's address may differ). */
  private gatewayUrlOf(order: { reference: string; amountVnd: number; createdAt: Date; expiresAt: Date }, dossierCode: string, client: { ipAddress: string; locale: 'vi' | 'en' }): string {
    return paymentUrl({
      gatewayUrl: this.settings.gateway.url,
      merchantCode: this.settings.gateway.merchantCode,
      secret: this.settings.gateway.secret,
      reference: order.reference,
      amountVnd: order.amountVnd,
      // The protocol is ASCII: the order text names the dossier code only.
      orderInfo: `Nop le phi ho so ${dossierCode}`,
      returnUrl: this.settings.gateway.returnUrl,
      ipAddress: client.ipAddress,
      locale: client.locale === 'en' ? 'en' : 'vn',
      createdAt: order.createdAt,
      expiresAt: order.expiresAt,
    });
  }

  /** One order of the applicant's dossier, with the transfer instructions while a VietQR order is open. */
  async payment(
    actor: SessionUser,
    code: string,
    reference: string,
    client: { ipAddress: string; locale: 'vi' | 'en' } = { ipAddress: '127.0.0.1', locale: 'vi' },
  ): Promise<{ overview: FeeOverview; payment: PaymentView; vietQr: VietQrInstructions | null; gatewayUrl: string | null }> {
    const row = await this.ownDossier(actor, code);
    const overview = await this.overviewOf(row);
    const payment = overview.payments.find((p) => p.reference === reference);
    if (!payment) throw new DomainError(PaymentErrors.paymentNotFound, { params: { reference: String(reference).slice(0, 20) } });
    let vietQr: VietQrInstructions | null = null;
    if (payment.method === 'vietqr' && payment.status === 'pending') {
      const purpose = `${payment.reference} LE PHI`;
      const { bin, account, accountName } = this.settings.bank;
      vietQr = { payload: buildVietQr({ bankBin: bin, accountNumber: account, amountVnd: payment.amountVnd, purpose }), bankBin: bin, account, accountName, amountVnd: payment.amountVnd, purpose };
    }
    const gatewayUrl =
      payment.method === 'gateway' && payment.status === 'pending' && this.settings.configured
        ? this.gatewayUrlOf({ reference: payment.reference, amountVnd: payment.amountVnd, createdAt: payment.createdAt, expiresAt: payment.expiresAt }, row.code, client)
        : null;
    return { overview, payment, vietQr, gatewayUrl };
  }

  // ---- providers ----

  /**
   * A result from the card gateway: its IPN (server to server; may credit) or the payer's return (display only:
   * the return passes through the payer's browser, so it is logged and shown but never credits — the IPN does).
   */
  async gatewayResult(params: Record<string, unknown>, channel: 'gateway_ipn' | 'gateway_return', remoteAddress: string | null): Promise<GatewayOutcome> {
    const now = this.clock();
    const rawRef = typeof params.vnp_TxnRef === 'string' ? params.vnp_TxnRef.slice(0, 40) : null;
    const detail = { params: redactParams(params) };
    if (!this.settings.configured || !verifyParams(params, this.settings.gateway.secret)) {
      await this.repository.insertAttempt(null, { paymentId: null, reference: rawRef, channel, outcome: 'forged', detail, remoteAddress, at: now });
      return { reply: ipnReplies.invalidSignature, dossierCode: null, reference: rawRef };
    }
    const result = readResult(params);
    const payment = isPaymentReference(result.reference) ? await this.repository.paymentByReference(result.reference) : undefined;
    if (!payment || payment.method !== 'gateway' || result.merchantCode !== this.settings.gateway.merchantCode) {
      await this.repository.insertAttempt(null, { paymentId: null, reference: rawRef, channel, outcome: 'unknown_reference', detail, remoteAddress, at: now });
      return { reply: ipnReplies.orderNotFound, dossierCode: null, reference: rawRef };
    }
    const dossier = await this.repository.dossierById(payment.dossier_id);
    const dossierCode = dossier?.code ?? null;
    if (channel === 'gateway_return') {
      await this.repository.insertAttempt(null, { paymentId: payment.id, reference: payment.reference, channel, outcome: `returned_${result.responseCode || 'none'}`, detail, remoteAddress, at: now });
      return { reply: ipnReplies.confirmed, dossierCode, reference: payment.reference };
    }
    const success = result.responseCode === gatewayResponseCodes.success && result.transactionStatus === '00';
    if (!success) {
      return this.repository.transaction(async (trx) => {
        await this.repository.lockDossier(trx, payment.dossier_id);
        // A decline moves only an open order: a late or out-of-order decline never undoes a payment.
        const moved = await this.repository.setPaymentStatus(trx, payment.id, ['pending'], 'failed', now);
        await this.repository.insertAttempt(trx, { paymentId: payment.id, reference: payment.reference, channel, outcome: moved ? 'declined' : 'declined_ignored', detail, remoteAddress, at: now });
        return { reply: ipnReplies.confirmed, dossierCode, reference: payment.reference };
      });
    }
    if (!result.transactionNo || result.amountVnd === null || !result.paidAt) {
      await this.repository.insertAttempt(null, { paymentId: payment.id, reference: payment.reference, channel, outcome: 'malformed', detail, remoteAddress, at: now });
      return { reply: ipnReplies.unknownError, dossierCode, reference: payment.reference };
    }
    const outcome = await this.credit(payment.id, { provider: 'gateway', providerTransaction: result.transactionNo, amountVnd: result.amountVnd, paidAt: result.paidAt }, { channel, detail, remoteAddress });
    const reply =
      outcome === 'applied' ? ipnReplies.confirmed : outcome === 'amount_mismatch' ? ipnReplies.invalidAmount : ipnReplies.alreadyConfirmed;
    return { reply, dossierCode, reference: payment.reference };
  }

  /** A credit notification from the bank holding the collection account (VietQR transfers). */
  async bankNotification(rawBody: string, headers: { timestamp: unknown; signature: unknown }, remoteAddress: string | null): Promise<BankOutcome> {
    const now = this.clock();
    const auth = this.settings.configured ? verifyBankNotification(this.settings.bank.webhookSecret, headers, rawBody, now) : ({ ok: false, reason: 'forged' } as const);
    let body: unknown = null;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = null;
    }
    const credit = parseBankCredit(body);
    const refs = credit ? referencesIn(credit.description) : [];
    const log = (outcome: string, paymentId: number | null = null, reference: string | null = refs[0] ?? null) =>
      this.repository.insertAttempt(null, { paymentId, reference, channel: 'bank_notification', outcome, detail: { body: typeof body === 'object' && body ? body : rawBody.slice(0, 2000) }, remoteAddress, at: now });
    if (!auth.ok) {
      await log(auth.reason === 'stale' ? 'stale' : 'forged');
      return { status: 401, outcome: auth.reason };
    }
    if (!credit) {
      await log('malformed');
      return { status: 400, outcome: 'malformed' };
    }
    if (credit.bankBin !== this.settings.bank.bin || credit.accountNumber !== this.settings.bank.account) {
      await log('other_account');
      return { status: 200, outcome: 'other_account' };
    }
    const payment = refs.length === 1 ? await this.repository.paymentByReference(refs[0]!) : undefined;
    if (!payment || payment.method !== 'vietqr') {
      // Money with no (or an ambiguous) reference: recorded once so finance can return it; never credited.
      const recorded = await this.repository.transaction(async (trx) => {
        const id = await this.repository.insertCredit(trx, { paymentId: null, provider: 'bank', providerTransaction: credit.transactionId, amountVnd: credit.amountVnd, paidAt: credit.creditedAt, outcome: 'unmatched', at: now });
        await this.repository.insertAttempt(trx, { paymentId: null, reference: refs[0] ?? null, channel: 'bank_notification', outcome: id === null ? 'duplicate' : 'unmatched', detail: { body: body as Record<string, unknown> }, remoteAddress, at: now });
        return id !== null;
      });
      return { status: 200, outcome: recorded ? 'unmatched' : 'duplicate' };
    }
    const outcome = await this.credit(payment.id, { provider: 'bank', providerTransaction: credit.transactionId, amountVnd: credit.amountVnd, paidAt: credit.creditedAt }, { channel: 'bank_notification', detail: { body: body as Record<string, unknown> }, remoteAddress });
    return { status: 200, outcome };
  }

  /**
   * Money received for an order, exactly once: the credit row is unique per provider transaction (a duplicate finds
   * it and does nothing); under the dossier lock, the order is marked paid only when it is open (or was declined
   * before), the money arrived before the order expired, the amount is exactly the order's, and no other order of
   * the dossier is paid. Otherwise the money is recorded with why, and a refund is requested.
   */
  private async credit(
    paymentId: number,
    money: { provider: 'gateway' | 'bank'; providerTransaction: string; amountVnd: number; paidAt: Date },
    log: { channel: 'gateway_ipn' | 'bank_notification'; detail: Record<string, unknown>; remoteAddress: string | null },
  ): Promise<CreditOutcome | 'duplicate'> {
    const now = this.clock();
    return this.repository.transaction(async (trx) => {
      const dossierId = await this.repository.dossierOfPayment(trx, paymentId);
      const locked = await this.repository.lockDossier(trx, dossierId);
      const order = (await this.repository.payments(dossierId, trx)).find((p) => p.id === paymentId)!;
      const alreadyPaid = await this.repository.paidPaymentOf(trx, dossierId);
      let outcome: CreditOutcome;
      if (money.amountVnd !== order.amount_vnd) outcome = 'amount_mismatch';
      else if (alreadyPaid) outcome = 'surplus';
      else if (!['pending', 'failed'].includes(order.status) || money.paidAt.getTime() > order.expires_at.getTime()) outcome = 'late';
      else outcome = 'applied';
      const creditId = await this.repository.insertCredit(trx, { paymentId, provider: money.provider, providerTransaction: money.providerTransaction, amountVnd: money.amountVnd, paidAt: money.paidAt, outcome, at: now });
      if (creditId === null) {
        await this.repository.insertAttempt(trx, { paymentId, reference: order.reference, channel: log.channel, outcome: 'duplicate', detail: log.detail, remoteAddress: log.remoteAddress, at: now });
        return 'duplicate';
      }
      await this.repository.insertAttempt(trx, { paymentId, reference: order.reference, channel: log.channel, outcome: outcome === 'applied' ? 'credited' : outcome, detail: log.detail, remoteAddress: log.remoteAddress, at: now });
      if (outcome !== 'applied') {
        const reason: RefundReason = outcome === 'amount_mismatch' ? 'amount_mismatch' : outcome === 'late' ? 'late_payment' : 'duplicate_payment';
        await this.repository.insertRefund(trx, { creditId, paymentId, amountVnd: money.amountVnd, reason, userId: null, at: now });
        return outcome;
      }
      const moved = await this.repository.setPaymentStatus(trx, paymentId, ['pending', 'failed'], 'paid', now, { paidAt: money.paidAt, providerTransaction: money.providerTransaction });
      if (!moved) throw new Error(`payment ${paymentId} changed under the dossier lock`);
      const dossier = (await this.repository.dossierById(dossierId, trx))!;
      const fee = await this.repository.fee(dossierId, trx);
      const { template, series } = this.settings.receipt;
      const number = await this.repository.nextReceiptNumber(trx, template, series);
      const verificationCode = randomBytes(12).toString('base64url');
      await this.repository.insertReceipt(trx, {
        paymentId,
        template,
        series,
        number,
        verificationCode,
        issuedAt: now,
        agencyId: dossier.receiving_agency_id,
        payerName: locked?.applicant.fullName ?? '',
        lines: fee?.lines ?? [{ label: 'Phí, lệ phí', unitVnd: order.amount_vnd, quantity: 1, per: null, amountVnd: order.amount_vnd }],
        amountVnd: order.amount_vnd,
        method: order.method,
      });
      const formatted = formatReceiptNumber(template, series, number);
      await this.repository.insertDossierEvent(trx, { dossierId, at: now, actorUserId: null, actorKind: 'system', action: 'fee_paid', reason: formatted });
      if (locked) {
        await this.ports.notify(trx, {
          dossierId,
          applicant: locked.applicant,
          template: 'payments.message.paid',
          params: { code: dossier.code, amount: formatVnd(order.amount_vnd), receipt: formatted, url: `${this.settings.baseUrl}/bien-lai/${verificationCode}` },
        });
      }
      return 'applied';
    });
  }

  // ---- the back office ----

  /**
   * Called by the desk inside its refusal transaction (workflow module, DeskPorts.afterRefused): a fee paid for a
   * refused dossier is to be given back, unless the catalogue says this fee is not refunded. Requests the refund and
   * tells the applicant; finance records the transfer when done.
   */
  async afterRefused(trx: Transaction<Schema>, dossierId: number): Promise<void> {
    const now = this.clock();
    const fee = await this.repository.fee(dossierId, trx);
    if (fee && !fee.refundable) return;
    const credits = await this.repository.appliedCredits(trx, dossierId);
    const dossier = await this.repository.dossierById(dossierId, trx);
    for (const c of credits) {
      const created = await this.repository.insertRefund(trx, { creditId: c.id, paymentId: c.paymentId, amountVnd: c.amountVnd, reason: 'dossier_refused', userId: null, at: now });
      if (!created || !dossier) continue;
      await this.repository.insertAttempt(trx, { paymentId: c.paymentId, reference: null, channel: 'refund', outcome: 'requested', detail: { reason: 'dossier_refused', amountVnd: c.amountVnd }, remoteAddress: null, at: now });
      await this.repository.insertDossierEvent(trx, { dossierId, at: now, actorUserId: null, actorKind: 'system', action: 'fee_refund_requested', reason: formatVnd(c.amountVnd) });
      await this.ports.notify(trx, { dossierId, applicant: dossier.applicant, template: 'payments.message.refundRequested', params: { code: dossier.code, amount: formatVnd(c.amountVnd) } });
    }
  }

  private async officerDossier(actor: SessionUser, code: string) {
    if (actor.kind !== 'officer' || actor.agencyId === null || !actor.roles.includes('desk')) throw new DomainError(PaymentErrors.officerRoleRequired);
    const row = typeof code === 'string' && code.length <= 60 ? await this.repository.dossierByCode(code) : undefined;
    if (!row || (row.receiving_agency_id !== actor.agencyId && row.holder_agency_id !== actor.agencyId)) {
      throw new DomainError(PaymentErrors.dossierNotFound, { params: { code: String(code).slice(0, 60) } });
    }
    return row;
  }

  /** The officer's view: the statement with any exemption claimed, orders, money received, every attempt, refunds. */
  async officerView(actor: SessionUser, code: string) {
    const row = await this.officerDossier(actor, code);
    const [overview, credits, attempts] = await Promise.all([this.overviewOf(row), this.repository.credits(row.id), this.repository.attempts(row.id)]);
    return {
      overview,
      credits: credits.map((c) => ({ reference: c.reference, provider: c.provider, providerTransaction: c.provider_transaction, amountVnd: c.amount_vnd, paidAt: c.paid_at, outcome: c.outcome })),
      attempts: attempts.map((a) => ({ reference: a.reference, channel: a.channel, outcome: a.outcome, remoteAddress: a.remote_address, at: a.received_at })),
    };
  }

  /** Finance gave the money back: records the transfer's reference; a refunded order is marked so. */
  async completeRefund(actor: SessionUser, code: string, refundId: number, providerReference: string): Promise<void> {
    const row = await this.officerDossier(actor, code);
    const reference = providerReference.trim();
    if (reference === '' || reference.length > 100) throw new DomainError(CommonErrors.validation, { fields: [{ field: 'providerReference', messageKey: 'payments.field.providerReference.required' }] });
    const now = this.clock();
    await this.repository.transaction(async (trx) => {
      await this.repository.lockDossier(trx, row.id);
      const done = Number.isInteger(refundId) ? await this.repository.completeRefund(trx, refundId, row.id, { userId: actor.id, at: now, providerReference: reference }) : undefined;
      if (!done) throw new DomainError(PaymentErrors.refundNotFound);
      if ((await this.repository.creditOutcome(trx, done.creditId)) === 'applied') await this.repository.setPaymentStatus(trx, done.paymentId, ['paid'], 'refunded', now);
      await this.repository.insertAttempt(trx, { paymentId: done.paymentId, reference: null, channel: 'refund', outcome: 'completed', detail: { refundId, providerReference: reference }, remoteAddress: null, at: now });
      await this.repository.insertDossierEvent(trx, { dossierId: row.id, at: now, actorUserId: actor.id, actorKind: 'officer', action: 'fee_refunded', reason: reference });
    });
  }

  // ---- receipts ----

  /** The applicant's e-receipt, as the PDF prints it. */
  async receiptFor(actor: SessionUser, code: string) {
    const row = await this.ownDossier(actor, code);
    const receipt = await this.repository.receiptOfDossier(row.id);
    if (!receipt) throw new DomainError(PaymentErrors.receiptNotFound);
    return this.receiptData(receipt);
  }

  /** Public verification (the receipt's QR): what the receipt says, without the payer's full name. */
  async verifyReceipt(verificationCode: string) {
    const receipt = typeof verificationCode === 'string' && /^[A-Za-z0-9_-]{16}$/.test(verificationCode) ? await this.repository.receiptByVerificationCode(verificationCode) : undefined;
    if (!receipt) throw new DomainError(PaymentErrors.receiptNotFound);
    const data = await this.receiptData(receipt);
    return { ...data, payerName: maskName(data.payerName), refunded: receipt.payment_status === 'refunded' };
  }

  async receiptData(receipt: NonNullable<Awaited<ReturnType<PaymentsRepository['receiptOfDossier']>>>) {
    const agency = await this.repository.agency(receipt.issuer_agency_id);
    return {
      template: receipt.template,
      series: receipt.series,
      number: receipt.number,
      formattedNumber: receiptNumber(receipt),
      verificationCode: receipt.verification_code,
      verificationUrl: `${this.settings.baseUrl}/bien-lai/${receipt.verification_code}`,
      issuedAt: receipt.issued_at,
      agency: { name: agency?.name ?? '', parentName: agency?.parent_name ?? null, place: agency?.province_name ?? agency?.name ?? '' },
      payerName: receipt.payer_name,
      dossierCode: receipt.dossier_code,
      procedure: { code: receipt.procedure_code, name: receipt.procedure_name },
      lines: receipt.lines,
      amountVnd: receipt.amount_vnd,
      method: receipt.method as PaymentMethod,
      reference: receipt.reference,
      providerTransaction: receipt.provider_transaction,
      paidAt: receipt.paid_at ?? receipt.issued_at,
    };
  }
}

export function formatReceiptNumber(template: string, series: string, number: number): string {
  return `${template} ${series} ${String(number).padStart(7, '0')}`;
}

function receiptNumber(r: { template: string; series: string; number: number }): string {
  return formatReceiptNumber(r.template, r.series, r.number);
}

function formatVnd(amount: number): string {
  return `${new Intl.NumberFormat('vi-VN').format(amount)} đồng`;
}

/** "Nguyễn Văn An" → "Nguyễn V. A." (enough to recognise a receipt, not to learn a stranger's name). */
export function maskName(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length <= 1) return parts[0] ? `${parts[0].charAt(0)}.` : '';
  return [parts[0], ...parts.slice(1).map((p) => `${p.charAt(0)}.`)].join(' ');
}

/** The hash is kept; card-holder data never reaches these parameters (the gateway keeps it). */
function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params).slice(0, 40)) out[k.slice(0, 40)] = typeof v === 'string' ? v.slice(0, 300) : Array.isArray(v) ? '[array]' : null;
  return out;
}
