import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { openDatabase, type Database } from '../../platform/db/database.js';
import { migrate } from '../../platform/db/migrate.js';
import { createNotificationService } from '../notifications/index.js';
import { signBankNotification } from './bank.js';
import { signedResult } from './gateway.js';
import { createPaymentService, type PaymentSettings } from './index.js';
import { buildPaymentFixture } from './payments.testing.js';

/*
 * Exactly-once across processes (PostgreSQL only: the embedded database has one process by design): three worker
 * processes each deliver the same gateway IPN four times and the same bank credit four times, all at the same moment.
 * Exactly one IPN credits its order, exactly one bank credit pays the other, and each order has one receipt.
 */

const serverUrl = process.env.DATABASE_URL ?? '';
const run = promisify(execFile);
let database: Database;
let url = '';
let name = '';

const settings: PaymentSettings = {
  configured: true,
  baseUrl: 'http://portal.test',
  gateway: { url: 'http://gateway.test/pay', returnUrl: 'http://portal.test/thanh-toan/ket-qua', merchantCode: 'MOTCUA01', secret: 'TEST-GATEWAY-SECRET-0123456789' },
  bank: { bin: '970436', account: '0011001234567', accountName: 'TEST', webhookSecret: 'TEST-BANK-SECRET-0123456789' },
  receipt: { template: '01BLP0-001', series: 'MP-26E' },
  timeoutMinutes: 15,
};

async function admin(text: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

before(async () => {
  if (!serverUrl) return;
  name = `motcua_t_mp_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  url = u.toString();
  database = await openDatabase({ url, poolSize: 4 });
  await migrate(database);
});

after(async () => {
  if (!serverUrl) return;
  await database?.close();
  await admin(`drop database if exists ${name} with (force)`);
});

test('three processes delivering the same notifications at once credit each order exactly once', { skip: serverUrl ? false : 'needs DATABASE_URL (PostgreSQL)' }, async () => {
  const now = new Date();
  const f = await buildPaymentFixture(database);
  const payments = createPaymentService(database, { settings, notifications: createNotificationService(database), clock: () => now });
  const open = async (method: 'gateway' | 'vietqr') => {
    const d = await f.dossier();
    await payments.confirmFee(f.citizen, d.code, { quantities: {}, exemption: null, exemptionNote: '', declared: false });
    return { ...d, ...(await payments.startPayment(f.citizen, d.code, method, { ipAddress: '::1', locale: 'vi' })) };
  };
  const card = await open('gateway');
  const transfer = await open('vietqr');
  const ipn = signedResult(settings.gateway.secret, { merchantCode: 'MOTCUA01', reference: card.reference, amountVnd: 8000, orderInfo: 'x', responseCode: '00', transactionNo: '55555555', bankCode: 'NCB', paidAt: now });
  const bankBody = JSON.stringify({ transactionId: 'FT-MP-1', bankBin: '970436', accountNumber: '0011001234567', amount: 8000, description: `${transfer.reference} LE PHI`, creditedAt: now.toISOString() });
  const ts = Math.floor(now.getTime() / 1000);
  const input = JSON.stringify({ settings, now: now.toISOString(), ipn, bankBody, bankHeaders: { timestamp: String(ts), signature: signBankNotification(settings.bank.webhookSecret, ts, bankBody) } });
  const child = fileURLToPath(new URL('./payments.multiprocess-child.ts', import.meta.url));
  const start = String(Date.now() + 4000);
  const outputs = await Promise.all(
    [1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, MOTCUA_PAY_URL: url, MOTCUA_PAY_INPUT: input, MOTCUA_PAY_START: start }, timeout: 60_000 })),
  );
  const outcomes = outputs.flatMap((o) => JSON.parse(o.stdout.trim().split('\n').pop()!) as string[]);
  assert.equal(outcomes.filter((o) => o === 'ipn:00').length, 1, outcomes.join(' '));
  assert.equal(outcomes.filter((o) => o === 'ipn:02').length, 11);
  assert.equal(outcomes.filter((o) => o === 'bank:applied').length, 1);
  assert.equal(outcomes.filter((o) => o === 'bank:duplicate').length, 11);
  for (const id of [card.id, transfer.id]) {
    const paid = await database.db.selectFrom('payment').select('id').where('dossier_id', '=', id).where('status', '=', 'paid').execute();
    assert.equal(paid.length, 1);
    const receipts = await database.db.selectFrom('e_receipt').select('number').where('payment_id', '=', paid[0]!.id).execute();
    assert.equal(receipts.length, 1);
  }
  const numbers = (await database.db.selectFrom('e_receipt').select('number').where('series', '=', 'MP-26E').orderBy('number').execute()).map((r) => r.number);
  assert.deepEqual(numbers, [1, 2]);
});
