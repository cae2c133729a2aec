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
import { submitOnline } from '../dossiers/testing.js';
import { TestBrowser, csrfTokenIn, signInCitizen, signInOfficer } from '../identity/testing.js';
import { RatingTokens } from './index.js';

/*
 * The pages through app.inject() on the demo data: the applicant rates a returned dossier and complains from "my
 * dossiers", the commune's desk answers from its queue, the answer shows on the dossier page; a walk-in applicant
 * rates by the link, which then no longer works. (The dossier is marked returned in the database: the workflow
 * engine's return is covered by its own tests and by the back-office journey.)
 */

let database: Database;
let app: FastifyInstance;
let dataDir: string;
let config: Config;
let citizen: TestBrowser;
let code: string;
let dossierId: number;

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-satisfaction-'));
  config = loadConfig({ LOG_LEVEL: 'silent', AUTH_RATE_LIMIT: '10000', LOOKUP_RATE_LIMIT: '10000' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
  citizen = new TestBrowser(app, '10.63.0.1');
  await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
  code = await submitOnline(citizen);
  const row = await database.db.updateTable('dossier').set({ status: 'result_returned', received_at: new Date(), completed_at: new Date() }).where('code', '=', code).returning('id').executeTakeFirstOrThrow();
  dossierId = Number(row.id);
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const survey = { publicInfo: 'yes', guidance: 'yes', attitude: 'yes', timeliness: 'no', noExtraDocuments: 'yes', noExtraFees: 'yes' };

test('the applicant rates from the dossier page: errors in a summary first, then once only', async () => {
  const page = await citizen.get(`/ho-so/${code}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Đánh giá và phản ánh, kiến nghị/);
  assert.ok(page.body.includes(`href="/ho-so/${code}/danh-gia"`), 'a link to rate');
  const form = await citizen.get(`/ho-so/${code}/danh-gia`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /<legend class="legend-heading">Mức độ hài lòng chung<\/legend>/);
  const csrf = csrfTokenIn(form.body);
  const empty = await citizen.post(`/ho-so/${code}/danh-gia`, { complain: 'no' }, { csrf });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /<title>Lỗi: Đánh giá mức độ hài lòng/);
  assert.match(empty.body, /class="error-summary"[\s\S]*href="#overall"[\s\S]*href="#publicInfo"/);
  const rated = await citizen.post(`/ho-so/${code}/danh-gia`, { overall: '4', ...survey, comment: 'Nhanh gọn', complain: 'no' }, { csrf });
  assert.equal(rated.statusCode, 303);
  assert.equal(rated.headers.location, `/ho-so/${code}`);
  const again = await citizen.post(`/ho-so/${code}/danh-gia`, { overall: '5', ...survey, complain: 'no' }, { csrf });
  assert.equal(again.statusCode, 409);
  assert.match(again.body, /SATISFACTION_ALREADY_RATED/);
  assert.match((await citizen.get(`/ho-so/${code}`)).body, /Bạn đã đánh giá: Hài lòng/);
});

test("the applicant complains; the commune's desk answers from its queue; another agency's desk cannot open it", async () => {
  const form = await citizen.get(`/ho-so/${code}/phan-anh`);
  const csrf = csrfTokenIn(form.body);
  const missing = await citizen.post(`/ho-so/${code}/phan-anh`, { category: 'delay' }, { csrf });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /href="#body"/);
  const filed = await citizen.post(`/ho-so/${code}/phan-anh`, { category: 'delay', body: 'Trả kết quả chậm hơn hẹn' }, { csrf });
  assert.equal(filed.statusCode, 303);
  const complaint = await database.db.selectFrom('complaint').select(['id', 'due_at']).where('dossier_id', '=', dossierId).executeTakeFirstOrThrow();

  const other = new TestBrowser(app, '10.63.0.3');
  await signInOfficer(other, 'justice.desk', 'Demo@2026');
  assert.doesNotMatch((await other.get('/can-bo/phan-anh')).body, new RegExp(code));
  assert.equal((await other.get(`/can-bo/phan-anh/${complaint.id}`)).statusCode, 404);

  const desk = new TestBrowser(app, '10.63.0.2');
  await signInOfficer(desk, 'hoalu.desk', 'Demo@2026');
  const queue = await desk.get('/can-bo/phan-anh');
  assert.equal(queue.statusCode, 200);
  assert.ok(queue.body.includes(`href="/can-bo/phan-anh/${complaint.id}"`));
  const page = await desk.get(`/can-bo/phan-anh/${complaint.id}`);
  assert.match(page.body, /Trả kết quả chậm hơn hẹn/);
  const deskCsrf = csrfTokenIn(page.body);
  const blank = await desk.post(`/can-bo/phan-anh/${complaint.id}`, { rowVersion: '1', answer: '' }, { csrf: deskCsrf });
  assert.equal(blank.statusCode, 400);
  assert.match(blank.body, /Nhập nội dung trả lời/);
  const answered = await desk.post(`/can-bo/phan-anh/${complaint.id}`, { rowVersion: '1', answer: 'Xin lỗi ông/bà, bộ phận đã rút kinh nghiệm.' }, { csrf: deskCsrf });
  assert.equal(answered.statusCode, 303);
  assert.match((await desk.get(String(answered.headers.location))).body, /Đã gửi trả lời đến người nộp hồ sơ/);

  const mine = await citizen.get(`/ho-so/${code}`);
  assert.match(mine.body, /bộ phận đã rút kinh nghiệm/);
  assert.match(mine.body, /Đã trả lời đúng hạn/);
  const sms = await database.db.selectFrom('notification_outbox').select('template_key').where('dossier_id', '=', dossierId).where('template_key', '=', 'satisfaction.message.complaintAnswered').execute();
  assert.ok(sms.length >= 1, 'the answer is in the outbox');
});

test('a walk-in applicant rates and complains by the link once; a second use is refused', async () => {
  const walkIn = await database.db.selectFrom('dossier').selectAll().where('id', '=', dossierId).executeTakeFirstOrThrow();
  const inserted = await database.db
    .insertInto('dossier')
    .values({ ...walkIn, id: undefined, code: `${code}-W`, draft_id: null, applicant_user_id: null, channel: 'in_person', applicant: JSON.stringify(walkIn.applicant), values: JSON.stringify(walkIn.values), on_behalf_of: JSON.stringify(walkIn.on_behalf_of) } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const { token, hash } = new RatingTokens(config.sessionSecret).issue();
  await database.db.insertInto('satisfaction_invitation').values({ dossier_id: Number(inserted.id), token_hash: hash, expires_at: new Date(Date.now() + 86_400_000) }).execute();

  const visitor = new TestBrowser(app, '10.63.0.4');
  const page = await visitor.get(`/danh-gia/${token}`);
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['cache-control']), /no-store/);
  assert.match(page.body, /Bạn có muốn gửi phản ánh, kiến nghị về hồ sơ này không\?/);
  const csrf = csrfTokenIn(page.body);
  const incomplete = await visitor.post(`/danh-gia/${token}`, { overall: '2', ...survey, complain: 'yes' }, { csrf });
  assert.equal(incomplete.statusCode, 400);
  assert.match(incomplete.body, /href="#category"[\s\S]*href="#body"/);
  const done = await visitor.post(`/danh-gia/${token}`, { overall: '2', ...survey, complain: 'yes', category: 'attitude', body: 'Cán bộ thiếu niềm nở' }, { csrf });
  assert.equal(done.statusCode, 200);
  assert.match(done.body, /Cảm ơn bạn đã đánh giá/);
  assert.match(done.body, /sẽ được trả lời chậm nhất/);
  assert.equal((await visitor.get(`/danh-gia/${token}`)).statusCode, 404);
  const reuse = await visitor.post(`/danh-gia/${token}`, { overall: '5', ...survey, complain: 'no' }, { csrf });
  assert.equal(reuse.statusCode, 404);
  assert.match(reuse.body, /SATISFACTION_LINK_INVALID/);
});
