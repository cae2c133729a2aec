import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import JSZip from 'jszip';
import { loadConfig } from '../platform/config/config.js';
import type { Database } from '../platform/db/database.js';
import { openTestDatabase } from '../platform/db/testing.js';
import { createUsersService } from '../modules/admin/index.js';
import { submitOnline } from '../modules/dossiers/testing.js';
import { createIdentityServices } from '../modules/identity/index.js';
import { codeFromMailbox, signInCitizen, TestBrowser } from '../modules/identity/testing.js';
import { createNotificationService } from '../modules/notifications/index.js';
import { createWebApp } from './app.js';
import { loadDemoData } from './seed.js';

/**
 * Issue #8 (Decree 13/2023/NĐ-CP): identity numbers and phone numbers are encrypted at rest. After a registration
 * by phone, a profile with an identity number, a draft, a submission and a VNeID link, no table row holds either
 * number in plaintext, while the pages and services still show them and sign-in by phone still works.
 */
let database: Database;
let app: FastifyInstance;
let dataDir: string;

// The demo citizen's profile (seed.ts, through the profile service) and a new registration by phone.
const DEMO_PERSONAL_ID = '037196001234';
const DEMO_PHONE = '0912345678';
const NEW_PHONE = '0912777001';
const VNEID_PERSONAL_ID = '001085012345';

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-at-rest-'));
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Every row of a table as text, read without the handle's opening plugin: what a copy of the database shows. */
async function rawText(table: string): Promise<string> {
  const rows = await sql<{ t: string }>`select row_to_json(x)::text as t from ${sql.table(table)} x`.execute(database.db.withoutPlugins());
  return rows.rows.map((r) => r.t).join('\n');
}

const variants = (digits: string) => [digits, digits.replace(/^0/, '+84'), digits.replace(/^0/, '84')];

