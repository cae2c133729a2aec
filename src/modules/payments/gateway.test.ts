import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { BANK_SIGNATURE_HEADER, parseBankCredit, signBankNotification, verifyBankNotification } from './bank.js';
import { gatewayTime, parseGatewayTime, paymentUrl, readResult, signedResult, signedText, verifyParams } from './gateway.js';
import { isPaymentReference, newPaymentReference, referencesIn } from './reference.js';

const secret = 'SANDBOXSECRETSANDBOXSECRET012345';

test('signs the sorted, form-encoded parameters with HMAC-SHA512', () => {
  const params = { vnp_TxnRef: 'MC0000000001', vnp_Amount: '15000000', vnp_OrderInfo: 'Nop le phi ho so', vnp_Command: 'pay', other: 'ignored' };
  const text = signedText(params);
  assert.equal(text, 'vnp_Amount=15000000&vnp_Command=pay&vnp_OrderInfo=Nop+le+phi+ho+so&vnp_TxnRef=MC0000000001');
  const hash = createHmac('sha512', secret).update(text).digest('hex');
  assert.equal(verifyParams({ ...params, vnp_SecureHash: hash }, secret), true);
  assert.equal(verifyParams({ ...params, vnp_SecureHash: hash.toUpperCase() }, secret), true, 'hex case does not matter');
});

test('a payment URL carries a hash the gateway can verify, and any change breaks it', () => {
  const url = new URL(
    paymentUrl({
      gatewayUrl: 'http://127.0.0.1:3000/dev/cong-thanh-toan',
      merchantCode: 'MOTCUA01',
      secret,
      reference: 'MC0000000001',
      amountVnd: 150_000,
      orderInfo: 'Nop le phi ho so 000.00.30.H42-261124-0001',
      returnUrl: 'http://127.0.0.1:3000/thanh-toan/ket-qua',
      ipAddress: '127.0.0.1',
      locale: 'vn',
      createdAt: new Date('2026-11-24T03:00:00Z'),
      expiresAt: new Date('2026-11-24T03:15:00Z'),
    }),
  );
  const params = Object.fromEntries(url.searchParams);
  assert.equal(params.vnp_Amount, '15000000');
  assert.equal(params.vnp_CreateDate, '20261124100000');
  assert.equal(verifyParams(params, secret), true);
  assert.equal(verifyParams({ ...params, vnp_Amount: '100' }, secret), false, 'amount changed');
  assert.equal(verifyParams(params, `${secret}x`), false, 'another secret');
  assert.equal(verifyParams({ ...params, vnp_SecureHash: undefined }, secret), false, 'no hash');
  assert.equal(verifyParams({ ...params, vnp_TxnRef: ['MC0000000001', 'MC0000000002'] }, secret), false, 'repeated parameter');
});

test('a signed result reads back with the amount in đồng and the payment time', () => {
  const paidAt = new Date('2026-11-24T03:05:07Z');
  const params = signedResult(secret, { merchantCode: 'MOTCUA01', reference: 'MC0000000001', amountVnd: 70_000, orderInfo: 'x', responseCode: '00', transactionNo: '14123456', bankCode: 'NCB', paidAt });
  assert.equal(verifyParams(params, secret), true);
  const r = readResult(params);
  assert.equal(r.amountVnd, 70_000);
  assert.equal(r.responseCode, '00');
  assert.equal(r.transactionStatus, '00');
  assert.equal(r.paidAt?.toISOString(), paidAt.toISOString());
  assert.equal(readResult({ ...params, vnp_Amount: '7000050' }).amountVnd, null, 'fractions of a đồng are malformed');
});

test('gateway times are Vietnam time and malformed ones are refused', () => {
  assert.equal(gatewayTime(new Date('2026-12-31T17:30:00Z')), '20270101003000');
  assert.equal(parseGatewayTime('20270101003000')?.toISOString(), '2026-12-31T17:30:00.000Z');
  assert.equal(parseGatewayTime('20261332000000'), null);
  assert.equal(parseGatewayTime('2026'), null);
});

test('bank notifications are authenticated by HMAC over timestamp and body, and stale ones refused', () => {
  const body = JSON.stringify({ transactionId: 'FT1', bankBin: '970436', accountNumber: '001', amount: 1000, description: 'MC0000000001', creditedAt: '2026-11-24T03:00:00Z' });
  const now = new Date('2026-11-24T03:00:10Z');
  const ts = Math.floor(now.getTime() / 1000);
  const signature = signBankNotification(secret, ts, body);
  assert.deepEqual(verifyBankNotification(secret, { timestamp: String(ts), signature }, body, now), { ok: true });
  assert.deepEqual(verifyBankNotification(secret, { timestamp: String(ts), signature }, body.replace('1000', '9000'), now), { ok: false, reason: 'forged' });
  assert.deepEqual(verifyBankNotification('other-secret', { timestamp: String(ts), signature }, body, now), { ok: false, reason: 'forged' });
  assert.deepEqual(verifyBankNotification(secret, { timestamp: String(ts), signature }, body, new Date(now.getTime() + 600_000)), { ok: false, reason: 'stale' });
  assert.deepEqual(verifyBankNotification(secret, { timestamp: undefined, signature }, body, now), { ok: false, reason: 'missing' });
  assert.equal(BANK_SIGNATURE_HEADER, 'x-bank-signature');
  assert.equal(parseBankCredit(JSON.parse(body))?.amountVnd, 1000);
  assert.equal(parseBankCredit({ ...JSON.parse(body), amount: 10.5 }), null);
  assert.equal(parseBankCredit({ ...JSON.parse(body), creditedAt: 'yesterday' }), null);
});

test('references are unguessable, survive bank mangling and are found in a description', () => {
  const refs = new Set(Array.from({ length: 500 }, () => newPaymentReference()));
  assert.equal(refs.size, 500);
  for (const r of refs) assert.ok(isPaymentReference(r), r);
  const ref = [...refs][0]!;
  assert.deepEqual(referencesIn(`MBVCB.1234.${ref.toLowerCase()} le phi.CT tu 0123`), [ref]);
  assert.deepEqual(referencesIn('CHUYEN TIEN'), []);
});
