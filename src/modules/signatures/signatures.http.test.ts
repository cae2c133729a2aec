import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createWebApp } from '../../main/app.js';
import { loadDemoData } from '../../main/seed.js';
import { loadConfig, type Config } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { PdfBuilder } from '../../platform/pdf/index.js';
import { createStorage } from '../../platform/storage/index.js';
import { createFormsService } from '../forms/index.js';
import { TestBrowser, signInCitizen, signInOfficer } from '../identity/testing.js';
import { vaultFiling } from '../vault/index.js';
import { createSignaturesService, ensureDemoKeys, type SignaturesService } from './index.js';

/*
 * Signed results over HTTP with the demo data: the public verification page (by code, by QR link, by uploading a
 * file), the applicant's download and vault, "choose from my vault" in a new application, and the desk's
 * digitisation of a paper result.
 */

let database: Database;
let app: FastifyInstance;
let dataDir: string;
let config: Config;
let signatures: SignaturesService;
let leader: SessionUser;
let citizenId = 0;
let dossierCode = '';
let verificationCode = '';
let resultId = 0;
let pdf: Uint8Array;
const password = 'Demo@2026';

const html = (text: string) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");

/** A multipart/form-data body with text fields and one file, as a browser sends it. */
function multipart(fields: Record<string, string>, file: { field: string; name: string; type: string; bytes: Uint8Array } | null) {
  const boundary = `----motcua${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), Buffer.from(file.bytes), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function postMultipart(browser: TestBrowser, url: string, fields: Record<string, string>, file: Parameters<typeof multipart>[1]) {
  const body = multipart(fields, file);
  const res = await app.inject({ method: 'POST', url, headers: { ...browser.headers(), 'content-type': body.contentType }, payload: body.payload });
  if ((res.headers['content-type'] ?? '').toString().startsWith('text/html')) browser.lastPage = res.body;
  return res;
}

/** The action of the first multipart form on the page (its CSRF token is in the query string). */
function multipartAction(page: string): string {
  const m = /<form method="post" enctype="multipart\/form-data" action="([^"]+)"/.exec(page);
  assert.ok(m, 'a multipart form on the page');
  return html(m[1]!);
}

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-results-'));
  config = loadConfig({ LOG_LEVEL: 'silent', BASE_URL: 'https://dvc.example.vn' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
  const leaderRow = await database.db
    .selectFrom('app_user as u')
    .innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select(['u.id', 'u.display_name', 'u.agency_id', 'u.roles', 'a.code as agency_code', 'a.name as agency_name'])
    .where('u.username', '=', 'centre.leader')
    .executeTakeFirstOrThrow();
  leader = { id: leaderRow.id, kind: 'officer', displayName: leaderRow.display_name, agencyId: leaderRow.agency_id, roles: leaderRow.roles };
  // Keys for this leader and agency only: issuing every demo key costs seconds the test does not need.
  await ensureDemoKeys(config.signingKeysDir, config.signingKeysPassword, [
    { identity: { kind: 'leader', userId: leader.id }, commonName: leader.displayName, organization: leaderRow.agency_name },
    { identity: { kind: 'seal', agencyCode: leaderRow.agency_code }, commonName: leaderRow.agency_name, organization: leaderRow.agency_name },
  ]);
  const storage = await createStorage(config);
  signatures = createSignaturesService(database, { storage, forms: createFormsService(database), vault: vaultFiling(database), keysDir: config.signingKeysDir, keysPassword: config.signingKeysPassword, baseUrl: config.baseUrl });

  citizenId = (await database.db.selectFrom('app_user').select('id').where('username', '=', 'citizen@demo.motcua.vn').executeTakeFirstOrThrow()).id;
  const procedure = await database.db.selectFrom('procedure').select(['id', 'current_version_id']).where('code', '=', '1.001193').executeTakeFirstOrThrow();
  dossierCode = `${leaderRow.agency_code}-251010-0001`;
  const dossier = await database.db
    .insertInto('dossier')
    .values({
      code: dossierCode,
      lookup_secret: 'SECRET1',
      procedure_id: procedure.id,
      procedure_version_id: procedure.current_version_id!,
      form_version: '1',
      applicant_user_id: citizenId,
      applicant: JSON.stringify({ fullName: 'Nguyễn Thị Lan', personalId: '037196001234', phone: '0912345678', email: 'citizen@demo.motcua.vn', address: null }),
      receiving_agency_id: leader.agencyId!,
      holder_agency_id: leader.agencyId!,
      channel: 'online',
      status: 'processing',
      values: JSON.stringify({ childName: 'Nguyễn Minh An', childSex: 'female', childBirthDate: '2025-09-30', motherName: 'Nguyễn Thị Lan' }),
      result_delivery: 'online',
      phone_last4: '5678',
      received_at: new Date('2025-10-10T02:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const issued = await signatures.issue({ dossierId: dossier.id, signer: leader });
  verificationCode = issued.verificationCode;
  resultId = issued.resultId;
  const row = await database.db.selectFrom('dossier_result').select('file_key').where('id', '=', resultId).executeTakeFirstOrThrow();
  pdf = await storage.getBytes(row.file_key);
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the public verification page', () => {
  test('shows the issuer, both signers, the time and the hash, without signing in', async () => {
    const res = await app.inject({ method: 'GET', url: `/xac-minh/${verificationCode}` });
    assert.equal(res.statusCode, 200);
    const page = html(res.body);
    assert.match(page, /Trung tâm Phục vụ hành chính công/);
    assert.ok(page.includes(leader.displayName), 'the leader’s name');
    assert.match(page, /Con dấu của cơ quan/);
    assert.ok(page.replace(/\s/g, '').includes(createHash('sha256').update(pdf).digest('hex')), 'the hash of the file');
    assert.doesNotMatch(page, /Nguyễn Minh An/, 'no personal data of the applicant');
  });

  test('the code may be typed in any case with dashes; a malformed one is an error on the start page', async () => {
    const typed = verificationCode.toLowerCase().match(/.{4}/g)!.join('-');
    const res = await app.inject({ method: 'GET', url: `/xac-minh-ket-qua?ma=${typed}` });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/xac-minh/${verificationCode}`);
    const bad = await app.inject({ method: 'GET', url: '/xac-minh-ket-qua?ma=abc' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /error-summary/);
    const unknown = await app.inject({ method: 'GET', url: '/xac-minh/AAAABBBBCCCCDDDD' });
    assert.equal(unknown.statusCode, 404);
  });

  test('an uploaded copy is confirmed genuine, and a tampered copy is not', async () => {
    const browser = new TestBrowser(app, '10.0.7.1');
    const page = await browser.get(`/xac-minh/${verificationCode}`);
    const action = multipartAction(page.body);
    const good = await postMultipart(browser, action, {}, { field: 'file', name: 'ket-qua.pdf', type: 'application/pdf', bytes: pdf });
    assert.equal(good.statusCode, 200);
    assert.match(good.body, /Tệp này đúng là văn bản gốc/);
    assert.equal(good.body.match(/hợp lệ<\/strong>/g)?.length, 2);
    const tampered = Buffer.from(pdf);
    tampered[400] = tampered[400]! ^ 0x01;
    const bad = await postMultipart(browser, action, {}, { field: 'file', name: 'ket-qua.pdf', type: 'application/pdf', bytes: tampered });
    assert.equal(bad.statusCode, 200);
    assert.match(bad.body, /Tệp này không phải văn bản gốc/);
    assert.equal(bad.body.match(/không hợp lệ<\/strong>/g)?.length, 2);
    const noToken = await postMultipart(browser, `/xac-minh/${verificationCode}`, {}, { field: 'file', name: 'x.pdf', type: 'application/pdf', bytes: pdf });
    assert.equal(noToken.statusCode, 403);
  });
});

