import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { PDFDocument } from 'pdf-lib';
import { createWebApp } from '../../main/app.js';
import { loadDemoData } from '../../main/seed.js';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { pdfText, requirePoppler } from '../../platform/pdf/testing.js';
import { TestBrowser, signInOfficer } from '../identity/testing.js';
import { postedFields } from '../dossiers/testing.js';

/*
 * Walk-in and postal dossiers at the desk through app.inject(), on the demo province: the commune Hoa Lư's desk officer
 * finds a procedure, says how the dossier came, fills the applicant's generic e-form page by page with a scanned PDF,
 * and receives it: the dossier has that channel, no applicant account, a due date, slip 01, its place in the history
 * and in the tracking ledger (form 07, also exported to Excel and CSV).
 */

let database: Database;
let app: FastifyInstance;
let dataDir: string;
let hoalu = 0;
let address = { province: '', commune: '' };
const procedureCode = '9.900001';

/** Posts a multipart form (fields and one file) as a browser would, with the browser's cookies. */
async function postMultipart(b: TestBrowser, url: string, fields: Record<string, string>, file: { field: string; name: string; type: string; bytes: Uint8Array } | null) {
  const boundary = `----motcua${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(Buffer.from(file.bytes));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return app.inject({
    method: 'POST',
    url,
    headers: { ...b.headers(), 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat(parts),
    remoteAddress: '10.6.0.1',
  });
}

async function scannedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('Ban quet giay to', { x: 50, y: 780 });
  return doc.save();
}

before(async () => {
  requirePoppler();
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-counter-'));
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
  const desk = await database.db.selectFrom('app_user').select('agency_id').where('username', '=', 'hoalu.desk').executeTakeFirstOrThrow();
  hoalu = desk.agency_id!;
  const agency = await database.db.selectFrom('agency').select(['province_code', 'commune_code']).where('id', '=', hoalu).executeTakeFirstOrThrow();
  address = { province: agency.province_code!, commune: agency.commune_code! };
  // A procedure with the generic e-form (one required document), 5 working days in person or by post.
  const sector = await database.db.selectFrom('sector').select('id').limit(1).executeTakeFirstOrThrow();
  const p = await database.db
    .insertInto('procedure')
    .values({ code: procedureCode, name: 'Thủ tục thử nghiệm nộp tại quầy', sector_id: sector.id, levels: ['commune'], online_offered: false, applicant_types: [], has_fee: false, competent_agency: '', handling_agency: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const content = {
    requirements: [{ name: 'Đơn đề nghị có xác nhận', formTemplate: null, originals: 1, copies: 0, group: null }],
    channels: [
      { channel: 'in_person', durations: [{ value: 5, unit: 'working_day' }] },
      { channel: 'post', durations: [{ value: 5, unit: 'working_day' }] },
    ],
  };
  const v = await database.db
    .insertInto('procedure_version')
    .values({ procedure_id: p.id, version: 1, decision_number: '', content: JSON.stringify(content), raw: '{}', source_hash: 'counter-test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await database.db.updateTable('procedure').set({ current_version_id: v.id }).where('id', '=', p.id).execute();
  await database.db.insertInto('procedure_agency').values({ procedure_id: p.id, agency_id: hoalu }).execute();
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const applicant = (name: string, phone: string) => ({
  applicantName: name,
  applicantBirthDate: '1996-05-12',
  applicantPersonalId: '037096001234',
  'applicantAddress.province': address.province,
  'applicantAddress.commune': address.commune,
  'applicantAddress.line': 'Thôn Đông',
  applicantPhone: phone,
  applicantEmail: '',
});

describe('walk-in and postal dossiers at the desk', () => {
  let officer: TestBrowser;
  const entered: Record<string, string> = {};

  /** From the procedure search to the received dossier; returns the code. */
  let lastSubmit = { action: '', fields: {} as Record<string, string> };
  async function enterDossier(channel: 'in_person' | 'post', name: string, phone: string): Promise<string> {
    const search = await officer.get('/can-bo/tiep-nhan/moi?q=thu nghiem nop tai quay');
    assert.equal(search.statusCode, 200);
    assert.ok(search.body.includes(`/can-bo/tiep-nhan/moi?thu-tuc=${procedureCode}`), 'the search finds the procedure without diacritics');
    const chosen = await officer.get(`/can-bo/tiep-nhan/moi?thu-tuc=${procedureCode}`);
    const start = postedFields(chosen.body);
    let res = await officer.post(start.action, { ...start.fields, channel }, { csrf: start.fields._csrf ?? null });
    assert.equal(res.statusCode, 303, res.body.slice(0, 400));
    res = await officer.get(String(res.headers.location));
    assert.equal(res.statusCode, 303);
    let location = String(res.headers.location);
    assert.match(location, /\/can-bo\/tiep-nhan\/moi\/[0-9a-f-]{36}\/applicant$/);

    // Page 1: the applicant.
    let page = await officer.get(location);
    assert.equal(page.statusCode, 200);
    let form = postedFields(page.body);
    res = await postMultipart(officer, form.action, { ...form.fields, ...applicant(name, phone), _action: 'continue' }, null);
    assert.equal(res.statusCode, 303, /error-summary[\s\S]{0,600}/.exec(res.body)?.[0] ?? res.body.slice(0, 300));
    location = String(res.headers.location);
    // Page 2: the request.
    page = await officer.get(location);
    form = postedFields(page.body);
    res = await postMultipart(officer, form.action, { ...form.fields, requestDetails: 'Đề nghị xác nhận', _action: 'continue' }, null);
    assert.equal(res.statusCode, 303);
    location = String(res.headers.location);
    // Page 3: the scans and the declaration.
    page = await officer.get(location);
    form = postedFields(page.body);
    const field = /<input[^>]*type="file"[^>]*name="([^"]+)"/.exec(page.body)?.[1] ?? /<input[^>]*name="([^"]+)"[^>]*type="file"/.exec(page.body)?.[1];
    assert.ok(field, 'a file input for the required document');
    res = await postMultipart(officer, form.action, { ...form.fields, declaration: 'yes', _action: 'continue' }, { field, name: 'don-de-nghi.pdf', type: 'application/pdf', bytes: await scannedPdf() });
    assert.equal(res.statusCode, 303, /error-summary[\s\S]{0,600}/.exec(res.body)?.[0] ?? res.body.slice(0, 300));
    location = String(res.headers.location);
    assert.ok(location.endsWith('/kiem-tra'));
    // The check page, then receive.
    page = await officer.get(location);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(name));
    assert.ok(page.body.includes('don-de-nghi.pdf'));
    form = postedFields(page.body);
    lastSubmit = form;
    res = await officer.post(form.action, form.fields, { csrf: form.fields._csrf ?? null });
    assert.equal(res.statusCode, 303, res.body.slice(0, 400));
    const code = /\/can-bo\/ho-so\/([^?]+)\?xong=tiep-nhan/.exec(String(res.headers.location))?.[1];
    assert.ok(code, String(res.headers.location));
    return decodeURIComponent(code);
  }

  test('an in-person dossier is entered with its scan and received at once, with a due date and slip 01', async () => {
    officer = new TestBrowser(app, '10.6.0.1');
    await signInOfficer(officer, 'hoalu.desk', 'Demo@2026');
    const queue = await officer.get('/can-bo/tiep-nhan');
    assert.ok(queue.body.includes('href="/can-bo/tiep-nhan/moi"') && queue.body.includes('href="/can-bo/so-theo-doi"'), 'the queue links both');
    const code = await enterDossier('in_person', 'Phan Văn Quầy', '0987 654 321');
    entered.inPerson = code;
    const row = await database.db.selectFrom('dossier').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
    assert.equal(row.channel, 'in_person');
    assert.equal(row.status, 'received');
    assert.equal(row.applicant_user_id, null, 'no applicant account');
    assert.equal(row.phone_last4, '4321', 'the phone gives the lookup second factor');
    assert.equal(row.receiving_agency_id, hoalu);
    assert.equal(row.result_delivery, 'at_desk');
    assert.ok(row.received_at && row.due_at && row.due_at > row.received_at, 'due date from the calendar');
    assert.equal(row.applicant.fullName, 'Phan Văn Quầy');
    const docs = await database.db.selectFrom('dossier_document').select(['source', 'file_name', 'mime', 'requirement_name']).where('dossier_id', '=', row.id).execute();
    assert.deepEqual(docs, [{ source: 'scan', file_name: 'don-de-nghi.pdf', mime: 'application/pdf', requirement_name: 'Đơn đề nghị có xác nhận' }]);
    const events = await database.db.selectFrom('dossier_event').select(['action', 'actor_kind', 'to_status']).where('dossier_id', '=', row.id).orderBy('id').execute();
    assert.deepEqual(
      events.slice(0, 2).map((e) => [e.action, e.actor_kind, e.to_status]),
      [
        ['submitted', 'officer', 'awaiting_reception'],
        ['received', 'officer', 'received'],
      ],
    );

    // The same form again (double click, retry): the same dossier, received once.
    const again = await officer.post(lastSubmit.action, lastSubmit.fields, { csrf: lastSubmit.fields._csrf ?? null });
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, `/can-bo/ho-so/${encodeURIComponent(code)}?xong=tiep-nhan`);
    const received = await database.db.selectFrom('dossier_event').select('id').where('dossier_id', '=', row.id).where('action', '=', 'received').execute();
    assert.equal(received.length, 1, 'received once');
    assert.equal((await database.db.selectFrom('dossier').select('id').where('draft_id', '=', row.draft_id).execute()).length, 1, 'one dossier for the draft');

    const done = await officer.get(`/can-bo/ho-so/${encodeURIComponent(code)}?xong=tiep-nhan`);
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /Đã tiếp nhận hồ sơ/);
    assert.match(done.body, /Trực tiếp/, 'the channel in the summary');
    assert.match(done.body, /Tiếp nhận hồ sơ/, 'the history');
    assert.ok(done.body.includes(`/can-bo/ho-so/${encodeURIComponent(code)}/phieu/01"`), 'slip 01 offered');
    const slip = await officer.get(`/can-bo/ho-so/${encodeURIComponent(code)}/phieu/01`);
    assert.equal(slip.statusCode, 200);
    const text = pdfText(slip.rawPayload).replace(/\s+/g, ' ');
    assert.ok(text.includes('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ'));
    assert.ok(text.includes(`Mã hồ sơ: ${code}`));
    assert.ok(text.includes('Ông/bà: Phan Văn Quầy'));
    assert.ok(text.includes('3. Hình thức nộp: Trực tiếp tại Bộ phận Một cửa'));
    assert.ok(text.includes('4. Thời gian giải quyết hồ sơ theo quy định: 5 ngày làm việc'), text);
    assert.ok(text.includes('Đơn đề nghị có xác nhận'));
    assert.ok(text.includes('Đinh Thị Thu'), 'the receiving officer');

    // The walk-in applicant looks the dossier up with the phone's last digits.
    const lookup = await new TestBrowser(app, '10.6.0.9').get(`/api/v1/dossiers/${encodeURIComponent(code)}/status?check=4321`);
    assert.equal(lookup.statusCode, 200, lookup.body.slice(0, 300));
    const wrong = await new TestBrowser(app, '10.6.0.8').get(`/api/v1/dossiers/${encodeURIComponent(code)}/status?check=9999`);
    assert.equal(wrong.statusCode, 404);
  });

  test('a postal dossier is entered the same way, its result going back by post', async () => {
    const code = await enterDossier('post', 'Trịnh Thị Bưu', '0911222333');
    entered.post = code;
    const row = await database.db.selectFrom('dossier').select(['channel', 'status', 'result_delivery']).where('code', '=', code).executeTakeFirstOrThrow();
    assert.deepEqual(row, { channel: 'post', status: 'received', result_delivery: 'post' });
  });

  test('a page posted with a problem comes back with the message and what was typed, and goes no further', async () => {
    const chosen = await officer.get(`/can-bo/tiep-nhan/moi?thu-tuc=${procedureCode}`);
    const start = postedFields(chosen.body);
    const noChannel = await officer.post(start.action, start.fields, { csrf: start.fields._csrf ?? null });
    assert.equal(noChannel.statusCode, 400);
    assert.match(noChannel.body, /Chọn hình thức nộp hồ sơ/);
    assert.match(noChannel.body, /href="#channel"/);
    const res = await officer.post(start.action, { ...start.fields, channel: 'in_person' }, { csrf: start.fields._csrf ?? null });
    const location = String((await officer.get(String(res.headers.location))).headers.location);
    const page = await officer.get(location);
    const form = postedFields(page.body);
    const bad = await postMultipart(officer, form.action, { ...form.fields, ...applicant('Lê Thị Nhập', '0912'), applicantPersonalId: '12345', _action: 'continue' }, null);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /class="error-summary"/);
    assert.match(bad.body, /href="#applicantPersonalId"/);
    assert.ok(bad.body.includes('value="Lê Thị Nhập"'), 'the name typed is kept');
    assert.ok(bad.body.includes('value="12345"'), 'the wrong number is shown to be corrected');
    const draftId = /moi\/([0-9a-f-]{36})\//.exec(location)![1]!;
    const draft = await database.db.selectFrom('dossier_draft').select(['values', 'submitted_dossier_id']).where('id', '=', draftId).executeTakeFirstOrThrow();
    assert.equal((draft.values as Record<string, unknown>).applicantName, 'Lê Thị Nhập', 'autosaved');
    assert.equal(draft.submitted_dossier_id, null);
    // Submitting the incomplete draft is refused with the problems listed.
    const review = await officer.get(`/can-bo/tiep-nhan/moi/${draftId}/kiem-tra`);
    const submit = postedFields(review.body);
    const refused = await officer.post(submit.action, submit.fields, { csrf: submit.fields._csrf ?? null });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /error-summary/);
  });

  test('only desk officers enter dossiers; another officer cannot open the draft', async () => {
    const handler = new TestBrowser(app, '10.6.0.2');
    await signInOfficer(handler, 'hoalu.handler', 'Demo@2026');
    const res = await handler.get('/can-bo/tiep-nhan/moi');
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /DESK_ENTRY_NOT_ALLOWED/);
    const other = new TestBrowser(app, '10.6.0.3');
    await signInOfficer(other, 'centre.desk', 'Demo@2026');
    assert.equal((await other.get(`/can-bo/tiep-nhan/moi?thu-tuc=${procedureCode}`)).statusCode, 404, 'the centre does not receive it');
    const draft = await database.db.selectFrom('dossier_draft').select('id').where('submitted_dossier_id', 'is', null).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.equal((await other.get(`/can-bo/tiep-nhan/moi/${draft.id}/applicant`)).statusCode, 404);
  });

  test('the ledger lists both with their channels; filters and both exports work over HTTP', async () => {
    const page = await officer.get('/can-bo/so-theo-doi');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Sổ theo dõi hồ sơ<\/h1>/);
    assert.ok(page.body.includes(entered.inPerson!) && page.body.includes(entered.post!));
    const post = await officer.get('/can-bo/so-theo-doi?kenh=post');
    assert.ok(post.body.includes(entered.post!) && !post.body.includes(entered.inPerson!));
    const bad = await officer.get('/can-bo/so-theo-doi?tu=2026-02-30');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#from"/);
    assert.ok(bad.body.includes('value="2026-02-30"'), 'the typed date is kept');

    const xlsx = await officer.get('/can-bo/so-theo-doi.xlsx?kenh=in_person');
    assert.equal(xlsx.statusCode, 200);
    assert.match(String(xlsx.headers['content-type']), /spreadsheetml/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const codes = [];
    for (let r = 5; r <= sheet.rowCount; r++) codes.push(sheet.getRow(r).getCell(2).value);
    assert.ok(codes.includes(entered.inPerson!) && !codes.includes(entered.post!), JSON.stringify(codes));
    const csv = await officer.get('/can-bo/so-theo-doi.csv?q=Trinh Thi Buu');
    assert.equal(csv.statusCode, 200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines.length, 2);
    assert.ok(lines[1]!.includes(entered.post!) && lines[1]!.includes('Trịnh Thị Bưu'));

    const citizenLike = new TestBrowser(app, '10.6.0.4');
    assert.equal((await citizenLike.get('/can-bo/so-theo-doi')).statusCode, 303, 'anonymous: sign in first');
  });
});
