import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createWebApp } from '../../main/app.js';
import { loadDemoData } from '../../main/seed.js';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { formDateParts } from '../../platform/pdf/index.js';
import { pdfText } from '../../platform/pdf/testing.js';
import { createStorage } from '../../platform/storage/index.js';
import { seedOfficialCalendar } from '../calendar/index.js';
import { createFormsService } from '../forms/index.js';
import { TestBrowser, signInCitizen, signInOfficer } from '../identity/testing.js';
import { postedFields, submitOnline } from '../dossiers/testing.js';
import { createNotificationService } from '../notifications/index.js';
import { createDeskService, workflowRoutes } from './index.js';

/*
 * The desk journey through app.inject(): a citizen submits an online dossier, the desk officer of the commune it was
 * sent to signs in, finds it in the queue, receives it, and the citizen's dossier page and slip then show the due date.
 */

let database: Database;
let app: FastifyInstance;
let dataDir: string;

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-desk-'));
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  await seedOfficialCalendar(database);
  app = await createWebApp({ config, database });
  // Until the composition root registers the desk (see the module's report), the test registers it the same way.
  if (!app.hasRoute({ method: 'GET', url: '/can-bo/tiep-nhan' })) {
    const desk = createDeskService(database, { notifications: createNotificationService(database) });
    await app.register(workflowRoutes, { desk, storage: await createStorage(config), forms: createFormsService(database) });
  }
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Signs a demo account in (officers through their second factor, with the identity module's helper). */
async function signIn(b: TestBrowser, account: string) {
  if (account.includes('@')) await signInCitizen(b, account, 'Demo@2026');
  else await signInOfficer(b, account, 'Demo@2026');
}

/** A moment as the pages print it (platform/views/format.ts), Vietnamese. */
const shown = (at: Date) =>
  new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'medium', timeStyle: 'short' }).format(at);