describe('the applicant', () => {
  test('downloads the result from the dossier and finds it in the vault', async () => {
    const browser = new TestBrowser(app, '10.0.7.2');
    await signInCitizen(browser, 'citizen@demo.motcua.vn', password);
    await database.db.updateTable('dossier').set({ status: 'result_ready' }).where('code', '=', dossierCode).execute();
    const page = await browser.get(`/ho-so/${dossierCode}`);
    assert.ok(page.body.includes(`href="/ho-so/${dossierCode}/ket-qua"`), 'the dossier page links to the result');
    const newest = await browser.get(`/ho-so/${dossierCode}/ket-qua`);
    assert.equal(newest.statusCode, 303);
    assert.equal(newest.headers.location, `/ho-so/${dossierCode}/ket-qua/${resultId}`);
    const download = await browser.get(`/ho-so/${dossierCode}/ket-qua/${resultId}`);
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/pdf');
    assert.ok(Buffer.from(download.rawPayload).equals(Buffer.from(pdf)), 'the stored file, byte for byte');
    const vault = await browser.get('/kho-du-lieu');
    assert.equal(vault.statusCode, 200);
    assert.match(vault.body, /Trích lục khai sinh/);
    assert.match(vault.body, /Do cơ quan cấp/);
    assert.ok(vault.body.includes(`href="/xac-minh/${verificationCode}"`), 'a link to the verification page');
    const id = /href="\/kho-du-lieu\/(\d+)\/tai-xuong"/.exec(vault.body)?.[1];
    assert.ok(id);
    const fromVault = await browser.get(`/kho-du-lieu/${id}/tai-xuong`);
    assert.ok(Buffer.from(fromVault.rawPayload).equals(Buffer.from(pdf)), 'the same file from the vault');
  });

  test('nobody else may download it', async () => {
    const anonymous = await app.inject({ method: 'GET', url: `/ho-so/${dossierCode}/ket-qua/${resultId}` });
    assert.notEqual(anonymous.statusCode, 200);
    const officer = new TestBrowser(app, '10.0.7.3');
    await signInOfficer(officer, 'centre.desk', password);
    assert.equal((await officer.get(`/ho-so/${dossierCode}/ket-qua/${resultId}`)).statusCode, 403);
    assert.equal((await officer.get('/kho-du-lieu')).statusCode, 403);
  });

  test('chooses the result from the vault for a new application instead of uploading it', async () => {
    const browser = new TestBrowser(app, '10.0.7.4');
    await signInCitizen(browser, 'citizen@demo.motcua.vn', password);
    const start = await browser.get('/thu-tuc/1.001193/nop-truc-tuyen');
    assert.equal(start.statusCode, 303);
    const draftId = /\/ho-so-nhap\/([0-9a-f-]{36})/.exec(String(start.headers.location))![1]!;
    const documents = await browser.get(`/ho-so-nhap/${draftId}/documents`);
    assert.equal(documents.statusCode, 200);
    assert.ok(documents.body.includes(`href="/ho-so-nhap/${draftId}/kho-du-lieu/birthCertificate"`), 'a "choose from my vault" link on the reusable field');
    const chooser = await browser.get(`/ho-so-nhap/${draftId}/kho-du-lieu/birthCertificate`);
    assert.equal(chooser.statusCode, 200);
    const documentId = /name="documentId" value="(\d+)"/.exec(chooser.body)?.[1];
    assert.ok(documentId, 'the vault’s PDF is offered');
    const none = await browser.post(`/ho-so-nhap/${draftId}/kho-du-lieu/birthCertificate`, {});
    assert.equal(none.statusCode, 400);
    await browser.get(`/ho-so-nhap/${draftId}/kho-du-lieu/birthCertificate`);
    const chosen = await browser.post(`/ho-so-nhap/${draftId}/kho-du-lieu/birthCertificate`, { documentId });
    assert.equal(chosen.statusCode, 303);
    assert.equal(chosen.headers.location, `/ho-so-nhap/${draftId}/documents`);
    const after = await browser.get(`/ho-so-nhap/${draftId}/documents`);
    assert.match(after.body, /từ kho dữ liệu/i);
    const upload = await database.db.selectFrom('draft_upload').selectAll().where('draft_id', '=', draftId).executeTakeFirstOrThrow();
    const vaultDoc = await database.db.selectFrom('vault_document').selectAll().where('id', '=', Number(documentId)).executeTakeFirstOrThrow();
    assert.equal(upload.source, 'vault');
    assert.equal(upload.storage_key, vaultDoc.storage_key);
    assert.equal(upload.sha256, vaultDoc.sha256);
    // A field that does not take vault documents refuses the reference.
    assert.equal((await browser.get(`/ho-so-nhap/${draftId}/kho-du-lieu/authorisation`)).statusCode, 400);
  });
});

