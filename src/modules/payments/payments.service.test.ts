import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import { createNotificationService } from '../notifications/index.js';
import { signBankNotification } from './bank.js';
import { signedResult } from './gateway.js';
import { createPaymentService, type PaymentService, type PaymentSettings } from './index.js';
import { buildPaymentFixture, type PaymentFixture } from './payments.testing.js';
import { readVietQr } from './vietqr.js';

/*
 * Crediting against a real database (PGlite, or PostgreSQL with DATABASE_URL): every failure path of the gateway IPN
 * and of the bank's credit notification, exactly-once under concurrency, gapless receipt numbers, refunds.
 */

let database: Database;
let payments: PaymentService;
let f: PaymentFixture;
let now = new Date('2026-11-24T02:00:00Z');

const settings: PaymentSettings = {
  configured: true,
  baseUrl: 'http://portal.test',
  gateway: { url: 'http://gateway.test/pay', returnUrl: 'http://portal.test/thanh-toan/ket-qua', merchantCode: 'MOTCUA01', secret: 'TEST-GATEWAY-SECRET-0123456789' },
  bank: { bin: '970436', account: '0011001234567', accountName: 'TEST', webhookSecret: 'TEST-BANK-SECRET-0123456789' },
  receipt: { template: '01BLP0-001', series: 'TT-26E' },
  timeoutMinutes: 15,
};

before(async () => {
  database = await openTestDatabase();
  f = await buildPaymentFixture(database);
  payments = createPaymentService(database, { settings, notifications: createNotificationService(database), clock: () => now });
});

after(async () => {
  await database?.close();
});

async function rejectsWith(promise: Promise<unknown>, code: string) {
  await assert.rejects(promise, (e: unknown) => e instanceof DomainError && e.code === code);
}

/** A dossier whose applicant confirmed the fee (quantity copies) and opened an order by `method`. */
async function ordered(method: 'gateway' | 'vietqr', copies = 1) {
  const d = await f.dossier();
  await payments.confirmFee(f.citizen, d.code, { quantities: { r0: copies }, exemption: null, exemptionNote: '', declared: false });
  const started = await payments.startPayment(f.citizen, d.code, method, { ipAddress: '203.0.113.5', locale: 'vi' });
  return { ...d, reference: started.reference, started, amount: 8000 * copies };
}

function ipn(reference: string, amountVnd: number, options: { responseCode?: string; transactionNo?: string; paidAt?: Date; secret?: string } = {}) {
  return signedResult(options.secret ?? settings.gateway.secret, {
    merchantCode: settings.gateway.merchantCode,
    reference,
    amountVnd,
    orderInfo: 'Nop le phi',
    responseCode: options.responseCode ?? '00',
    transactionNo: options.transactionNo ?? `T${Math.floor(Math.random() * 1e9)}`,
    bankCode: 'NCB',
    paidAt: options.paidAt ?? now,
  });
}

function bankBody(reference: string, amount: number, transactionId = `FT${Math.floor(Math.random() * 1e12)}`, account = settings.bank.account) {
  return JSON.stringify({ transactionId, bankBin: settings.bank.bin, accountNumber: account, amount, description: `MBVCB.3321.${reference} LE PHI.CT tu 0123`, creditedAt: now.toISOString() });
}

function bankHeaders(body: string, secret = settings.bank.webhookSecret, at = now) {
  const ts = Math.floor(at.getTime() / 1000);
  return { timestamp: String(ts), signature: signBankNotification(secret, ts, body) };
}

