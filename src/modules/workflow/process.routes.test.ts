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
import { TestBrowser, signInOfficer } from '../identity/testing.js';
import { createProcessService, demoProcesses, seedDemoProcesses, type ProcessService } from './index.js';
import { applyRowAction } from './process.routes.js';

/*
 * The internal-process editor through app.inject() on the demo data: the seeded demo processes, the list and the
 * visual step list, the row buttons (add, move, remove) without JavaScript, a problem that keeps what was typed,
 * check-then-publish making a new version, restore, and who may do what.
 */

let database: Database;
let app: FastifyInstance;
let dataDir: string;
let processes: ProcessService;
let hoaLu = 0;
let construction = 0;
let permitId = 0;

const permit = '1.013225';
const residence = '1.010041';

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-process-'));
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
  processes = createProcessService(database);
  const agency = async (code: string) => (await database.db.selectFrom('agency').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  hoaLu = await agency('000.00.51.H42');
  construction = await agency('000.00.06.H42');
  permitId = (await database.db.selectFrom('procedure').select('id').where('code', '=', permit).executeTakeFirstOrThrow()).id;
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const html = (text: string) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The fields a browser sends for the post form inside <main> whose action contains `actionContains` (no button). */
function formFields(page: string, actionContains: string): { action: string; fields: Record<string, string> } {
  const main = page.slice(page.indexOf('<main'));
  const forms = [...main.matchAll(/<form([^>]*method="post"[^>]*)>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => (/action="([^"]*)"/.exec(f[1]!)?.[1] ?? '').includes(actionContains));
  assert.ok(form, `a post form to …${actionContains}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input([^>]*)>/g)) {
    const attrs = input[1]!;
    const name = /name="([^"]+)"/.exec(attrs)?.[1];
    if (name) fields[name] = html(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
  }
  for (const area of form[2]!.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) fields[area[1]!] = html(area[2]!);
  for (const select of form[2]!.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen = /<option[^>]*value="([^"]*)"[^>]*selected/.exec(select[2]!)?.[1];
    fields[select[1]!] = chosen ?? /<option[^>]*value="([^"]*)"/.exec(select[2]!)?.[1] ?? '';
  }
  return { action: html(/action="([^"]*)"/.exec(form[1]!)?.[1] ?? ''), fields };
}

/** The names of the steps in the edit form, in order. */
function stepNames(fields: Record<string, string>): string[] {
  return Array.from({ length: Number(fields.steps) }, (_, i) => fields[`step-${i + 1}-name`]!);
}

async function signedIn(username: string, address: string): Promise<TestBrowser> {
  const browser = new TestBrowser(app, address);
  await signInOfficer(browser, username, 'Demo@2026');
  return browser;
}

describe('the demo processes', () => {
  test('every procedure with an e-form has a default process; the construction permit consults the Department of Construction', async () => {
    const rows = await database.db
      .selectFrom('process_definition as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .select(['p.code', 'd.version', 'd.agency_id', 'd.is_current', 'd.legal_basis'])
      .execute();
    assert.deepEqual(rows.map((r) => r.code).sort(), demoProcesses.map((d) => d.procedureCode).sort());
    for (const row of rows) {
      assert.equal(row.version, 1);
      assert.equal(row.agency_id, null);
      assert.equal(row.is_current, true);
      assert.match(row.legal_basis, /1594\/QĐ-TTPVHCC/);
    }
    const process = await processes.current(permitId, hoaLu);
    const consult = process.steps.find((s) => s.kind === 'consult');
    assert.ok(consult, 'an inter-agency step');
    assert.equal(consult.agencyMode, 'fixed');
    assert.equal(consult.agencyId, construction);
    assert.equal(process.steps.reduce((sum, s) => sum + s.sharePercent, 0), 100);
    const audit = await database.db.selectFrom('audit_event').select(['action', 'actor_kind']).where('subject_type', '=', 'process_definition').execute();
    assert.equal(audit.length, demoProcesses.length);
    assert.ok(audit.every((a) => a.action === 'process.publish' && a.actor_kind === 'system'));
  });

  test('seeding again changes nothing', async () => {
    const agencies = await database.db.selectFrom('agency').select(['id', 'code']).execute();
    const keyed = [
      { key: 'dept.construction', id: agencies.find((a) => a.code === '000.00.06.H42')!.id },
      { key: 'police', id: agencies.find((a) => a.code === '000.00.20.H42')!.id },
    ];
    assert.deepEqual(await seedDemoProcesses(database, keyed), { created: 0, unchanged: demoProcesses.length });
    const count = await database.db.selectFrom('process_definition').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), demoProcesses.length);
  });
});

describe('row buttons', () => {
  const draft = {
    name: 'Q',
    legalBasis: '',
    steps: ['receive', 'handle', 'approve', 'return'].map((kind, i) => ({ kind, role: 'desk', agency: 'receiving', share: '25', name: `S${i + 1}`, nameEn: '' })),
  };
  test('add puts a blank step before the closing return step', () => {
    const added = applyRowAction(draft, 'add')!;
    assert.deepEqual(
      added.steps.map((s) => s.name),
      ['S1', 'S2', 'S3', '', 'S4'],
    );
    assert.equal(added.steps[3]!.kind, 'handle');
  });
  test('move up, move down and remove act on the row named, and ignore rows that do not exist', () => {
    assert.deepEqual(
      applyRowAction(draft, 'up:3')!.steps.map((s) => s.name),
      ['S1', 'S3', 'S2', 'S4'],
    );
    assert.deepEqual(
      applyRowAction(draft, 'down:1')!.steps.map((s) => s.name),
      ['S2', 'S1', 'S3', 'S4'],
    );
    assert.deepEqual(
      applyRowAction(draft, 'remove:2')!.steps.map((s) => s.name),
      ['S1', 'S3', 'S4'],
    );
    assert.deepEqual(
      applyRowAction(draft, 'up:1')!.steps.map((s) => s.name),
      ['S1', 'S2', 'S3', 'S4'],
    );
    assert.deepEqual(
      applyRowAction(draft, 'remove:9')!.steps.map((s) => s.name),
      ['S1', 'S2', 'S3', 'S4'],
    );
    assert.equal(applyRowAction(draft, 'review'), null);
  });
});

describe('the process editor', () => {
  let admin: TestBrowser;

  test('the pages need a signed-in officer', async () => {
    const anonymous = new TestBrowser(app, '10.8.0.1');
    const res = await anonymous.get('/can-bo/quy-trinh');
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^\/dang-nhap\?next=/);
  });

  test('the agency administrator finds the procedure in the list, inheriting the default process', async () => {
    admin = await signedIn('hoalu.admin', '10.8.0.2');
    const list = await admin.get(`/can-bo/quy-trinh?q=${permit}`);
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /<h1>Quy trình nội bộ<\/h1>/);
    assert.ok(list.body.includes(`href="/can-bo/quy-trinh/${permit}"`));
    assert.match(list.body, /Theo quy trình mặc định, phiên bản 1/);
    assert.match(list.body, /href="\/can-bo\/quy-trinh"/, 'the officer header links to the processes');
    const byName = await admin.get(`/can-bo/quy-trinh?q=${encodeURIComponent('giay phep xay dung moi')}`);
    assert.ok(byName.body.includes(permit), 'found by name without diacritics');
  });

  test('the editor shows the steps with their agencies, shares and working time', async () => {
    const page = await admin.get(`/can-bo/quy-trinh/${permit}`);
    assert.equal(page.statusCode, 200);
    const body = html(page.body);
    assert.match(body, /Cơ quan đang áp dụng quy trình mặc định \(phiên bản 1/);
    assert.match(body, /<ol class="timeline">/);
    assert.match(body, /Lấy ý kiến Sở Xây dựng về sự phù hợp với quy hoạch và thiết kế/);
    assert.match(body, /Liên thông/);
    assert.match(body, /Lấy ý kiến cơ quan khác · Chuyên viên thụ lý · Sở Xây dựng tỉnh Ninh Bình · 30% thời hạn · khoảng 6 ngày/);
    assert.match(body, /Thời hạn giải quyết<\/dt><dd>20 ngày/);
    const form = formFields(page.body, `/can-bo/quy-trinh/${permit}`);
    assert.equal(form.fields.steps, '6');
    assert.equal(form.fields.baseVersion, '0');
    assert.equal(form.fields['step-3-kind'], 'consult');
    assert.equal(form.fields['step-3-agency'], String(construction));
  });

  test('add, move and remove steps with buttons, keeping what was typed', async () => {
    const page = await admin.get(`/can-bo/quy-trinh/${permit}`);
    const form = formFields(page.body, `/can-bo/quy-trinh/${permit}`);
    const typed = { ...form.fields, name: 'Quy trình riêng của phường Hoa Lư' };
    const added = await admin.post(form.action, { ...typed, action: 'add' });
    assert.equal(added.statusCode, 200);
    const afterAdd = formFields(added.body, `/can-bo/quy-trinh/${permit}`);
    assert.equal(afterAdd.fields.steps, '7');
    assert.equal(afterAdd.fields.name, 'Quy trình riêng của phường Hoa Lư', 'the typed name is kept');
    assert.equal(afterAdd.fields['step-6-kind'], 'handle');
    assert.equal(afterAdd.fields['step-6-name'], '');
    assert.equal(afterAdd.fields['step-7-kind'], 'return');

    const moved = await admin.post(afterAdd.action, { ...afterAdd.fields, 'step-6-name': 'Bước mới', action: 'up:6' });
    const afterMove = formFields(moved.body, `/can-bo/quy-trinh/${permit}`);
    assert.deepEqual(stepNames(afterMove.fields).slice(4, 6), ['Bước mới', 'Lãnh đạo Ủy ban nhân dân xã ký giấy phép xây dựng']);
    const down = await admin.post(afterMove.action, { ...afterMove.fields, action: 'down:5' });
    const afterDown = formFields(down.body, `/can-bo/quy-trinh/${permit}`);
    assert.equal(afterDown.fields['step-6-name'], 'Bước mới');
    const removed = await admin.post(afterDown.action, { ...afterDown.fields, action: 'remove:6' });
    const afterRemove = formFields(removed.body, `/can-bo/quy-trinh/${permit}`);
    assert.equal(afterRemove.fields.steps, '6');
    assert.ok(!stepNames(afterRemove.fields).includes('Bước mới'));
    const stored = await database.db.selectFrom('process_definition').select('id').where('agency_id', '=', hoaLu).execute();
    assert.equal(stored.length, 0, 'the buttons store nothing');
  });

  test('a draft with problems comes back with an error summary naming the step and field, and keeps the input', async () => {
    const page = await admin.get(`/can-bo/quy-trinh/${permit}`);
    const form = formFields(page.body, `/can-bo/quy-trinh/${permit}`);
    const res = await admin.post(form.action, { ...form.fields, 'step-2-share': '40', 'step-4-role': 'handler', 'step-3-agency': 'receiving', action: 'review' });
    assert.equal(res.statusCode, 400);
    const body = html(res.body);
    assert.match(body, /<title>Lỗi:/);
    assert.match(body, /class="error-summary"/);
    assert.match(body, /href="#step-4-role">Bước 4: việc phê duyệt do lãnh đạo thực hiện/);
    assert.match(body, /href="#step-3-agency">Bước 3: bước lấy ý kiến phải thực hiện tại một cơ quan khác/);
    assert.match(body, /href="#steps">Tổng tỷ lệ thời gian của các bước phải bằng 100%; hiện là 105.00%/);
    const kept = formFields(res.body, `/can-bo/quy-trinh/${permit}`);
    assert.equal(kept.fields['step-2-share'], '40');
    assert.equal(kept.fields['step-4-role'], 'handler');
    assert.equal(kept.fields['step-3-agency'], 'receiving');
  });

  test('continue shows the check page; publishing makes a new version current for the agency, with its audit event', async () => {
    const page = await admin.get(`/can-bo/quy-trinh/${permit}`);
    const form = formFields(page.body, `/can-bo/quy-trinh/${permit}`);
    const fields = { ...form.fields, name: 'Quy trình cấp phép xây dựng – phường Hoa Lư', 'step-2-share': '30', 'step-5-share': '20' };
    const review = await admin.post(form.action, { ...fields, action: 'review' });
    assert.equal(review.statusCode, 200, html(review.body).slice(0, 400));
    assert.match(review.body, /<h1>Kiểm tra trước khi ban hành<\/h1>/);
    assert.match(html(review.body), /Quy trình cấp phép xây dựng – phường Hoa Lư/);
    assert.match(review.body, /Phiên bản 1/);
    const confirm = formFields(review.body, `/can-bo/quy-trinh/${permit}`);

    // "Change" goes back to the editor with the rows kept.
    const change = await admin.post(confirm.action, { ...confirm.fields, action: 'edit' });
    assert.equal(formFields(change.body, `/can-bo/quy-trinh/${permit}`).fields['step-2-share'], '30');

    await admin.get(`/can-bo/quy-trinh/${permit}`);
    const published = await admin.post(confirm.action, { ...confirm.fields, action: 'publish' }, { csrf: confirm.fields._csrf ?? null });
    assert.equal(published.statusCode, 303, html(published.body).slice(0, 600));
    assert.equal(published.headers.location, `/can-bo/quy-trinh/${permit}?xong=1`);
    const done = await admin.get(String(published.headers.location));
    assert.match(done.body, /Đã ban hành phiên bản 1/);
    assert.match(done.body, /Đang áp dụng/);

    const process = await processes.current(permitId, hoaLu);
    assert.equal(process.agencyId, hoaLu);
    assert.equal(process.version, 1);
    assert.deepEqual(
      process.steps.map((s) => s.sharePercent),
      [5, 30, 30, 10, 20, 5],
    );
    const audit = await database.db.selectFrom('audit_event').selectAll().where('subject_type', '=', 'process_definition').where('subject_id', '=', String(process.id)).executeTakeFirstOrThrow();
    assert.equal(audit.action, 'process.publish');
    assert.equal(audit.agency_id, hoaLu);
    assert.equal(audit.ip, '10.8.0.2');
    // Other communes keep the default.
    const other = await database.db.selectFrom('agency').select('id').where('code', '=', '000.00.52.H42').executeTakeFirstOrThrow();
    assert.equal((await processes.current(permitId, other.id)).agencyId, null);

    // The same check page posted again is refused: the version it was based on is no longer current.
    const stale = await admin.post(confirm.action, { ...confirm.fields, action: 'publish' }, { csrf: confirm.fields._csrf ?? null });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /PROCESS_CHANGED/);
    assert.equal(formFields(stale.body, `/can-bo/quy-trinh/${permit}`).fields.name, 'Quy trình cấp phép xây dựng – phường Hoa Lư');
  });

  test('an older version can be viewed and restored as a new version', async () => {
    const page = await admin.get(`/can-bo/quy-trinh/${permit}`);
    const form = formFields(page.body, `/can-bo/quy-trinh/${permit}`);
    const review = await admin.post(form.action, { ...form.fields, 'step-2-share': '35', 'step-5-share': '15', action: 'review' });
    const confirm = formFields(review.body, `/can-bo/quy-trinh/${permit}`);
    assert.equal((await admin.post(confirm.action, { ...confirm.fields, action: 'publish' })).statusCode, 303);

    const old = await admin.get(`/can-bo/quy-trinh/${permit}?phien-ban=1`);
    assert.match(old.body, /Bạn đang xem phiên bản 1/);
    const restore = formFields(old.body, '/khoi-phuc');
    assert.equal(restore.fields.version, '1', 'only the version no longer in use can be restored');
    assert.equal(restore.fields.baseVersion, '2');
    const res = await admin.post(restore.action, restore.fields);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/can-bo/quy-trinh/${permit}?xong=3`);
    const process = await processes.current(permitId, hoaLu);
    assert.equal(process.version, 3);
    assert.deepEqual(
      process.steps.map((s) => s.sharePercent),
      [5, 30, 30, 10, 20, 5],
    );
  });

  test('a handler reads the process but cannot change it', async () => {
    const handler = await signedIn('hoalu.handler', '10.8.0.3');
    const page = await handler.get(`/can-bo/quy-trinh/${permit}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Bạn chỉ được xem quy trình này/);
    assert.ok(!page.body.includes('name="action" value="review"'), 'no edit form');
    const res = await handler.post(`/can-bo/quy-trinh/${permit}`, { steps: '0', name: 'x', baseVersion: '3', action: 'publish' });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /PROCESS_EDIT_FORBIDDEN/);
    assert.equal((await processes.current(permitId, hoaLu)).version, 3);
  });

  test('another agency’s administrator can neither edit this agency’s process nor a procedure their agency does not offer', async () => {
    const other = await signedIn('construction.admin', '10.8.0.4');
    await other.get('/can-bo/quy-trinh');
    const res = await other.post(`/can-bo/quy-trinh/${permit}`, { coQuan: String(hoaLu), steps: '0', name: 'x', baseVersion: '3', action: 'publish' });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /PROCESS_EDIT_FORBIDDEN/);
    const page = await other.get(`/can-bo/quy-trinh/${residence}`);
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /PROCESS_PROCEDURE_NOT_FOUND/);
  });

  test('the system administrator edits the default process', async () => {
    const root = await signedIn('admin', '10.8.0.5');
    const list = await root.get(`/can-bo/quy-trinh?q=${residence}`);
    assert.match(list.body, new RegExp(`href="/can-bo/quy-trinh/${residence.replace('.', '\\.')}"`));
    assert.match(list.body, /Mặc định cho mọi cơ quan tiếp nhận/);
    const page = await root.get(`/can-bo/quy-trinh/${residence}`);
    assert.equal(page.statusCode, 200);
    const form = formFields(page.body, `/can-bo/quy-trinh/${residence}`);
    assert.equal(form.fields.baseVersion, '1');
    const review = await root.post(form.action, { ...form.fields, 'step-2-share': '50', 'step-3-share': '30', action: 'review' });
    assert.equal(review.statusCode, 200);
    const confirm = formFields(review.body, `/can-bo/quy-trinh/${residence}`);
    const published = await root.post(confirm.action, { ...confirm.fields, action: 'publish' });
    assert.equal(published.statusCode, 303);
    const procedure = await database.db.selectFrom('procedure').select('id').where('code', '=', residence).executeTakeFirstOrThrow();
    const process = await processes.current(procedure.id, hoaLu);
    assert.equal(process.agencyId, null);
    assert.equal(process.version, 2);
    assert.deepEqual(
      process.steps.map((s) => s.sharePercent),
      [10, 50, 30, 10],
    );
  });
});
