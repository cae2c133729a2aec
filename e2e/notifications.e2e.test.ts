import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedOfficialCalendar } from '../src/modules/calendar/index.js';
import { TestBrowser, signInCitizen } from '../src/modules/identity/testing.js';
import {
  createNotificationService,
  eventually,
  inboundPath,
  NotificationSandbox,
  smsWebhookSignature,
  startNotificationDelivery,
  type RunningDelivery,
} from '../src/modules/notifications/index.js';
import { createDeskService } from '../src/modules/workflow/index.js';
import type { SessionUser } from '../src/platform/http/auth.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { expectAccessible, launchBrowser } from './support/browser.js';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * Notifications end to end, at node level: the portal (demo data) listening on a port, the local SMTP server and
 * SMS/Zalo sandbox, and the worker's dispatcher delivering the outbox. A desk officer receives a dossier through the
 * desk service; the applicant's e-mail arrives in the SMTP server and the SMS in the sandbox; someone who
 * subscribed by text gets a copy; "TRACUU <code> <4 digits>" sent to the webhook gets the status back by SMS.
 */

let sandbox: NotificationSandbox;
let server: TestServer;
let delivery: RunningDelivery;
const applicantPhone = '0912000777';
const applicantEmail = 'nguoi.nop.e2e@example.vn';
const followerPhone = '0933000111';
let code = '';
let officer: SessionUser;

before(async () => {
  sandbox = await NotificationSandbox.start({ httpPort: 0, smtpPort: 0, smsApiKey: 'e2e-sms-key', zaloAccessToken: 'e2e-zalo-token' });
  server = await startTestServer({
    config: {
      notifySandboxPort: String(new URL(sandbox.url).port),
      notifySandboxSmtpPort: String(sandbox.smtpPort),
      smsApiKey: 'e2e-sms-key',
      zaloAccessToken: 'e2e-zalo-token',
      notifyRetrySeconds: '0.2',
      notifyMaxAttempts: '3',
    },
  });
  await seedOfficialCalendar(server.database);
  // The worker's part: the dispatcher over the same database, providers configured to the sandbox.
  delivery = await startNotificationDelivery({ database: server.database, config: server.config, logger: createLogger('silent'), runSandbox: false });
});

after(async () => {
  await delivery?.close();
  await server?.close();
  await sandbox?.close();
});

/** Texts the portal's SMS number, signed like the provider does. */
async function textPortal(from: string, text: string): Promise<{ status: number; body: { command: string; reply: string | null } }> {
  const payload = JSON.stringify({ from: from.replace(/^0/, '84'), text, id: `e2e-${Date.now()}-${Math.random()}` });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${server.baseUrl}${inboundPath}/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-timestamp': timestamp, 'x-signature': smsWebhookSignature(server.config.inboundWebhookSecret, timestamp, payload) },
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as { command: string; reply: string | null } };
}