describe('the one-stop desk journey', () => {
  let code = '';
  let citizen: TestBrowser;
  let officer: TestBrowser;

  test('a citizen submits a dossier online to the commune', async () => {
    citizen = new TestBrowser(app, '10.9.0.1');
    await signIn(citizen, 'citizen@demo.motcua.vn');
    code = await submitOnline(citizen);
    const row = await database.db.selectFrom('dossier').select(['status', 'receiving_agency_id']).where('code', '=', code).executeTakeFirstOrThrow();
    assert.equal(row.status, 'awaiting_reception');
  });

  test('the desk pages need a signed-in desk officer', async () => {
    const anonymous = new TestBrowser(app, '10.9.0.3');
    const res = await anonymous.get('/can-bo/tiep-nhan');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/dang-nhap?next=%2Fcan-bo%2Ftiep-nhan');
    assert.equal((await citizen.get('/can-bo/tiep-nhan')).statusCode, 403, 'a citizen is refused');
    const handler = new TestBrowser(app, '10.9.0.4');
    await signIn(handler, 'hoalu.handler');
    const refused = await handler.get('/can-bo/tiep-nhan');
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /DESK_ROLE_REQUIRED/);
  });

  test('the desk of another agency neither lists nor opens the dossier', async () => {
    const other = new TestBrowser(app, '10.9.0.5');
    await signIn(other, 'centre.desk');
    const queue = await other.get('/can-bo/tiep-nhan');
    assert.equal(queue.statusCode, 200);
    assert.ok(!queue.body.includes(code), 'not in the provincial centre’s queue');
    const page = await other.get(`/can-bo/ho-so/${code}`);
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /DESK_DOSSIER_NOT_FOUND/);
  });

  test('the commune’s desk officer finds it in the queue with its waiting time', async () => {
    officer = new TestBrowser(app, '10.9.0.2');
    await signIn(officer, 'hoalu.desk');
    const res = await officer.get('/can-bo/tiep-nhan');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1>Hồ sơ chờ tiếp nhận<\/h1>/);
    assert.ok(res.body.includes(`href="/can-bo/ho-so/${code}"`), 'the queue links to the dossier');
    assert.match(res.body, /Xác nhận thông tin về cư trú/);
    assert.match(res.body, /Nguyễn Thị Hương/);
    assert.match(res.body, /giờ làm việc/);
  });

  test('a form posted with a problem comes back with the message and what was typed, and changes nothing', async () => {
    const page = await officer.get(`/can-bo/ho-so/${code}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Nếu tiếp nhận bây giờ/);
    const supplement = postedFields(page.body, '/bo-sung');
    const res = await officer.post(supplement.action, { ...supplement.fields, items: 'Tờ khai chưa ký' }, { csrf: supplement.fields._csrf ?? null });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /href="#items"/);
    assert.match(res.body, /Dòng 1 \(Tờ khai chưa ký\)/);
    assert.match(res.body, />Tờ khai chưa ký<\/textarea>/, 'the typed list is kept');
    assert.match(res.body, /<title>Lỗi:/);
    const refuse = postedFields(res.body, '/tu-choi');
    const empty = await officer.post(refuse.action, { ...refuse.fields, reasons: '' }, { csrf: refuse.fields._csrf ?? null });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Nhập lý do từ chối tiếp nhận/);
    const row = await database.db.selectFrom('dossier').select(['status', 'row_version']).where('code', '=', code).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'awaiting_reception', row_version: 1 });
  });

  test('receives it: confirmation with the due date, then a second click with the old page is told to reload', async () => {
    const page = await officer.get(`/can-bo/ho-so/${code}`);
    const receive = postedFields(page.body, '/tiep-nhan');
    assert.equal(receive.fields.rowVersion, '1');
    const res = await officer.post(receive.action, receive.fields, { csrf: receive.fields._csrf ?? null });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    assert.equal(res.headers.location, `/can-bo/ho-so/${encodeURIComponent(code)}?xong=tiep-nhan`);
    const row = await database.db.selectFrom('dossier').select(['status', 'received_at', 'due_at', 'row_version']).where('code', '=', code).executeTakeFirstOrThrow();
    assert.equal(row.status, 'received');
    assert.ok(row.received_at && row.due_at && row.due_at > row.received_at, 'received with a due date after reception');
    const done = await officer.get(String(res.headers.location));
    assert.match(done.body, /Đã tiếp nhận hồ sơ/);
    assert.ok(done.body.includes(shown(row.due_at!)), 'the confirmation names the due date');
    assert.match(done.body, /<td>Tiếp nhận hồ sơ<\/td><td>Đinh Thị Thu<\/td>/, 'the control slip names the receiving officer');

    // The same form again (another tab, a double click): the row version moved on.
    const again = await officer.post(receive.action, receive.fields, { csrf: receive.fields._csrf ?? null });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /DOSSIER_CHANGED/);
    assert.match(again.body, /tải lại trang/);
    const events = await database.db
      .selectFrom('dossier_event as e')
      .innerJoin('dossier as d', 'd.id', 'e.dossier_id')
      .select('e.action')
      .where('d.code', '=', code)
      .where('e.action', '=', 'received')
      .execute();
    assert.equal(events.length, 1);
  });

  test('the citizen’s dossier page and receipt slip then show the due date', async () => {
    const row = await database.db.selectFrom('dossier').select(['received_at', 'due_at']).where('code', '=', code).executeTakeFirstOrThrow();
    const page = await citizen.get(`/ho-so/${code}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Đã tiếp nhận/);
    assert.ok(page.body.includes(shown(row.due_at!)), `the page shows the due date ${shown(row.due_at!)}`);
    assert.ok(page.body.includes(shown(row.received_at!)), 'and the time of reception');
    const slip = await citizen.get(`/ho-so/${code}/giay-tiep-nhan.pdf`);
    assert.equal(slip.statusCode, 200);
    const text = pdfText(slip.rawPayload).replace(/\s+/g, ' ');
    const p = formDateParts(row.due_at!);
    assert.ok(text.includes(`${p.HH} giờ ${p.mi} phút, ngày ${p.dd} tháng ${p.mm} năm ${p.yyyy}`), 'form 01 prints the due date');
    const outbox = await database.db.selectFrom('notification_outbox').select(['template_key', 'body']).where('template_key', '=', 'workflow.message.received').execute();
    assert.ok(outbox.some((m) => m.body.includes(code)), 'the applicant is told');
  });
});