test('does keep identity and phone numbers out of every row in plaintext while pages, sign-in and lookups work', async () => {
  // 1. Registration by phone (typed in international form), its code, then sign-in by phone.
  const newcomer = new TestBrowser(app, '10.71.0.1');
  await newcomer.get('/dang-ky');
  const registered = await newcomer.post('/dang-ky', { contact: '+84 912 777 001', fullName: 'Lê Văn Mới', password: 'hoa sen trong dam', consent: 'yes' });
  assert.equal(registered.statusCode, 303);
  const mailbox = await newcomer.get('/dev/hop-thu');
  const code = codeFromMailbox(mailbox.body, NEW_PHONE);
  assert.ok(code, 'the mailbox shows the code sent to the phone (opened for display)');
  await newcomer.get(`/xac-thuc?tai-khoan=${NEW_PHONE}`);
  assert.equal((await newcomer.post('/xac-thuc', { account: NEW_PHONE, code: code! })).statusCode, 303);
  const signedIn = await signInCitizen(new TestBrowser(app, '10.71.0.2'), '091 277 7001', 'hoa sen trong dam');
  assert.equal(signedIn.statusCode, 303, 'sign-in by phone finds the account by blind index');

  // 2. The demo citizen (profile with identity number and phone, saved through the service) saves a draft and submits.
  const citizen = new TestBrowser(app, '10.71.0.3');
  await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
  const dossierCode = await submitOnline(citizen);
  const profilePage = await citizen.get('/tai-khoan');
  assert.ok(profilePage.body.includes(DEMO_PERSONAL_ID), 'the profile page shows the identity number');
  assert.ok(profilePage.body.includes(DEMO_PHONE), 'and the phone');
  const dossierPage = await citizen.get(`/ho-so/${dossierCode}`);
  assert.equal(dossierPage.statusCode, 200);
  // The public lookup by code and the phone's last four digits (kept plain in dossier.phone_last4, compared in SQL)
  // still finds the dossier whose applicant phone is sealed; other digits find nothing.
  const lookup = (check: string, ip: string) => app.inject({ method: 'GET', url: `/api/v1/dossiers/${encodeURIComponent(dossierCode)}/status?check=${check}`, remoteAddress: ip });
  const found = await lookup(DEMO_PHONE.slice(-4), '10.71.0.4');
  assert.equal(found.statusCode, 200, 'the lookup by code + last 4 digits of the phone finds the dossier');
  assert.equal((found.json() as { code: string }).code, dossierCode);
  assert.equal((await lookup('0000', '10.71.0.5')).statusCode, 404, 'and other digits do not');

  // 3. VNeID linking: the verified identity number is written sealed, read back plain, found by blind index.
  const user = await createUsersService(database).getByUsername('citizen@demo.motcua.vn');
  const identity = createIdentityServices(database, { notifications: createNotificationService(database), secret: 'x'.repeat(40) });
  const newcomerUser = (await database.db.selectFrom('citizen_profile').select('user_id').where('full_name', '=', 'Lê Văn Mới').executeTakeFirstOrThrow()).user_id;
  const linked = await identity.providerSignIn.complete(
    'vneid',
    { subject: 'sub-at-rest', personalId: VNEID_PERSONAL_ID, fullName: 'Lê Văn Mới', birthDate: '1985-04-12', sex: 'male', phone: null, email: null, assuranceLevel: 2 },
    { id: newcomerUser, kind: 'citizen', displayName: 'Lê Văn Mới', agencyId: null, roles: [] },
  );
  assert.equal(linked.status, 'linked');
  assert.equal((await identity.profiles.get(newcomerUser)).personalId, VNEID_PERSONAL_ID);
  assert.equal((await identity.profiles.get(user.id)).personalId, DEMO_PERSONAL_ID);
  // The blind index of each identity number finds exactly its profile, from any spelling of the number; the column
  // holds the HMAC, never the number.
  const byPersonalId = async (personalId: string) =>
    (await database.db.selectFrom('citizen_profile').select('user_id').where('personal_id_index', '=', await database.cipher.blindIndex('personalId', personalId)).execute()).map((r) => r.user_id);
  assert.deepEqual(await byPersonalId(VNEID_PERSONAL_ID), [newcomerUser]);
  assert.deepEqual(await byPersonalId(DEMO_PERSONAL_ID.replace(/(\d{3})(\d{3})/, '$1 $2 ')), [user.id]);
  assert.deepEqual(await byPersonalId('001085012346'), []);
  // And the phone's blind index finds the profile of the account registered by phone.
  const byPhone = await database.db.selectFrom('citizen_profile').select('user_id').where('phone_index', '=', await database.cipher.blindIndex('phone', '+84 912 777 001')).execute();
  assert.deepEqual(byPhone.map((r) => r.user_id), [newcomerUser]);

  // 4. The export gives the citizen the plaintext.
  const zip = await JSZip.loadAsync((await citizen.get('/tai-khoan/du-lieu-ca-nhan/tai-ve')).rawPayload);
  const everything = (await Promise.all(Object.values(zip.files).filter((f) => f.name.endsWith('.json')).map((f) => f.async('string')))).join('\n');
  assert.ok(everything.includes(DEMO_PERSONAL_ID), 'the export holds the identity number in plaintext');
  assert.ok(everything.includes(DEMO_PHONE), 'and the phone');
  assert.ok(!everything.includes('"pd1.'), 'and no ciphertext');

  // 5. No row anywhere holds the numbers in plaintext.
  const tables = ['citizen_profile', 'app_user', 'dossier', 'dossier_draft', 'notification_outbox', 'one_time_code', 'notification_subscription', 'notification_inbound'];
  for (const table of tables) {
    const text = await rawText(table);
    for (const secret of [DEMO_PERSONAL_ID, VNEID_PERSONAL_ID, ...variants(DEMO_PHONE), ...variants(NEW_PHONE)]) {
      assert.ok(!text.includes(secret), `${table} holds ${secret} in plaintext`);
    }
  }
  assert.match(await rawText('citizen_profile'), /"personal_id": ?"pd1\./);
  assert.match(await rawText('dossier'), /"personalId": ?"pd1\./);
  assert.match(await rawText('notification_outbox'), /"recipient": ?"pd1\./);
});