async function awaitingDossier(): Promise<{ code: string; officer: SessionUser }> {
  const db = server.database.db;
  const officerRow = await db.selectFrom('app_user').select(['id', 'display_name', 'agency_id', 'roles']).where('username', '=', 'hoalu.desk').executeTakeFirstOrThrow();
  const agency = await db.selectFrom('agency').select(['id', 'code']).where('id', '=', officerRow.agency_id!).executeTakeFirstOrThrow();
  const procedure = await db.selectFrom('procedure').select(['id', 'current_version_id']).where('code', '=', '1.010041').executeTakeFirstOrThrow();
  const citizen = await db.selectFrom('app_user').select('id').where('username', '=', 'citizen@demo.motcua.vn').executeTakeFirstOrThrow();
  const dossierCode = `${agency.code}-261124-9001`;
  const row = await db
    .insertInto('dossier')
    .values({
      code: dossierCode,
      lookup_secret: 'E2ESECRET01',
      procedure_id: procedure.id,
      procedure_version_id: procedure.current_version_id!,
      form_version: '1',
      applicant_user_id: citizen.id,
      applicant: JSON.stringify({ fullName: 'Phạm Văn Nộp', personalId: '037096001234', phone: applicantPhone, email: applicantEmail, address: 'Hoa Lư, Ninh Bình' }),
      receiving_agency_id: agency.id,
      holder_agency_id: agency.id,
      channel: 'online',
      status: 'awaiting_reception',
      values: JSON.stringify({}),
      result_delivery: 'online',
      phone_last4: applicantPhone.slice(-4),
      submitted_at: new Date(Date.now() - 3600_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('dossier_event')
    .values({ dossier_id: row.id, actor_user_id: citizen.id, actor_kind: 'citizen', action: 'submitted', from_status: null, to_status: 'awaiting_reception', to_agency_id: agency.id })
    .execute();
  const officer: SessionUser = { id: officerRow.id, kind: 'officer', displayName: officerRow.display_name, agencyId: officerRow.agency_id, roles: officerRow.roles };
  return { code: dossierCode, officer };
}

test('a follower subscribes by SMS with the code and the applicant’s last four digits', async () => {
  const made = await awaitingDossier();
  code = made.code;
  officer = made.officer;
  const wrong = await textPortal(followerPhone, `DANGKY ${code} 0000`);
  assert.equal(wrong.status, 200);
  assert.match(wrong.body.reply ?? '', /Không tìm thấy hồ sơ/);
  const res = await textPortal(followerPhone, `Đăng ký ${code.toLowerCase()}  ${applicantPhone.slice(-4)}`);
  assert.equal(res.body.command, 'subscribe');
  assert.match(res.body.reply ?? '', /Đã đăng ký nhận tin cập nhật hồ sơ/);
  const replies = await sandbox.waitFor((m) => m.filter((x) => x.to === '84933000111').length === 2);
  assert.ok(replies.some((m) => m.to === '84933000111' && /Đã đăng ký/.test(m.text)), 'the confirmation arrived by SMS');
});

test('a state change through the desk service sends the e-mail to the SMTP server and the SMS to the sandbox', async () => {
  const desk = createDeskService(server.database, { notifications: createNotificationService(server.database) });
  const before = await server.database.db.selectFrom('dossier').select('row_version').where('code', '=', code).executeTakeFirstOrThrow();
  const outcome = await desk.receive(officer, code, before.row_version);
  assert.ok(outcome);
  delivery.dispatcher.wake();

  const received = await sandbox.waitFor(
    (m) => m.some((x) => x.channel === 'email' && x.to === applicantEmail) && m.some((x) => x.channel === 'sms' && x.to === '84912000777') && m.some((x) => x.to === '84933000111' && x.text.includes('Đã tiếp nhận')),
    15_000,
  );
  const mail = received.find((x) => x.channel === 'email' && x.to === applicantEmail)!;
  assert.equal(mail.subject, `Hồ sơ ${code} đã được tiếp nhận`);
  assert.match(mail.text, /Ngày hẹn trả kết quả/);
  const sms = received.find((x) => x.channel === 'sms' && x.to === '84912000777')!;
  assert.ok(sms.text.includes(code));
  const copy = received.find((x) => x.to === '84933000111' && x.text.includes('Đã tiếp nhận'))!;
  assert.equal(copy.text, `Hồ sơ ${code}: Đã tiếp nhận. Nhắn HUY ${code} để ngừng nhận tin.`, 'the follower gets the status only');

  await eventually('the applicant’s two messages to be marked sent in the outbox', async () => {
    // The SMS recipient is sealed at rest (issue #8): it is found by its blind index; the e-mail address stays plain.
    const phoneIndex = await server.database.cipher.blindIndex('phone', applicantPhone);
    const rows = await server.database.db
      .selectFrom('notification_outbox')
      .select(['status', 'attempts'])
      .where((eb) => eb.or([eb('recipient', '=', applicantEmail), eb('recipient_index', '=', phoneIndex)]))
      .execute();
    return rows.length === 2 && rows.every((r) => r.status === 'sent' && r.attempts === 1);
  });
});

test('TRACUU by SMS gets the dossier’s new status back on the same channel', async () => {
  const res = await textPortal(applicantPhone, `TRACUU ${code} ${applicantPhone.slice(-4)}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.command, 'lookup');
  assert.match(res.body.reply ?? '', new RegExp(`Hồ sơ ${code.replace(/\./g, '\\.')} \\(.+\\): Đã tiếp nhận\\. Đang xử lý tại: .+\\. Ngày hẹn trả: \\d{2}/\\d{2}/\\d{4}\\.`));
  const arrived = await sandbox.waitFor((m) => m.some((x) => x.to === '84912000777' && x.text === res.body.reply));
  assert.ok(arrived.length > 0);
  const stop = await textPortal(followerPhone, `HUY ${code}`);
  assert.match(stop.body.reply ?? '', /Đã ngừng gửi tin cập nhật/);
});

test('the development mailbox shows what the test servers received and each message’s status', async () => {
  const res = await fetch(`${server.baseUrl}/dev/hop-thu`);
  const html = await res.text();
  assert.equal(res.status, 200);
  assert.match(html, /Tin đã nhận tại máy chủ thử nghiệm/);
  assert.ok(html.includes(`<span class="recipient">${applicantEmail}</span>`));
  assert.ok(html.includes(`<span class="recipient">${applicantPhone}</span>`), 'phones shown in national form');
  assert.match(html, /Đã gửi/);
});

test('a citizen chooses the channels in the account area, and a turned-off channel is skipped', async () => {
  const browser = new TestBrowser(server.app, '10.77.0.1');
  await signInCitizen(browser, 'citizen@demo.motcua.vn', 'Demo@2026');
  const page = await browser.get('/tai-khoan/thong-bao');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<legend>Gửi thông báo cho tôi qua<\/legend>/);
  assert.match(page.body, /id="channel-email" name="email" value="yes" checked/);
  const saved = await browser.post('/tai-khoan/thong-bao', { sms: 'yes' });
  assert.equal(saved.statusCode, 303);
  const after = await browser.get(String(saved.headers.location));
  assert.match(after.body, /Đã lưu lựa chọn nhận thông báo/);
  assert.doesNotMatch(after.body, /id="channel-email"[^>]*checked/);
  assert.equal((await new TestBrowser(server.app, '10.77.0.2').post('/tai-khoan/thong-bao', { sms: 'yes' })).statusCode, 403, 'no CSRF token, no change');
  const profile = await server.database.db
    .selectFrom('citizen_profile as c')
    .innerJoin('app_user as u', 'u.id', 'c.user_id')
    .select(['c.email'])
    .where('u.username', '=', 'citizen@demo.motcua.vn')
    .executeTakeFirstOrThrow();
  assert.ok(profile.email, 'the demo citizen has an e-mail on the profile');
  const notifications = createNotificationService(server.database);
  const { id } = await notifications.enqueue(server.database.db, { channel: 'email', recipient: profile.email!, template: 'notifications.reply.help', locale: 'vi' });
  assert.equal((await notifications.message(id))?.status, 'skipped');
});

test('a failing provider is retried, then its messages are marked failed, while other messages go through', async () => {
  sandbox.fail('zalo', -1);
  const notifications = createNotificationService(server.database);
  try {
    const down = await notifications.enqueue(server.database.db, { channel: 'zalo', recipient: '0944000222', template: 'notifications.reply.help', locale: 'vi' });
    const up = await notifications.enqueue(server.database.db, { channel: 'sms', recipient: '0944000333', template: 'notifications.reply.help', locale: 'vi' });
    delivery.dispatcher.wake();
    await sandbox.waitFor((m) => m.some((x) => x.to === '84944000333'));
    assert.equal((await notifications.message(up.id))?.status === 'failed', false);
    await eventually('the Zalo message to be given up', async () => (await notifications.message(down.id))?.status === 'failed', 15_000);
    const failed = await notifications.message(down.id);
    assert.equal(failed?.attempts, 3);
    assert.match(failed?.lastError ?? '', /Zalo error -32/);
    assert.equal((await notifications.message(up.id))?.status, 'sent');
    assert.ok(!sandbox.messages('zalo').some((m) => m.to === '84944000222'));
  } finally {
    sandbox.fail('zalo', 0);
  }
});

test('the preferences page and the development mailbox pass axe (WCAG 2.2 AA) and work without JavaScript', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.goto(`${server.baseUrl}/dang-nhap?next=%2Ftai-khoan%2Fthong-bao`);
    await page.locator('#account').fill('citizen@demo.motcua.vn');
    await page.locator('#password').fill('Demo@2026');
    await page.locator('main form[action="/dang-nhap"] button[type="submit"]').click();
    await page.waitForURL(/\/tai-khoan\/thong-bao$/);
    await expectAccessible(page, 'notification preferences');
    await page.locator('#channel-email').check();
    await page.locator('main form button[type="submit"]').click();
    await page.waitForURL(/da-luu=1/);
    assert.ok(await page.locator('#channel-email').isChecked(), 'the choice was saved without JavaScript');
    await expectAccessible(page, 'notification preferences (saved)');
    await page.goto(`${server.baseUrl}/dev/hop-thu`);
    await expectAccessible(page, 'development mailbox with delivered messages');
  } finally {
    await browser.close();
  }
});