describe('desk digitisation', () => {
  test('a desk officer stores a scanned paper result with its details; it reaches the applicant’s vault as verified', async () => {
    const browser = new TestBrowser(app, '10.0.7.5');
    await signInOfficer(browser, 'centre.desk', password);
    const page = await browser.get('/can-bo/so-hoa');
    assert.equal(page.statusCode, 200);
    const action = multipartAction(page.body);
    const builder = await PdfBuilder.create({ title: 'Bản quét' });
    builder.paragraph('GIẤY CHỨNG NHẬN (bản quét)');
    const scan = await builder.save();
    const missing = await postMultipart(browser, action, { dossierCode, title: '', signedOn: '' }, null);
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Nhập tên văn bản kết quả/);
    const res = await postMultipart(browser, action, { dossierCode, title: 'Giấy khai sinh (bản giấy cấp năm 2025)', documentNumber: '123/TLKS', signedOn: '2025-10-15', signerName: 'Phạm Quốc Hùng', note: '' }, { field: 'file', name: 'scan.pdf', type: 'application/pdf', bytes: scan });
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.match(res.body, /Đã lưu bản số hóa/);
    const row = await database.db.selectFrom('dossier_result').selectAll().where('origin', '=', 'scan').executeTakeFirstOrThrow();
    assert.equal(row.metadata.documentNumber, '123/TLKS');
    assert.equal(row.extracted, null);
    assert.equal(row.sha256, createHash('sha256').update(scan).digest('hex'));
    const vault = await database.db.selectFrom('vault_document').selectAll().where('dossier_result_id', '=', row.id).executeTakeFirstOrThrow();
    assert.equal(vault.owner_user_id, citizenId);
    assert.equal(vault.status, 'verified');
    const verify = await app.inject({ method: 'GET', url: `/xac-minh/${row.verification_code}` });
    assert.match(verify.body, /Bản số hóa kết quả giấy/);
  });

  test('a citizen cannot open the desk page, and a dossier of another agency is not found', async () => {
    const citizen = new TestBrowser(app, '10.0.7.6');
    await signInCitizen(citizen, 'citizen@demo.motcua.vn', password);
    assert.equal((await citizen.get('/can-bo/so-hoa')).statusCode, 403);
    const handler = new TestBrowser(app, '10.0.7.8');
    await signInOfficer(handler, 'centre.handler', password);
    assert.equal((await handler.get('/can-bo/so-hoa')).statusCode, 403);
    await handler.get('/can-bo/tiep-nhan');
    const token = /name="_csrf" value="([^"]+)"/.exec(handler.lastPage)?.[1] ?? '';
    assert.ok(token, 'a CSRF token from the officer’s page');
    const refused = await postMultipart(handler, `/can-bo/so-hoa?_csrf=${encodeURIComponent(token)}`, { dossierCode, title: 'Giấy khai sinh', signedOn: '2025-10-15' }, null);
    assert.equal(refused.statusCode, 403, 'the role is checked before the form');
    assert.match(refused.body, /DIGITIZE_ROLE_REQUIRED/);
    const other = new TestBrowser(app, '10.0.7.7');
    await signInOfficer(other, 'justice.desk', password);
    const page = await other.get('/can-bo/so-hoa');
    const builder = await PdfBuilder.create({ title: 'Bản quét' });
    builder.paragraph('Bản quét');
    const res = await postMultipart(other, multipartAction(page.body), { dossierCode, title: 'Giấy khai sinh', signedOn: '2025-10-15' }, { field: 'file', name: 'scan.pdf', type: 'application/pdf', bytes: await builder.save() });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Không tìm thấy hồ sơ/);
  });
});
