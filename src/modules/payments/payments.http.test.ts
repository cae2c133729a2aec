import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createWebApp } from '../../main/app.js';
import { loadDemoData } from '../../main/seed.js';
import { loadConfig, type Config } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { pdfText } from '../../platform/pdf/testing.js';
import { TestBrowser, signInCitizen, signInOfficer } from '../identity/testing.js';
import { signBankNotification } from './bank.js';
import { seedDossierFor } from './payments.testing.js';

/*
 * The payment pages through app.inject(), with both sandboxes playing the outside world: the citizen pays one
 * dossier through the card gateway and another by VietQR, gets the e-receipt and its public verification page; the
 * provider endpoints refuse forged notifications.
 */

let database: Database;
let app: FastifyInstance;
let config: Config;
let dataDir: string;
const citizenAccount = 'citizen@demo.motcua.vn';
const procedureCode = '1.014064'; // identity card replacement: 70 000 đ online (catalogue, 2026-07)

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-pay-'));
  config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir, nodeEnv: 'test' });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
const pathOf = (location: string) => {
  const u = new URL(location, 'http://x');
  return `${u.pathname}${u.search}`;
};
function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) out[m[1]!] = unescape(m[2]!);
  return out;
}

test('a citizen pays through the sandbox gateway and gets the e-receipt and its verification page', async () => {
  const d = await seedDossierFor(database, citizenAccount, procedureCode);
  const b = new TestBrowser(app, '10.9.0.1');
  await signInCitizen(b, citizenAccount, 'Demo@2026');
  const dossierPage = await b.get(`/ho-so/${d.code}`);
  assert.ok(dossierPage.body.includes(`/ho-so/${d.code}/thanh-toan`), 'the dossier page links to the payment page');
  const page = await b.get(`/ho-so/${d.code}/thanh-toan`);
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes('70.000 đồng'), 'the catalogue fee is shown');
  const toGateway = await b.post(`/ho-so/${d.code}/thanh-toan`, { method: 'gateway' });
  assert.equal(toGateway.statusCode, 303);
  const gatewayUrl = String(toGateway.headers.location);
  assert.ok(gatewayUrl.includes('/dev/cong-thanh-toan?') && gatewayUrl.includes('vnp_SecureHash='));

  const card = await b.get(pathOf(gatewayUrl));
  assert.equal(card.statusCode, 200);
  const back = await b.post('/dev/cong-thanh-toan', { ...hiddenFields(card.body), decision: 'approve' });
  assert.equal(back.statusCode, 303);
  assert.ok(String(back.headers.location).includes('/thanh-toan/ket-qua?'));
  const result = await b.get(pathOf(String(back.headers.location)));
  assert.equal(result.statusCode, 303);
  const resultPage = await b.get(String(result.headers.location));
  assert.ok(resultPage.body.includes('Thanh toán thành công'), resultPage.body.slice(0, 300));

  const pdf = await b.get(`/ho-so/${d.code}/bien-lai.pdf`);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const text = pdfText(new Uint8Array(pdf.rawPayload)).replace(/\s+/g, ' ');
  assert.ok(text.includes('Bảy mươi nghìn đồng'), text.slice(0, 800));
  const receipt = await database.db.selectFrom('e_receipt as r').innerJoin('payment as p', 'p.id', 'r.payment_id').select(['r.verification_code']).where('p.dossier_id', '=', d.id).executeTakeFirstOrThrow();
  const verify = await new TestBrowser(app, '10.9.0.2').get(`/bien-lai/${receipt.verification_code}`);
  assert.equal(verify.statusCode, 200);
  assert.ok(verify.body.includes(d.code));

  // Paid: the form is gone, a second payment is refused.
  const again = await b.get(`/ho-so/${d.code}/thanh-toan`);
  assert.ok(!again.body.includes('name="method"'));
});

test('a citizen pays by VietQR; the sandbox bank sends the signed credit notification', async () => {
  const d = await seedDossierFor(database, citizenAccount, procedureCode);
  const b = new TestBrowser(app, '10.9.0.3');
  await signInCitizen(b, citizenAccount, 'Demo@2026');
  await b.get(`/ho-so/${d.code}/thanh-toan`);
  const started = await b.post(`/ho-so/${d.code}/thanh-toan`, { method: 'vietqr' });
  const qrPage = await b.get(String(started.headers.location));
  assert.ok(qrPage.body.includes('src="data:image/png;base64,'), 'the VietQR image is on the page');
  const bankLink = unescape(/href="(\/dev\/ngan-hang\?[^"]+)"/.exec(qrPage.body)?.[1] ?? '');
  assert.ok(bankLink, 'the sandbox bank link');
  const bank = await b.get(bankLink);
  const fields: Record<string, string> = {};
  for (const m of bank.body.matchAll(/<input type="text" id="[^"]+" name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = unescape(m[2]!);
  assert.equal(fields.amount, '70000');
  const sent = await b.post('/dev/ngan-hang', fields);
  assert.ok(sent.body.includes('applied'), sent.body.slice(0, 500));
  const paid = await b.get(String(started.headers.location));
  assert.ok(paid.body.includes('Thanh toán thành công'));
});

