import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { formDateParts } from '../src/platform/pdf/index.js';
import { pdfText, requirePoppler } from '../src/platform/pdf/testing.js';
import { expectAccessible, launchBrowser, withScreenshotOnFailure, type TestBrowser } from './support/browser.js';
import { navigateBy, signInOfficerInPage } from './support/officer.js';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * The back office end to end in Chromium, JavaScript off, axe on every page (issue #4): a citizen applies online
 * → the commune's desk receives it (slip 01 with the due date) → the handler asks for a supplement → the citizen
 * supplements → the handler forwards → the Department of Justice is consulted and answers → the leader approves (and
 * signs the result) → the desk returns the result. The citizen sees each step on "my dossiers" and on the public
 * lookup; the control slip (06) lists every hand-over.
 */

let server: TestServer;
let browser: TestBrowser;
const password = 'Demo@2026';
const procedure = '1.010041'; // residence confirmation, received by the demo citizen's commune

before(
  async () => {
    requirePoppler();
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    // The commune's own internal process for the procedure, with a consultation of the Department of Justice
    // (an agency administrator would publish it in the process editor; e2e/process.e2e.test.ts covers that).
    const db = server.database.db;
    const commune = await db.selectFrom('app_user').select('agency_id').where('username', '=', 'hoalu.desk').executeTakeFirstOrThrow();
    const justice = await db.selectFrom('app_user').select('agency_id').where('username', '=', 'justice.handler').executeTakeFirstOrThrow();
    const proc = await db.selectFrom('procedure').select('id').where('code', '=', procedure).executeTakeFirstOrThrow();
    await db.updateTable('process_definition').set({ is_current: false }).where('procedure_id', '=', proc.id).where('agency_id', '=', commune.agency_id!).execute();
    const def = await db
      .insertInto('process_definition')
      .values({ procedure_id: proc.id, agency_id: commune.agency_id, version: 99, name: 'Xác nhận cư trú — có lấy ý kiến Sở Tư pháp', is_current: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const step = (position: number, kind: string, role: string, share: number, name: string, agencyId: number | null = null) => ({
      definition_id: def.id, position, kind: kind as never, role: role as never, agency_mode: agencyId ? ('fixed' as const) : ('receiving' as const),
      agency_id: agencyId, share_percent: share, name, name_en: null,
    });
    await db
      .insertInto('process_step')
      .values([
        step(1, 'receive', 'desk', 10, 'Tiếp nhận hồ sơ'),
        step(2, 'handle', 'handler', 40, 'Thẩm định hồ sơ'),
        step(3, 'consult', 'handler', 20, 'Sở Tư pháp cho ý kiến', justice.agency_id),
        step(4, 'approve', 'leader', 20, 'Lãnh đạo phê duyệt'),
        step(5, 'return', 'desk', 10, 'Trả kết quả'),
      ])
      .execute();
  },
  { timeout: 180_000 },
);

after(
  async () => {
    await browser?.close();
    await server?.close();
  },
  { timeout: 30_000 },
);

const url = (path: string) => `${server.baseUrl}${path}`;
const click = (page: Page, target: Locator) => navigateBy(page, () => target.click());
const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** One step of the journey as its own subtest; after a failure the rest are skipped, with a screenshot. */
let broken = false;
function step(t: TestContext, page: () => Page, name: string, body: () => Promise<void>): Promise<void> {
  return t.test(name, async (st) => {
    if (broken) return st.skip('an earlier step failed');
    try {
      await withScreenshotOnFailure(page(), `backoffice ${name}`, body);
    } catch (error) {
      broken = true;
      throw error;
    }
  });
}

/** A page without JavaScript for `who`, signed in. */
async function signedIn(who: string): Promise<Page> {
  const page = await browser.newPage({ javaScriptEnabled: false });
  if (who.includes('@')) {
    await page.goto(url('/dang-nhap'));
    await page.locator('#account').fill(who);
    await page.locator('#password').fill(password);
    await click(page, page.locator('main form[action="/dang-nhap"] button[type="submit"]'));
  } else {
    await signInOfficerInPage(page, server.baseUrl, who, password);
  }
  return page;
}

/** Opens the officer's inbox and the task of the dossier in it. */
async function openTask(page: Page, code: string, label: string): Promise<void> {
  await page.goto(url('/can-bo/viec-can-lam'));
  await expectAccessible(page, `${label}: inbox`);
  const row = page.locator('main tr').filter({ hasText: code });
  assert.equal(await row.count(), 1, `${code} is in the inbox`);
  await click(page, row.locator('a[href^="/can-bo/viec/"]').first());
  await expectAccessible(page, `${label}: task`);
}

/** The name of the agency holding the dossier now. */
async function holderOf(code: string): Promise<string> {
  const row = await server.database.db
    .selectFrom('dossier as d')
    .innerJoin('agency as a', 'a.id', 'd.holder_agency_id')
    .select('a.name')
    .where('d.code', '=', code)
    .executeTakeFirstOrThrow();
  return row.name;
}

/** Fills and sends the action form whose address ends with /<slug> on a task page. */
async function act(page: Page, slug: string, fields: Record<string, string> = {}): Promise<void> {
  const form = page.locator(`main form[action$="/${slug}"]`);
  assert.equal(await form.count(), 1, `the task page offers "${slug}"`);
  for (const [name, value] of Object.entries(fields)) {
    const radio = form.locator(`input[type="radio"][name="${name}"][value="${value}"]`);
    if (await radio.count()) await radio.check();
    else await form.locator(`[name="${name}"]`).fill(value);
  }
  await click(page, form.locator('button[type="submit"]').first());
  assert.ok(!(await page.locator('.error-summary').count()), `${slug}: ${await text(page.locator('main'))}`);
}

test('a dossier goes through the back office, across agencies, and the citizen follows it', { timeout: 600_000 }, async (t) => {
  let citizen!: Page;
  let code = '';
  let lookupSecret = '';

  await step(t, () => citizen, 'the citizen applies online', async () => {
    citizen = await signedIn('citizen@demo.motcua.vn');
    await citizen.goto(url(`/thu-tuc/${procedure}/nop-truc-tuyen`));
    const answers: Record<string, () => Promise<void>> = {
      request: async () => {
        await citizen.locator('main input[name="contents"][value="permanent"]').check();
        await citizen.locator('main [name="purpose"]').fill('Bổ sung hồ sơ xin việc');
        await citizen.locator('main input[name="declaration"]').check();
      },
      'noi-nop': async () => citizen.locator('main input[name="resultDelivery"][value="online"]').check(),
    };
    for (let i = 0; i < 10 && !citizen.url().endsWith('/kiem-tra'); i++) {
      const section = new URL(citizen.url()).pathname.split('/')[3] ?? '';
      await expectAccessible(citizen, `e-form ${section}`);
      await answers[section]?.();
      await click(citizen, citizen.locator('main form .actions button.button[value="continue"], main form > button.button[type="submit"]').first());
    }
    assert.ok(citizen.url().endsWith('/kiem-tra'), 'the check page');
    await expectAccessible(citizen, 'check your answers');
    await click(citizen, citizen.locator('main form[action$="/nop"] button[type="submit"]'));
    code = /\/ho-so\/([^/?]+)/.exec(citizen.url())![1]!;
    const row = await server.database.db.selectFrom('dossier').select(['status', 'lookup_secret']).where('code', '=', code).executeTakeFirstOrThrow();
    assert.equal(row.status, 'awaiting_reception');
    lookupSecret = row.lookup_secret;
    await expectAccessible(citizen, 'my dossier: submitted');
  });

  let desk!: Page;
  await step(t, () => desk, 'the desk receives it and issues slip 01 with the due date', async () => {
    desk = await signedIn('hoalu.desk');
    await desk.goto(url('/can-bo/tiep-nhan'));
    await expectAccessible(desk, 'desk queue');
    await click(desk, desk.locator(`main a[href="/can-bo/ho-so/${code}"]`).first());
    await expectAccessible(desk, 'desk dossier');
    await click(desk, desk.locator('main form[action*="/tiep-nhan"] button[type="submit"]').first());
    await expectAccessible(desk, 'desk dossier: received');
    const row = await server.database.db.selectFrom('dossier').select(['status', 'due_at']).where('code', '=', code).executeTakeFirstOrThrow();
    assert.equal(row.status, 'received');
    assert.ok(row.due_at, 'a due date from the working calendar');
    // The applicant's slip 01 now carries the appointment: the due moment from the working calendar.
    const slip = await citizen.request.get(url(`/ho-so/${code}/giay-tiep-nhan.pdf`));
    assert.equal(slip.status(), 200);
    const slipText = pdfText(Buffer.from(await slip.body())).replace(/\s+/g, ' ');
    const p = formDateParts(row.due_at!);
    assert.match(slipText, /GIẤY TIẾP NHẬN HỒ SƠ/);
    assert.ok(slipText.includes(`${p.HH} giờ ${p.mi} phút, ngày ${p.dd} tháng ${p.mm} năm ${p.yyyy}`), 'slip 01 prints the due moment');
  });

  let handler!: Page;
  await step(t, () => handler, 'the handler asks for a supplement; the clock pauses', async () => {
    handler = await signedIn('hoalu.handler');
    await openTask(handler, code, 'handler');
    await act(handler, 'bo-sung', { items: 'Bản sao giấy tờ chứng minh chỗ ở: bản chụp bị mờ, xin nộp bản rõ hơn' });
    await expectAccessible(handler, 'handler: supplement requested');
    const row = await server.database.db.selectFrom('dossier').select('status').where('code', '=', code).executeTakeFirstOrThrow();
    assert.equal(row.status, 'awaiting_supplement');
  });

  await step(t, () => citizen, 'the citizen sees the request and supplements', async () => {
    await citizen.goto(url(`/ho-so/${code}`));
    await expectAccessible(citizen, 'my dossier: supplement asked');
    assert.match(await text(citizen.locator('main')), /bản chụp bị mờ/);
    const form = citizen.locator('main form[action*="/bo-sung"]');
    await form.locator('[name="note"]').fill('Đã nộp lại bản chụp rõ hơn');
    await click(citizen, form.locator('button[type="submit"]').first());
    const row = await server.database.db.selectFrom('dossier').select('status').where('code', '=', code).executeTakeFirstOrThrow();
    assert.equal(row.status, 'processing');
  });

  await step(t, () => handler, 'the handler forwards it: the Department of Justice is consulted', async () => {
    await openTask(handler, code, 'handler again');
    await act(handler, 'chuyen-tiep', { note: 'Đủ điều kiện; xin ý kiến Sở Tư pháp' });
    assert.match(await holderOf(code), /Tư pháp/, 'the department holds the dossier now');
  });

  let justice!: Page;
  await step(t, () => justice, 'the Department of Justice answers and the dossier comes back', async () => {
    justice = await signedIn('justice.handler');
    await openTask(justice, code, 'consulted department');
    await act(justice, 'chuyen-tiep', { note: 'Sở Tư pháp thống nhất' });
    assert.doesNotMatch(await holderOf(code), /Tư pháp/, 'back at the commune');
  });

  let leader!: Page;
  await step(t, () => leader, 'the leader approves; the result is signed', async () => {
    leader = await signedIn('hoalu.leader');
    await openTask(leader, code, 'leader');
    await act(leader, 'phe-duyet');
    await expectAccessible(leader, 'leader: approved');
    const row = await server.database.db.selectFrom('dossier').select(['id', 'status']).where('code', '=', code).executeTakeFirstOrThrow();
    assert.equal(row.status, 'result_ready');
    const results = await server.database.db.selectFrom('dossier_result').select(['origin', 'signers']).where('dossier_id', '=', row.id).execute();
    assert.equal(results.length, 1, 'one signed result');
    assert.equal(results[0]!.origin, 'signed');
  });

  await step(t, () => desk, 'the desk returns the result', async () => {
    await openTask(desk, code, 'desk: return');
    await act(desk, 'tra-ket-qua', { delivery: 'online' });
    await expectAccessible(desk, 'desk: returned');
    const row = await server.database.db.selectFrom('dossier').select('status').where('code', '=', code).executeTakeFirstOrThrow();
    assert.equal(row.status, 'result_returned');
  });

  await step(t, () => citizen, 'the citizen sees every step on "my dossiers" and on the public lookup', async () => {
    await citizen.goto(url(`/ho-so/${code}`));
    await expectAccessible(citizen, 'my dossier: returned');
    const mine = await text(citizen.locator('main'));
    for (const label of ['Tiếp nhận hồ sơ', 'Yêu cầu bổ sung', 'Chuyển bước xử lý', 'Phê duyệt', 'Trả kết quả']) assert.ok(mine.includes(label), `my dossier shows "${label}"`);
    const lookup = await browser.newPage({ javaScriptEnabled: false });
    await lookup.goto(url(`/tra-cuu/${code}?s=${lookupSecret}`)); // the slip's QR link
    await expectAccessible(lookup, 'public lookup');
    const shown = await text(lookup.locator('main'));
    for (const label of ['Tiếp nhận hồ sơ', 'Yêu cầu bổ sung', 'Chuyển bước xử lý', 'Phê duyệt', 'Trả kết quả']) assert.ok(shown.includes(label), `the lookup shows "${label}"`);
    assert.ok(!shown.includes('Nguyễn Thị Hương'), 'no personal details on the public lookup');
    await lookup.context().close();
  });

  await step(t, () => desk, 'the control slip (06) lists every hand-over with its timing', async () => {
    const res = await desk.request.get(url(`/can-bo/ho-so/${code}/phieu/06`));
    assert.equal(res.status(), 200);
    // Table cells wrap: compare with the line breaks folded into spaces.
    const slip = pdfText(Buffer.from(await res.body())).replace(/\s+/g, ' ');
    assert.match(slip, /PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ/);
    for (const name of ['Thẩm định hồ sơ', 'Sở Tư pháp cho ý kiến', 'Lãnh đạo phê duyệt', 'Trả kết quả']) assert.ok(slip.includes(name), `the control slip lists "${name}": ${slip}`);
    assert.match(slip, /Trước hạn|Đúng hạn/);
  });

  await step(t, () => citizen, 'the citizen rates the service and complains; the desk answers; the answer shows on the dossier', async () => {
    const returned = await server.database.db
      .selectFrom('notification_outbox as m')
      .innerJoin('dossier as d', 'd.id', 'm.dossier_id')
      .select('m.body')
      .where('d.code', '=', code)
      .where('m.template_key', '=', 'workflow.message.resultReturned.online')
      .executeTakeFirstOrThrow();
    assert.match(returned.body, /\/danh-gia\/[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{43}/, 'the result-returned message carries the rating link');
    await citizen.goto(url(`/ho-so/${code}/danh-gia`));
    await expectAccessible(citizen, 'rating form');
    const form = citizen.locator('main form[action$="/danh-gia"]');
    const answers: Record<string, string> = { overall: '3', publicInfo: 'yes', guidance: 'yes', attitude: 'no', timeliness: 'yes', noExtraDocuments: 'yes', noExtraFees: 'yes', complain: 'yes', category: 'attitude' };
    for (const [name, value] of Object.entries(answers)) await form.locator(`input[type="radio"][name="${name}"][value="${value}"]`).check();
    await form.locator('[name="body"]').fill('Cán bộ tiếp nhận chưa niềm nở');
    await click(citizen, form.locator('button[type="submit"]'));
    assert.ok(!(await citizen.locator('.error-summary').count()), await text(citizen.locator('main')));
    await expectAccessible(citizen, 'my dossier: rated, complaint open');
    assert.match(await text(citizen.locator('main')), /Bạn đã đánh giá: Bình thường/);

    await desk.goto(url('/can-bo/phan-anh'));
    await expectAccessible(desk, 'complaints queue');
    await click(desk, desk.locator('main a', { hasText: code }).first());
    await expectAccessible(desk, 'complaint');
    await desk.locator('main form [name="answer"]').fill('Bộ phận Một cửa xin lỗi và đã nhắc nhở cán bộ.');
    await click(desk, desk.locator('main form button[type="submit"]'));
    assert.match(await text(desk.locator('main')), /Đã gửi trả lời/);

    await citizen.goto(url(`/ho-so/${code}`));
    await expectAccessible(citizen, 'my dossier: complaint answered');
    assert.match(await text(citizen.locator('main')), /đã nhắc nhở cán bộ/);
  });
});