async function paymentRow(reference: string) {
  return database.db.selectFrom('payment').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

async function attemptsOf(reference: string) {
  return (await database.db.selectFrom('payment_attempt').select(['channel', 'outcome']).where('reference', '=', reference).orderBy('id').execute()).map((a) => `${a.channel}:${a.outcome}`);
}

async function refundsOf(reference: string) {
  const p = await paymentRow(reference);
  return database.db.selectFrom('payment_refund').select(['reason', 'status', 'amount_vnd']).where('payment_id', '=', p.id).execute();
}

describe('the fee statement', () => {
  test('offers the catalogue’s exemptions, records the one claimed with the declaration, and shows it to the officer', async () => {
    const d = await f.dossier();
    const overview = await payments.overview(f.citizen, d.code);
    assert.deepEqual(overview.schedule.exemptions, ['poor_household', 'disability']);
    assert.equal(overview.canPay, true);
    await rejectsWith(payments.confirmFee(f.citizen, d.code, { quantities: {}, exemption: 'disability', exemptionNote: '', declared: false }), 'VALIDATION_FAILED');
    const { totalVnd } = await payments.confirmFee(f.citizen, d.code, { quantities: {}, exemption: 'disability', exemptionNote: 'Giấy xác nhận khuyết tật số 12/GXN', declared: true });
    assert.equal(totalVnd, 0);
    await rejectsWith(payments.startPayment(f.citizen, d.code, 'gateway', { ipAddress: '::1', locale: 'vi' }), 'FEE_NOTHING_DUE');
    const officer = await payments.officerView(f.desk, d.code);
    assert.equal(officer.overview.statement?.exemption, 'disability');
    assert.equal(officer.overview.statement?.exemptionNote, 'Giấy xác nhận khuyết tật số 12/GXN');
    await rejectsWith(payments.officerView(f.otherDesk, d.code), 'PAYMENT_DOSSIER_NOT_FOUND');
  });

  test('per-copy fees multiply; another citizen cannot see or pay the dossier', async () => {
    const d = await f.dossier();
    const { totalVnd } = await payments.confirmFee(f.citizen, d.code, { quantities: { r0: 3 }, exemption: null, exemptionNote: '', declared: false });
    assert.equal(totalVnd, 24_000);
    const stranger = { ...f.citizen, id: f.citizen.id + 10_000 };
    await rejectsWith(payments.overview(stranger, d.code), 'PAYMENT_DOSSIER_NOT_FOUND');
    await rejectsWith(payments.startPayment(stranger, d.code, 'vietqr', { ipAddress: '::1', locale: 'vi' }), 'PAYMENT_DOSSIER_NOT_FOUND');
  });
});

describe('the card gateway', () => {
  test('a signed success IPN credits once and issues the receipt; a replay answers 02 and credits nothing', async () => {
    const o = await ordered('gateway', 2);
    assert.ok(o.started.method === 'gateway' && o.started.redirectUrl.includes(`vnp_TxnRef=${o.reference}`));
    const pending = await payments.payment(f.citizen, o.code, o.reference);
    assert.ok(pending.gatewayUrl?.startsWith('http://gateway.test/pay?'), 'a real gateway is reached by a link on the order page');
    const params = ipn(o.reference, 16_000, { transactionNo: '14000001' });
    assert.equal((await payments.gatewayResult(params, 'gateway_ipn', '10.0.0.1')).reply.RspCode, '00');
    assert.equal((await payments.gatewayResult(params, 'gateway_ipn', '10.0.0.1')).reply.RspCode, '02');
    const row = await paymentRow(o.reference);
    assert.equal(row.status, 'paid');
    assert.equal(row.provider_transaction, '14000001');
    const credits = await database.db.selectFrom('payment_credit').selectAll().where('payment_id', '=', row.id).execute();
    assert.equal(credits.length, 1);
    const receipts = await database.db.selectFrom('e_receipt').selectAll().where('payment_id', '=', row.id).execute();
    assert.equal(receipts.length, 1);
    assert.equal(Number(receipts[0]!.amount_vnd), 16_000);
    assert.deepEqual(await attemptsOf(o.reference), ['create:created', 'gateway_ipn:credited', 'gateway_ipn:duplicate']);
    const outbox = await database.db.selectFrom('notification_outbox').select(['template_key', 'body']).where('dossier_id', '=', o.id).execute();
    assert.ok(outbox.some((m) => m.template_key === 'payments.message.paid' && m.body.includes(receipts[0]!.verification_code)));
    const data = await payments.receiptFor(f.citizen, o.code);
    assert.equal(data.amountVnd, 16_000);
    const verified = await payments.verifyReceipt(data.verificationCode);
    assert.equal(verified.payerName, 'Nguyễn V. A.');
    assert.equal(verified.refunded, false);
  });

  test('a forged signature answers 97, is logged, and marks nothing paid', async () => {
    const o = await ordered('gateway');
    const forged = ipn(o.reference, o.amount, { secret: 'NOT-THE-GATEWAY-SECRET-000000' });
    assert.equal((await payments.gatewayResult(forged, 'gateway_ipn', '198.51.100.7')).reply.RspCode, '97');
    const tampered = { ...ipn(o.reference, o.amount), vnp_ResponseCode: '00', vnp_Amount: '100' };
    assert.equal((await payments.gatewayResult(tampered, 'gateway_ipn', '198.51.100.7')).reply.RspCode, '97');
    assert.equal((await paymentRow(o.reference)).status, 'pending');
    assert.deepEqual(await attemptsOf(o.reference), ['create:created', 'gateway_ipn:forged', 'gateway_ipn:forged']);
    assert.deepEqual((await payments.officerView(f.desk, o.code)).attempts.map((a) => a.outcome), ['created', 'forged', 'forged'], 'the officer sees the forged attempts too');
  });

  test('a signed result with the wrong amount answers 04, is not credited and the money is to be refunded', async () => {
    const o = await ordered('gateway');
    assert.equal((await payments.gatewayResult(ipn(o.reference, o.amount - 1000), 'gateway_ipn', null)).reply.RspCode, '04');
    assert.equal((await paymentRow(o.reference)).status, 'pending');
    assert.deepEqual((await refundsOf(o.reference)).map((r) => r.reason), ['amount_mismatch']);
  });

  test('a success paid after the order expired is never credited and is refunded', async () => {
    const o = await ordered('gateway');
    const late = new Date(now.getTime() + 16 * 60_000);
    assert.equal((await payments.gatewayResult(ipn(o.reference, o.amount, { paidAt: late }), 'gateway_ipn', null)).reply.RspCode, '02');
    assert.equal((await paymentRow(o.reference)).status, 'pending');
    assert.deepEqual((await refundsOf(o.reference)).map((r) => r.reason), ['late_payment']);
    assert.equal((await database.db.selectFrom('e_receipt').select('id').where('payment_id', '=', (await paymentRow(o.reference)).id).execute()).length, 0);
  });

  test('a decline arriving after the success (out of order) leaves the order paid; the payer’s return never credits', async () => {
    const o = await ordered('gateway');
    const back = await payments.gatewayResult(ipn(o.reference, o.amount), 'gateway_return', '203.0.113.5');
    assert.equal(back.dossierCode, o.code);
    assert.equal((await paymentRow(o.reference)).status, 'pending', 'the return alone does not credit');
    await payments.gatewayResult(ipn(o.reference, o.amount), 'gateway_ipn', null);
    await payments.gatewayResult(ipn(o.reference, o.amount, { responseCode: '24' }), 'gateway_ipn', null);
    assert.equal((await paymentRow(o.reference)).status, 'paid');
    assert.ok((await attemptsOf(o.reference)).includes('gateway_ipn:declined_ignored'));
  });

  test('a new order cancels the open one; money paid to the cancelled one is refunded, not credited twice', async () => {
    const d = await f.dossier();
    await payments.confirmFee(f.citizen, d.code, { quantities: {}, exemption: null, exemptionNote: '', declared: false });
    const first = await payments.startPayment(f.citizen, d.code, 'gateway', { ipAddress: '::1', locale: 'vi' });
    const second = await payments.startPayment(f.citizen, d.code, 'gateway', { ipAddress: '::1', locale: 'vi' });
    assert.equal((await paymentRow(first.reference)).status, 'cancelled');
    await payments.gatewayResult(ipn(second.reference, 8000), 'gateway_ipn', null);
    await payments.gatewayResult(ipn(first.reference, 8000), 'gateway_ipn', null);
    assert.equal((await paymentRow(second.reference)).status, 'paid');
    assert.equal((await paymentRow(first.reference)).status, 'cancelled');
    assert.deepEqual((await refundsOf(first.reference)).map((r) => r.reason), ['duplicate_payment'], 'the dossier was already paid by the newer order');
    await rejectsWith(payments.startPayment(f.citizen, d.code, 'vietqr', { ipAddress: '::1', locale: 'vi' }), 'FEE_ALREADY_PAID');
  });
});

describe('VietQR and the bank’s credit notifications', () => {
  test('the order’s QR asks for the amount with the reference as purpose; a matching credit pays it once', async () => {
    const o = await ordered('vietqr');
    const view = await payments.payment(f.citizen, o.code, o.reference);
    const transfer = readVietQr(view.vietQr!.payload);
    assert.deepEqual(transfer, { bankBin: '970436', accountNumber: '0011001234567', amountVnd: 8000, purpose: `${o.reference} LE PHI` });
    const body = bankBody(o.reference, 8000, 'FT0001');
    assert.deepEqual(await payments.bankNotification(body, bankHeaders(body), '10.1.1.1'), { status: 200, outcome: 'applied' });
    assert.deepEqual(await payments.bankNotification(body, bankHeaders(body), '10.1.1.1'), { status: 200, outcome: 'duplicate' });
    assert.equal((await paymentRow(o.reference)).status, 'paid');
    assert.equal((await payments.payment(f.citizen, o.code, o.reference)).vietQr, null);
  });

  test('forged and stale notifications are refused (401) and logged; nothing is paid', async () => {
    const o = await ordered('vietqr');
    const body = bankBody(o.reference, 8000);
    assert.deepEqual(await payments.bankNotification(body, bankHeaders(body, 'WRONG-SECRET-0000000000'), null), { status: 401, outcome: 'forged' });
    assert.deepEqual(await payments.bankNotification(body, bankHeaders(body, settings.bank.webhookSecret, new Date(now.getTime() - 3_600_000)), null), { status: 401, outcome: 'stale' });
    const other = bankBody(o.reference, 80_000);
    assert.deepEqual(await payments.bankNotification(other, bankHeaders(body), null), { status: 401, outcome: 'forged' });
    assert.equal((await payments.gatewayResult(ipn(o.reference, 8000), 'gateway_ipn', null)).reply.RspCode, '01', 'a gateway result for a bank-transfer order');
    assert.equal((await paymentRow(o.reference)).status, 'pending');
    assert.deepEqual(await attemptsOf(o.reference), ['create:created', 'bank_notification:forged', 'bank_notification:stale', 'bank_notification:forged', 'gateway_ipn:unknown_reference']);
  });

  test('a transfer of the wrong amount is not credited and is refunded; the right one afterwards pays', async () => {
    const o = await ordered('vietqr');
    const wrong = bankBody(o.reference, 5000);
    assert.equal((await payments.bankNotification(wrong, bankHeaders(wrong), null)).outcome, 'amount_mismatch');
    assert.equal((await paymentRow(o.reference)).status, 'pending');
    const right = bankBody(o.reference, 8000);
    assert.equal((await payments.bankNotification(right, bankHeaders(right), null)).outcome, 'applied');
    assert.deepEqual((await refundsOf(o.reference)).map((r) => r.reason), ['amount_mismatch']);
  });

  test('a late transfer after the timeout is refunded; a transfer without a known reference is recorded unmatched', async () => {
    const o = await ordered('vietqr');
    const saved = now;
    now = new Date(now.getTime() + 20 * 60_000);
    try {
      const body = bankBody(o.reference, 8000);
      assert.equal((await payments.bankNotification(body, bankHeaders(body), null)).outcome, 'late');
      assert.equal((await paymentRow(o.reference)).status, 'pending');
      assert.equal((await payments.overview(f.citizen, o.code)).payments[0]!.status, 'expired');
      const stray = bankBody('MC0000000000', 8000, 'FT-STRAY');
      assert.equal((await payments.bankNotification(stray, bankHeaders(stray), null)).outcome, 'unmatched');
      assert.equal((await payments.bankNotification(stray, bankHeaders(stray), null)).outcome, 'duplicate');
      const otherAccount = bankBody(o.reference, 8000, 'FT-OTHER', '999');
      assert.equal((await payments.bankNotification(otherAccount, bankHeaders(otherAccount), null)).outcome, 'other_account');
    } finally {
      now = saved;
    }
    assert.deepEqual((await refundsOf(o.reference)).map((r) => r.reason), ['late_payment']);
  });
});

describe('exactly once under concurrency', () => {
  test('the same IPN delivered ten times at once credits once', async () => {
    const o = await ordered('gateway');
    const params = ipn(o.reference, o.amount, { transactionNo: '77777777' });
    const replies = await Promise.all(Array.from({ length: 10 }, () => payments.gatewayResult(params, 'gateway_ipn', null)));
    assert.equal(replies.filter((r) => r.reply.RspCode === '00').length, 1);
    assert.equal(replies.filter((r) => r.reply.RspCode === '02').length, 9);
    const row = await paymentRow(o.reference);
    assert.equal((await database.db.selectFrom('payment_credit').select('id').where('payment_id', '=', row.id).execute()).length, 1);
    assert.equal((await database.db.selectFrom('e_receipt').select('id').where('payment_id', '=', row.id).execute()).length, 1);
  });

  test('receipts paid at the same time get consecutive numbers, none twice, none skipped', async () => {
    const before = await database.db.selectFrom('e_receipt').select(({ fn }) => fn.max('number').as('max')).where('series', '=', settings.receipt.series).executeTakeFirst();
    const start = Number(before?.max ?? 0);
    const orders = [];
    for (let i = 0; i < 12; i++) orders.push(await ordered(i % 2 === 0 ? 'gateway' : 'vietqr'));
    await Promise.all(
      orders.map((o) => {
        if (o.started.method === 'gateway') return payments.gatewayResult(ipn(o.reference, o.amount), 'gateway_ipn', null);
        const body = bankBody(o.reference, o.amount);
        return payments.bankNotification(body, bankHeaders(body), null);
      }),
    );
    const numbers = (await database.db.selectFrom('e_receipt').select('number').where('series', '=', settings.receipt.series).where('number', '>', start).orderBy('number').execute()).map((r) => r.number);
    assert.deepEqual(numbers, Array.from({ length: 12 }, (_, i) => start + i + 1));
  });
});

describe('refunds', () => {
  test('a refusal after payment requests the refund once; finance records it and the receipt then says refunded', async () => {
    const o = await ordered('gateway');
    await payments.gatewayResult(ipn(o.reference, o.amount), 'gateway_ipn', null);
    await database.db.transaction().execute((trx) => payments.afterRefused(trx, o.id));
    await database.db.transaction().execute((trx) => payments.afterRefused(trx, o.id));
    const refunds = await refundsOf(o.reference);
    assert.deepEqual(refunds.map((r) => [r.reason, r.status]), [['dossier_refused', 'requested']]);
    const view = await payments.officerView(f.desk, o.code);
    const open = view.overview.refunds.find((r) => r.status === 'requested')!;
    await rejectsWith(payments.completeRefund(f.desk, o.code, open.id, ' '), 'VALIDATION_FAILED');
    await rejectsWith(payments.completeRefund(f.citizen, o.code, open.id, 'FT-REFUND-1'), 'PAYMENT_OFFICER_ROLE_REQUIRED');
    await payments.completeRefund(f.desk, o.code, open.id, 'FT-REFUND-1');
    await rejectsWith(payments.completeRefund(f.desk, o.code, open.id, 'FT-REFUND-1'), 'REFUND_NOT_FOUND');
    assert.equal((await paymentRow(o.reference)).status, 'refunded');
    const receipt = await payments.receiptFor(f.citizen, o.code);
    assert.equal((await payments.verifyReceipt(receipt.verificationCode)).refunded, true);
  });

  test('a fee the catalogue says is not returned is not refunded on refusal', async () => {
    const content = structuredClone((await import('./payments.testing.js')).feeContent) as { channels: { feeNote: string }[] };
    content.channels[0]!.feeNote += ' Lệ phí không được hoàn trả.';
    const g = await buildPaymentFixture(database, content);
    const service = createPaymentService(database, { settings, notifications: createNotificationService(database), clock: () => now });
    const d = await g.dossier();
    await service.confirmFee(g.citizen, d.code, { quantities: {}, exemption: null, exemptionNote: '', declared: false });
    const started = await service.startPayment(g.citizen, d.code, 'gateway', { ipAddress: '::1', locale: 'vi' });
    await service.gatewayResult(ipn(started.reference, 8000), 'gateway_ipn', null);
    await database.db.transaction().execute((trx) => service.afterRefused(trx, d.id));
    assert.deepEqual(await refundsOf(started.reference), []);
  });
});
