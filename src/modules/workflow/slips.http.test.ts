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
import { pdfFonts, pdfText, requirePoppler } from '../../platform/pdf/testing.js';
import { TestBrowser, signInCitizen, signInOfficer } from '../identity/testing.js';

/*
 * Forms 02–06 through app.inject() on the demo province: dossiers of the commune Hoa Lư with a supplement request, a
 * refusal, an apology letter, a stop and hand-overs, opened by the commune's officers, by another agency's officer
 * and by the applicant.
 */

let database: Database;
let app: FastifyInstance;
let dataDir: string;
let hoalu = 0;
let centre = 0;
let citizenId = 0;
let deskId = 0;
let handlerId = 0;
let procedure = { id: 0, versionId: 0 };
let count = 0;

const flat = (bytes: Buffer) => pdfText(bytes).replace(/\s+/g, ' ');

async function userId(username: string): Promise<{ id: number; agencyId: number | null }> {
  const row = await database.db.selectFrom('app_user').select(['id', 'agency_id']).where('username', '=', username).executeTakeFirstOrThrow();
  return { id: row.id, agencyId: row.agency_id };
}

/** A dossier of Hoa Lư submitted online by the demo citizen, with its "submitted" event. */
async function buildDossier(status: 'awaiting_supplement' | 'refused' | 'processing' | 'stopped'): Promise<{ id: number; code: string }> {
  count++;
  const code = `TEST.SLIP-261008-${String(count).padStart(4, '0')}`;
  const row = await database.db
    .insertInto('dossier')
    .values({
      code,
      lookup_secret: 'ABCDEF',
      procedure_id: procedure.id,
      procedure_version_id: procedure.versionId,
      form_version: '1',
      applicant_user_id: citizenId,
      applicant: JSON.stringify({ fullName: 'Nguyễn Thị Hương', personalId: null, phone: '0912345678', email: null, address: 'Thôn Đông, xã Hoa Lư' }),
      receiving_agency_id: hoalu,
      holder_agency_id: hoalu,
      channel: 'online',
      status,
      values: '{}',
      result_delivery: 'online',
      submitted_at: new Date('2026-10-08T01:15:00Z'),
      received_at: status === 'awaiting_supplement' || status === 'refused' ? null : new Date('2026-10-08T02:00:00Z'),
      due_at: status === 'awaiting_supplement' || status === 'refused' ? null : new Date('2026-10-13T10:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await event(row.id, { actor_user_id: citizenId, actor_kind: 'citizen', action: 'submitted', to_status: 'awaiting_reception', to_agency_id: hoalu, at: new Date('2026-10-08T01:15:00Z') });
  return { id: row.id, code };
}

async function event(dossierId: number, values: Record<string, unknown>) {
  await database.db
    .insertInto('dossier_event')
    .values({ dossier_id: dossierId, actor_kind: 'officer', action: 'x', ...values } as never)
    .execute();
}

let supplementDossier = { id: 0, code: '' };
let refusedDossier = { id: 0, code: '' };
let handledDossier = { id: 0, code: '' };

before(async () => {
  requirePoppler();
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-slips-'));
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
  const desk = await userId('hoalu.desk');
  deskId = desk.id;
  hoalu = desk.agencyId!;
  handlerId = (await userId('hoalu.handler')).id;
  centre = (await userId('centre.desk')).agencyId!;
  citizenId = (await userId('citizen@demo.motcua.vn')).id;
  const p = await database.db.selectFrom('procedure').select(['id', 'current_version_id']).where('code', '=', '1.010041').executeTakeFirstOrThrow();
  procedure = { id: p.id, versionId: p.current_version_id! };

  supplementDossier = await buildDossier('awaiting_supplement');
  await database.db
    .insertInto('supplement_request')
    .values({
      dossier_id: supplementDossier.id,
      requested_by: deskId,
      requested_at: new Date('2026-10-08T03:30:00Z'),
      items: JSON.stringify([{ name: 'Tờ khai xác nhận thông tin cư trú', reason: 'Chưa ký tên người khai' }]),
      note: 'Bổ sung trực tuyến.',
    })
    .execute();
  await event(supplementDossier.id, { actor_user_id: deskId, action: 'supplement_requested', from_status: 'awaiting_reception', to_status: 'awaiting_supplement', from_agency_id: hoalu, to_agency_id: hoalu, reason: '- Tờ khai: chưa ký' });

  refusedDossier = await buildDossier('refused');
  await event(refusedDossier.id, { actor_user_id: deskId, action: 'refused', from_status: 'awaiting_reception', to_status: 'refused', from_agency_id: hoalu, to_agency_id: hoalu, reason: 'Thủ tục không thuộc thẩm quyền của xã.' });

  handledDossier = await buildDossier('stopped');
  await event(handledDossier.id, { actor_user_id: deskId, action: 'received', from_status: 'awaiting_reception', to_status: 'received', from_agency_id: hoalu, to_agency_id: hoalu, at: new Date('2026-10-08T02:00:00Z') });
  await event(handledDossier.id, {
    actor_user_id: deskId,
    action: 'forwarded',
    from_status: 'received',
    to_status: 'processing',
    from_agency_id: hoalu,
    to_agency_id: hoalu,
    to_user_id: handlerId,
    step_name: 'Thẩm định hồ sơ',
    step_due_at: new Date('2026-10-09T10:00:00Z'),
    timing: 'early',
    at: new Date('2026-10-08T03:05:00Z'),
  });
  await database.db
    .insertInto('dossier_apology')
    .values({ dossier_id: handledDossier.id, issued_by: handlerId, issued_at: new Date('2026-10-12T02:00:00Z'), reason: 'Cần xác minh tại địa phương khác.', previous_due_at: new Date('2026-10-13T10:00:00Z'), new_due_at: new Date('2026-10-16T10:00:00Z') })
    .execute();
  await event(handledDossier.id, { actor_user_id: handlerId, action: 'stopped', from_status: 'processing', to_status: 'stopped', from_agency_id: hoalu, to_agency_id: hoalu, reason: 'Người nộp đề nghị dừng giải quyết.', at: new Date('2026-10-14T02:00:00Z') });
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('forms 02–06 for officers', () => {
  let officer: TestBrowser;

  test('the commune’s desk officer downloads form 02 with the items and the requesting officer', async () => {
    officer = new TestBrowser(app, '10.7.0.1');
    await signInOfficer(officer, 'hoalu.desk', 'Demo@2026');
    const res = await officer.get(`/can-bo/ho-so/${supplementDossier.code}/phieu/02`);
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(String(res.headers['content-disposition']), /mau-02-TEST\.SLIP-261008-0001\.pdf/);
    const text = flat(res.rawPayload);
    for (const expected of [
      'Mẫu số 02',
      'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
      'Kính gửi: Ông/bà Nguyễn Thị Hương',
      `Mã hồ sơ: ${supplementDossier.code}`,
      'Xác nhận thông tin về cư trú',
      'Thời gian yêu cầu bổ sung: 10 giờ 30 phút, ngày 08 tháng 10 năm 2026',
      'Tờ khai xác nhận thông tin cư trú',
      'Chưa ký tên người khai',
      'Bổ sung trực tuyến.',
      'Đinh Thị Thu',
    ]) {
      assert.ok(text.includes(expected), `missing ${expected}\n${text}`);
    }
    assert.ok(text.includes('NINH BÌNH'), 'the governing body or the place of the province');
    assert.ok(pdfFonts(res.rawPayload).every((f) => f.embedded));
  });

  test('a form whose decision was not made is not available; an unknown form number neither', async () => {
    const res = await officer.get(`/can-bo/ho-so/${supplementDossier.code}/phieu/03`);
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /SLIP_NOT_AVAILABLE/);
    assert.equal((await officer.get(`/can-bo/ho-so/${supplementDossier.code}/phieu/99`)).statusCode, 404);
  });

  test('forms 03, 04, 05 and 06 print the refusal, the apology, the stop and the hand-overs', async () => {
    const refusal = flat((await officer.get(`/can-bo/ho-so/${refusedDossier.code}/phieu/03`)).rawPayload);
    assert.ok(refusal.includes('PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ') && refusal.includes('Thủ tục không thuộc thẩm quyền của xã.'), refusal);
    const apology = flat((await officer.get(`/can-bo/ho-so/${handledDossier.code}/phieu/04`)).rawPayload);
    assert.ok(apology.includes('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ'));
    assert.ok(apology.includes('17 giờ 00 phút, ngày 13 tháng 10 năm 2026') && apology.includes('17 giờ 00 phút, ngày 16 tháng 10 năm 2026'), apology);
    assert.ok(apology.includes('Cần xác minh tại địa phương khác.'));
    const stop = flat((await officer.get(`/can-bo/ho-so/${handledDossier.code}/phieu/05`)).rawPayload);
    assert.ok(stop.includes('THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ') && stop.includes('Người nộp đề nghị dừng giải quyết.'), stop);
    const control = flat((await officer.get(`/can-bo/ho-so/${handledDossier.code}/phieu/06`)).rawPayload);
    for (const expected of ['PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ', 'Nộp hồ sơ trực tuyến', 'Bên giao: Nguyễn Thị Hương', 'Thẩm định hồ sơ', 'Trước hạn', 'Dừng xử lý']) {
      assert.ok(control.includes(expected), `missing ${expected}\n${control}`);
    }
  });

  test('the officer’s dossier page links the forms the dossier has', async () => {
    const page = await officer.get(`/can-bo/ho-so/${encodeURIComponent(supplementDossier.code)}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`href="/can-bo/ho-so/${encodeURIComponent(supplementDossier.code)}/phieu/02"`), 'link to 02');
    assert.ok(page.body.includes('/phieu/06"'), 'link to 06');
    assert.ok(!page.body.includes('/phieu/03"'), 'no link to a refusal that did not happen');
  });

  test('another agency’s officer gets "not found", until the dossier goes through that agency', async () => {
    const other = new TestBrowser(app, '10.7.0.2');
    await signInOfficer(other, 'centre.desk', 'Demo@2026');
    const res = await other.get(`/can-bo/ho-so/${handledDossier.code}/phieu/06`);
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /SLIP_DOSSIER_NOT_FOUND/);
    await event(handledDossier.id, { actor_user_id: deskId, action: 'consulted', from_status: 'processing', to_status: 'processing', from_agency_id: hoalu, to_agency_id: centre });
    const now = await other.get(`/can-bo/ho-so/${handledDossier.code}/phieu/06`);
    assert.equal(now.statusCode, 200);
  });

  test('anonymous visitors are sent to sign in', async () => {
    const res = await new TestBrowser(app, '10.7.0.3').get(`/can-bo/ho-so/${supplementDossier.code}/phieu/02`);
    assert.equal(res.statusCode, 303);
  });
});

describe('forms 02–05 for the applicant', () => {
  let citizen: TestBrowser;

  test('the applicant downloads 02, 03, 04 and 05 of their own dossiers, never 06', async () => {
    citizen = new TestBrowser(app, '10.7.0.4');
    await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
    const two = await citizen.get(`/ho-so/${supplementDossier.code}/phieu/02`);
    assert.equal(two.statusCode, 200);
    assert.ok(flat(two.rawPayload).includes('Chưa ký tên người khai'));
    assert.equal((await citizen.get(`/ho-so/${refusedDossier.code}/phieu/03`)).statusCode, 200);
    assert.equal((await citizen.get(`/ho-so/${handledDossier.code}/phieu/04`)).statusCode, 200);
    assert.equal((await citizen.get(`/ho-so/${handledDossier.code}/phieu/05`)).statusCode, 200);
    const six = await citizen.get(`/ho-so/${handledDossier.code}/phieu/06`);
    assert.equal(six.statusCode, 404);
    assert.equal((await citizen.get(`/can-bo/ho-so/${supplementDossier.code}/phieu/02`)).statusCode, 403, 'the officers’ path is for officers');
  });

  test('a dossier of someone else is not found', async () => {
    await database.db.updateTable('dossier').set({ applicant_user_id: deskId }).where('id', '=', refusedDossier.id).execute();
    const res = await citizen.get(`/ho-so/${refusedDossier.code}/phieu/03`);
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /SLIP_DOSSIER_NOT_FOUND/);
    await database.db.updateTable('dossier').set({ applicant_user_id: citizenId }).where('id', '=', refusedDossier.id).execute();
  });

  test('the applicant’s dossier page links the forms', async () => {
    const page = await citizen.get(`/ho-so/${handledDossier.code}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`/ho-so/${encodeURIComponent(handledDossier.code)}/phieu/05`), 'link to 05');
    assert.ok(!page.body.includes('/phieu/06'), 'no control slip for the applicant');
  });
});