test('forged provider notifications are refused: IPN 97, bank 401; the gateway sandbox refuses a tampered request', async () => {
  const ipn = await app.inject({ method: 'GET', url: '/api/thanh-toan/ipn?vnp_TxnRef=MC0000000000&vnp_Amount=100&vnp_ResponseCode=00&vnp_SecureHash=' + 'a'.repeat(128) });
  assert.equal(ipn.statusCode, 200);
  assert.equal(JSON.parse(ipn.body).RspCode, '97');
  const body = JSON.stringify({ transactionId: 'FT1', bankBin: config.paymentBankBin, accountNumber: config.paymentBankAccount, amount: 70000, description: 'MC0000000000', creditedAt: new Date().toISOString() });
  const ts = Math.floor(Date.now() / 1000);
  const forged = await app.inject({ method: 'POST', url: '/api/thanh-toan/ngan-hang/bao-co', headers: { 'content-type': 'application/json', 'x-bank-timestamp': String(ts), 'x-bank-signature': signBankNotification('wrong-secret-000000', ts, body) }, payload: body });
  assert.equal(forged.statusCode, 401);
  const genuine = await app.inject({ method: 'POST', url: '/api/thanh-toan/ngan-hang/bao-co', headers: { 'content-type': 'application/json', 'x-bank-timestamp': String(ts), 'x-bank-signature': signBankNotification(config.paymentBankWebhookSecret, ts, body) }, payload: body });
  assert.deepEqual([genuine.statusCode, JSON.parse(genuine.body).outcome], [200, 'unmatched']);
  const tampered = await app.inject({ method: 'GET', url: '/dev/cong-thanh-toan?vnp_TmnCode=MOTCUA01&vnp_Command=pay&vnp_Amount=100&vnp_SecureHash=' + 'b'.repeat(128) });
  assert.equal(tampered.statusCode, 400);
  const returnForged = await app.inject({ method: 'GET', url: '/thanh-toan/ket-qua?vnp_TxnRef=MC0000000000&vnp_SecureHash=' + 'c'.repeat(128) });
  assert.equal(returnForged.statusCode, 403);
});

test('the desk refuses a paid dossier: the refund is requested in the same transaction and finance records it', async () => {
  const d = await seedDossierFor(database, citizenAccount, procedureCode);
  const b = new TestBrowser(app, '10.9.0.4');
  await signInCitizen(b, citizenAccount, 'Demo@2026');
  await b.get(`/ho-so/${d.code}/thanh-toan`);
  const toGateway = await b.post(`/ho-so/${d.code}/thanh-toan`, { method: 'gateway' });
  const card = await b.get(pathOf(String(toGateway.headers.location)));
  await b.post('/dev/cong-thanh-toan', { ...hiddenFields(card.body), decision: 'approve' });

  const dossier = await database.db.selectFrom('dossier').select(['receiving_agency_id', 'row_version']).where('id', '=', d.id).executeTakeFirstOrThrow();
  const desk = await database.db.selectFrom('app_user').select('username').where('agency_id', '=', dossier.receiving_agency_id).where('kind', '=', 'officer').execute();
  const deskUser = desk.find((u) => u.username.endsWith('.desk'));
  assert.ok(deskUser, 'a desk officer at the receiving agency');
  const officer = new TestBrowser(app, '10.9.0.5');
  await signInOfficer(officer, deskUser.username, 'Demo@2026');
  await officer.get(`/can-bo/ho-so/${d.code}`);
  const refused = await officer.post(`/can-bo/ho-so/${d.code}/tu-choi`, { reasons: 'Hồ sơ không thuộc thẩm quyền.', rowVersion: String(dossier.row_version) });
  assert.equal(refused.statusCode, 303, refused.body.slice(0, 400));

  const refunds = await database.db
    .selectFrom('payment_refund as r')
    .innerJoin('payment as p', 'p.id', 'r.payment_id')
    .select(['r.id', 'r.reason', 'r.status'])
    .where('p.dossier_id', '=', d.id)
    .execute();
  assert.deepEqual(refunds.map((r) => [r.reason, r.status]), [['dossier_refused', 'requested']]);
  const feePage = await officer.get(`/can-bo/ho-so/${d.code}/le-phi`);
  assert.equal(feePage.statusCode, 200);
  const done = await officer.post(`/can-bo/ho-so/${d.code}/le-phi/hoan-tien/${refunds[0]!.id}`, { providerReference: 'FT-HOAN-0001' });
  assert.equal(done.statusCode, 303);
  const payment = await database.db.selectFrom('payment').select('status').where('dossier_id', '=', d.id).where('status', 'in', ['paid', 'refunded']).executeTakeFirstOrThrow();
  assert.equal(payment.status, 'refunded');
  const citizenView = await b.get(`/ho-so/${d.code}/thanh-toan`);
  assert.ok(citizenView.body.includes('Đã hoàn trả'), 'the applicant sees the refund');
});
