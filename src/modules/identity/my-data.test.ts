import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import JSZip from 'jszip';
import { createWebApp } from '../../main/app.js';
import { loadDemoData } from '../../main/seed.js';
import { recordAudit, verifyAuditChain } from '../../platform/audit/index.js';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { createUsersService } from '../admin/index.js';
import { submitOnline } from '../dossiers/testing.js';
import { TestBrowser, signInCitizen, signInOfficer } from './testing.js';

let database: Database;
let app: FastifyInstance;
let dataDir: string;
let citizen: TestBrowser;
let code = '';

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-mydata-'));
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
  citizen = new TestBrowser(app, '10.61.0.1');
  await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
  code = await submitOnline(citizen);
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('the page needs a signed-in citizen', async () => {
  const anonymous = new TestBrowser(app, '10.61.0.2');
  const res = await anonymous.get('/tai-khoan/du-lieu-ca-nhan');
  assert.equal(res.statusCode, 303);
  assert.match(String(res.headers.location), /^\/dang-nhap\?next=/);
  assert.equal((await anonymous.get('/tai-khoan/du-lieu-ca-nhan/tai-ve')).statusCode, 303);
});

test('the access log lists officers who opened or acted on my dossiers, and nobody else’s', async () => {
  const empty = await citizen.get('/tai-khoan/du-lieu-ca-nhan');
  assert.equal(empty.statusCode, 200);
  assert.match(empty.body, /Chưa có cán bộ nào truy cập hồ sơ của bạn/);
  // The commune's desk officer opens the dossier: the read is logged; a read of some other dossier is not mine.
  const desk = new TestBrowser(app, '10.61.0.9');
  await signInOfficer(desk, 'hoalu.desk', 'Demo@2026');
  assert.equal((await desk.get(`/can-bo/ho-so/${code}`)).statusCode, 200);
  const officer = await database.db.selectFrom('app_user').select(['id', 'display_name']).where('username', '=', 'hoalu.desk').executeTakeFirstOrThrow();
  await recordAudit(database.db, { actorUserId: officer.id, actorKind: 'officer', action: 'dossier.read', subjectType: 'dossier', subjectId: 999_999 });
  const page = await citizen.get('/tai-khoan/du-lieu-ca-nhan');
  assert.match(page.body, new RegExp(code));
  assert.match(page.body, /Xem hồ sơ/);
  assert.ok(page.body.includes(officer.display_name), 'the officer is named');
  assert.equal((page.body.match(/Xem hồ sơ/g) ?? []).length, 1, 'only my dossier’s reads');
});

test('the export is a ZIP with my account, profile, dossiers, history and files, and no secrets', async () => {
  const res = await citizen.get('/tai-khoan/du-lieu-ca-nhan/tai-ve');
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/zip');
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="du-lieu-cua-toi-\d{4}-\d{2}-\d{2}\.zip"$/);
  const zip = await JSZip.loadAsync(res.rawPayload);
  const manifest = JSON.parse(await zip.file('my-data.json')!.async('string'));
  assert.equal(manifest.account.records.account.username, 'citizen@demo.motcua.vn');
  assert.equal(manifest.account.records.profile.personal_id, '037196001234');
  assert.ok(Array.isArray(manifest.account.records.consents), 'consents listed');
  const mine = manifest.dossiers.records.dossiers.find((d: { code: string }) => d.code === code);
  assert.ok(mine, 'the dossier is in the export');
  assert.ok(mine.history.length >= 1, 'history included');
  const text = JSON.stringify(manifest);
  for (const secret of ['password_hash', 'id_hash', 'storage_key', 'lookup_secret', 'provider_id_token']) assert.ok(!text.includes(secret), `no ${secret} in the export: ${text.slice(Math.max(0, text.indexOf(secret) - 200), text.indexOf(secret) + 50)}`);
  for (const f of manifest.dossiers.files) assert.ok(zip.file(f.path), `${f.path} is in the archive`);
  const exported = await database.db.selectFrom('audit_event').select('action').where('action', '=', 'user.export_data').execute();
  assert.equal(exported.length, 1);
});

test('erasure needs the confirmation box and is refused while a dossier is being processed', async () => {
  await citizen.get('/tai-khoan/du-lieu-ca-nhan');
  const unconfirmed = await citizen.post('/tai-khoan/du-lieu-ca-nhan/xoa', {});
  assert.equal(unconfirmed.statusCode, 400);
  assert.match(unconfirmed.body, /href="#confirm"/);
  assert.match(unconfirmed.body, /ERASURE_NOT_CONFIRMED/);
  const blocked = await citizen.post('/tai-khoan/du-lieu-ca-nhan/xoa', { confirm: 'yes' });
  assert.equal(blocked.statusCode, 409);
  assert.match(blocked.body, /ERASURE_BLOCKED_BY_DOSSIERS/);
  assert.match(blocked.body, /checked/, 'the box stays ticked');
  const still = await database.db.selectFrom('citizen_profile').select('user_id').innerJoin('app_user', 'app_user.id', 'citizen_profile.user_id').where('username', '=', 'citizen@demo.motcua.vn').execute();
  assert.equal(still.length, 1);
});

test('a citizen without dossiers in progress erases their data: anonymous account, signed out, consent withdrawn, audited', async () => {
  const users = createUsersService(database);
  const user = await users.create({ kind: 'citizen', username: '0912000111', displayName: 'Trần Văn Xoá', password: 'Xoa@2026-du-lieu' });
  await database.db.insertInto('citizen_profile').values({ user_id: user.id, full_name: 'Trần Văn Xoá', phone: '0912000111', contact_verified_at: new Date() }).execute();
  await database.db.insertInto('consent').values({ user_id: user.id, purpose: 'account', notice_version: 'test', given_at: new Date() }).execute();
  const b = new TestBrowser(app, '10.61.0.3');
  await signInCitizen(b, '0912000111', 'Xoa@2026-du-lieu');
  await b.get('/tai-khoan/du-lieu-ca-nhan');
  const res = await b.post('/tai-khoan/du-lieu-ca-nhan/xoa', { confirm: 'yes' });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/tai-khoan/du-lieu-ca-nhan/da-xoa');
  assert.equal((await b.get('/tai-khoan/du-lieu-ca-nhan')).statusCode, 303, 'signed out');
  const account = await database.db.selectFrom('app_user').select(['username', 'display_name']).where('id', '=', user.id).executeTakeFirstOrThrow();
  assert.equal(account.username, `deleted-${user.id}`);
  assert.equal(account.display_name, '');
  assert.equal((await database.db.selectFrom('citizen_profile').select('user_id').where('user_id', '=', user.id).execute()).length, 0);
  const consent = await database.db.selectFrom('consent').select('withdrawn_at').where('user_id', '=', user.id).executeTakeFirstOrThrow();
  assert.ok(consent.withdrawn_at, 'consent withdrawn, kept as proof');
  const again = new TestBrowser(app, '10.61.0.4');
  await again.get('/dang-nhap');
  const signIn = await again.post('/dang-nhap', { account: '0912000111', password: 'Xoa@2026-du-lieu' });
  assert.notEqual(signIn.statusCode, 303, 'the erased account cannot sign in');
  assert.equal((await database.db.selectFrom('audit_event').select('id').where('action', '=', 'user.erase').execute()).length, 1);
  assert.equal((await verifyAuditChain(database.db)).ok, true);
});
