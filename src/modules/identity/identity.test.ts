import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { createServer } from '../../platform/http/server.js';
import { SESSION_COOKIE } from '../../platform/http/session.js';
import { createUsersService, importUnits, type UserView } from '../admin/index.js';
import { createNotificationService, notificationDevRoutes, type NotificationService } from '../notifications/index.js';
import {
  consentNoticeVersion,
  contactUsername,
  createIdentityServices,
  csrfPlugin,
  identityRoutes,
  sessionPlugin,
  type IdentityProvider,
  type IdentityServices,
  type UnitOption,
} from './index.js';
import { codeFromMailbox, signInOfficer, TestBrowser } from './testing.js';

const unitsDir = fileURLToPath(new URL('../../../data/administrative-units/', import.meta.url));
const hashParams = { N: 1024, r: 8, p: 1 };
const secret = 'identity-test-secret-0123456789-abcdef';

let database: Database;
let notifications: NotificationService;
let identity: IdentityServices;
let app: FastifyInstance;
let officer: UserView;
let adminCitizen: UserView;
let ninhBinhCommunes: UnitOption[];
let haNoiCommunes: UnitOption[];
let nextIp = 1;

/** A browser with its own client address, so that each test has its own rate-limit budget. */
function browser(target: FastifyInstance = app): TestBrowser {
  nextIp += 1;
  return new TestBrowser(target, `10.0.${Math.floor(nextIp / 250)}.${nextIp % 250}`);
}

async function buildApp(options: { provider?: IdentityProvider; authRateLimit?: number } = {}): Promise<FastifyInstance> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const server = await createServer({ config, database, portal: { agencyCode: 'T', agencyName: 'Cổng thử nghiệm' } });
  await server.register(sessionPlugin, { store: identity.sessionStore, idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 12 * 3600, secure: false });
  await server.register(csrfPlugin, { secure: false });
  await server.register(identityRoutes, {
    ...identity,
    identityProvider: options.provider ?? null,
    baseUrl: config.baseUrl,
    authRateLimit: options.authRateLimit ?? 5,
  });
  await server.register(notificationDevRoutes, { notifications, nodeEnv: config.nodeEnv });
  return server;
}

async function mailboxCode(b: TestBrowser, recipient: string): Promise<string> {
  const res = await b.get('/dev/hop-thu');
  const code = codeFromMailbox(res.body, recipient);
  assert.ok(code, `a code for ${recipient} is in the mailbox`);
  return code;
}

async function messagesTo(recipient: string): Promise<number> {
  return (await notifications.latest(500)).filter((m) => m.recipient === recipient).length;
}

/** Registers and verifies a citizen through the pages; returns the browser (not signed in). */
async function registeredCitizen(contact: string, password: string, fullName = 'Lê Văn Cường'): Promise<TestBrowser> {
  const b = browser();
  const res = await b.submit('/dang-ky', '/dang-ky', { contact, fullName, password, consent: 'yes' });
  assert.equal(res.statusCode, 303);
  const code = await mailboxCode(b, contact);
  await b.get(`/xac-thuc?tai-khoan=${contact}`);
  assert.equal((await b.post('/xac-thuc', { account: contact, code })).statusCode, 303);
  return b;
}

async function signIn(b: TestBrowser, account: string, password: string, next?: string) {
  await b.get(next ? `/dang-nhap?next=${encodeURIComponent(next)}` : '/dang-nhap');
  return b.post('/dang-nhap', { account, password, ...(next ? { next } : {}) });
}

before(async () => {
  database = await openTestDatabase();
  await importUnits(database, { dir: unitsDir });
  notifications = createNotificationService(database);
  identity = createIdentityServices(database, { notifications, secret, hashParams });
  const users = createUsersService(database, { hashParams });
  officer = await users.create({ kind: 'officer', username: 'test.admin', displayName: 'Quản trị thử', password: 'Officer@2026', roles: ['system_admin'] });
  adminCitizen = await users.create({ kind: 'citizen', username: 'lan@example.vn', displayName: 'Nguyễn Thị Lan', password: 'Demo@2026' });
  ninhBinhCommunes = (await identity.profiles.addressOptions('37')).communes;
  haNoiCommunes = (await identity.profiles.addressOptions('01')).communes;
  app = await buildApp();
});

after(async () => {
  await app.close();
  await database.close();
});

describe('citizen journey', () => {
  test('does take a citizen from registration to a saved profile and sign-out', async () => {
    const b = browser();
    const form = await b.get('/dang-ky');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Thông báo về xử lý dữ liệu cá nhân/);
    assert.ok(form.body.includes(consentNoticeVersion));

    // Register with the number typed in international form: it is stored in national form.
    const registered = await b.post('/dang-ky', { contact: '+84 912 345 001', fullName: 'Trần Thị Bình', password: 'hoa sen trong dam', consent: 'yes' });
    assert.equal(registered.statusCode, 303);
    assert.equal(registered.headers.location, '/xac-thuc?tai-khoan=0912345001');
    const consent = await database.db
      .selectFrom('consent')
      .innerJoin('app_user', 'app_user.id', 'consent.user_id')
      .select(['consent.notice_version', 'consent.ip', 'consent.purpose', 'consent.given_at'])
      // A phone account's username is the phone's blind index (issue #8), never the number.
      .where('app_user.username', '=', await contactUsername(database.cipher, { kind: 'phone', value: '0912345001' }))
      .executeTakeFirstOrThrow();
    assert.equal(consent.notice_version, consentNoticeVersion);
    assert.equal(consent.purpose, 'account');
    assert.match(String(consent.ip), /^10\.0\./);

    // Not verified yet: the right password leads to the code page, not into the account.
    const early = await signIn(b, '0912345001', 'hoa sen trong dam');
    assert.equal(early.statusCode, 303);
    assert.match(String(early.headers.location), /^\/xac-thuc\?tai-khoan=0912345001/);
    assert.equal(b.cookies.get(SESSION_COOKIE), undefined);

    // The code arrives through the outbox; the development mailbox shows it.
    const code = await mailboxCode(b, '0912345001');
    await b.get('/xac-thuc?tai-khoan=0912345001');
    const wrong = await b.post('/xac-thuc', { account: '0912345001', code: code === '000000' ? '111111' : '000000' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /ONE_TIME_CODE_INVALID|Mã xác thực không đúng/);
    assert.match(wrong.body, /href="#code"/);
    assert.match(wrong.body, /value="0912345001"/);
    const verified = await b.post('/xac-thuc', { account: '0912345001', code });
    assert.equal(verified.statusCode, 303);
    assert.match(String(verified.headers.location), /^\/dang-nhap\?da-xac-thuc=1/);

    // Sign in (any usual spelling of the number), land on the profile.
    const notice = await b.get(String(verified.headers.location));
    assert.match(notice.body, /Tài khoản đã được xác thực/);
    const signedIn = await b.post('/dang-nhap', { account: '0912 345 001', password: 'hoa sen trong dam' });
    assert.equal(signedIn.statusCode, 303);
    assert.equal(signedIn.headers.location, '/tai-khoan');
    assert.ok(b.cookies.get(SESSION_COOKIE));

    const profilePage = await b.get('/tai-khoan');
    assert.equal(profilePage.statusCode, 200);
    assert.match(profilePage.body, /value="Trần Thị Bình"/);
    assert.match(profilePage.body, /value="0912345001"/);

    // Errors come back in one summary, each linking to its field, with everything typed kept.
    const otherProvinceCommune = haNoiCommunes[0]!.code;
    const bad = await b.post('/tai-khoan', {
      action: 'save',
      fullName: 'Trần Thị Bình',
      personalId: '037 190 012345',
      birthDay: '27',
      birthMonth: '3',
      birthYear: '1991',
      sex: 'female',
      provinceCode: '37',
      communeCode: otherProvinceCommune,
      addressLine: 'Số 12, đường Trần Hưng Đạo',
      phone: '0912 abc',
      email: 'binh@',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /<title>Lỗi: /);
    assert.match(bad.body, /class="error-summary"/);
    for (const field of ['personalId', 'communeCode', 'phone', 'email']) assert.match(bad.body, new RegExp(`href="#${field}"`), field);
    assert.match(bad.body, /không khớp với ngày sinh/);
    assert.match(bad.body, /value="037 190 012345"/);
    assert.match(bad.body, /value="0912 abc"/);
    assert.match(bad.body, /value="binh@"/);
    assert.match(bad.body, /value="Số 12, đường Trần Hưng Đạo"/);
    assert.match(bad.body, /value="1991"/);
    assert.match(bad.body, /<option value="37" selected/);
    assert.match(bad.body, /value="female" checked/);

    // "Chọn" reloads the communes of the chosen province without saving and without JavaScript.
    const communesShown = await b.post('/tai-khoan', { action: 'province', fullName: 'Trần Thị Bình', provinceCode: '37', phone: '0912 abc' });
    assert.equal(communesShown.statusCode, 200);
    assert.ok(communesShown.body.includes(`value="${ninhBinhCommunes[0]!.code}"`));
    assert.ok(!communesShown.body.includes(`value="${otherProvinceCommune}"`));
    assert.match(communesShown.body, /value="0912 abc"/);
    assert.doesNotMatch(communesShown.body, /class="error-summary"/);

    const commune = ninhBinhCommunes[0]!.code;
    const saved = await b.post('/tai-khoan', {
      action: 'save',
      fullName: 'Trần Thị Bình',
      personalId: '037 190 012345',
      birthDay: '27',
      birthMonth: '3',
      birthYear: '1990',
      sex: 'female',
      provinceCode: '37',
      communeCode: commune,
      addressLine: 'Số 12, đường Trần Hưng Đạo',
      phone: '+84912345001',
      email: 'Binh@Example.vn',
    });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, '/tai-khoan?da-luu=1');
    const shown = await b.get('/tai-khoan?da-luu=1');
    assert.match(shown.body, /Đã lưu thông tin của bạn/);
    assert.match(shown.body, /value="037190012345"/);

    const userId = (await createUsersService(database).getByUsername(await contactUsername(database.cipher, { kind: 'phone', value: '0912345001' }))).id;
    assert.deepEqual(await identity.profiles.get(userId), {
      userId,
      personalId: '037190012345',
      fullName: 'Trần Thị Bình',
      birthDate: '1990-03-27',
      sex: 'female',
      provinceCode: '37',
      communeCode: commune,
      addressLine: 'Số 12, đường Trần Hưng Đạo',
      phone: '0912345001',
      email: 'binh@example.vn',
      organisations: [],
      identityVerified: null,
    });

    // Organisations the citizen acts for.
    await b.get('/tai-khoan/to-chuc');
    const badOrg = await b.post('/tai-khoan/to-chuc', { taxCode: '01012345', organisationName: 'Công ty TNHH Sen Vàng', organisationAddress: '' });
    assert.equal(badOrg.statusCode, 400);
    assert.match(badOrg.body, /href="#taxCode"/);
    assert.match(badOrg.body, /href="#organisationAddress"/);
    assert.match(badOrg.body, /value="Công ty TNHH Sen Vàng"/);
    const added = await b.post('/tai-khoan/to-chuc', { taxCode: '0101234567-001', organisationName: 'Công ty TNHH Sen Vàng', organisationAddress: 'Hoa Lư, Ninh Bình' });
    assert.equal(added.statusCode, 303);
    await b.get('/tai-khoan/to-chuc?da-them=1');
    const duplicate = await b.post('/tai-khoan/to-chuc', { taxCode: '0101234567-001', organisationName: 'Khác', organisationAddress: 'Khác' });
    assert.equal(duplicate.statusCode, 409);
    assert.match(duplicate.body, /0101234567-001/);
    const organisations = await identity.profiles.organisations(userId);
    assert.equal(organisations.length, 1);
    assert.deepEqual(await identity.profiles.actingFor(userId, organisations[0]!.id), organisations[0]);
    await assert.rejects(identity.profiles.actingFor(adminCitizen.id, organisations[0]!.id), /ORGANISATION_NOT_FOUND/);

    // Sign out: the session ends and the profile asks for sign-in again.
    await b.get('/tai-khoan');
    const out = await b.post('/dang-xuat', {});
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/dang-nhap?da-dang-xuat=1');
    assert.equal(b.cookies.get(SESSION_COOKIE), undefined);
    const again = await b.get('/tai-khoan');
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, '/dang-nhap?next=%2Ftai-khoan');
  });

  test('does refuse a registration without consent and keep what was typed, except the password', async () => {
    const b = browser();
    const res = await b.submit('/dang-ky', '/dang-ky', { contact: 'moi@example.vn', fullName: 'Phạm Minh', password: 'short' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#consent"/);
    assert.match(res.body, /href="#password"/);
    assert.match(res.body, /value="moi@example.vn"/);
    assert.match(res.body, /value="Phạm Minh"/);
    assert.doesNotMatch(res.body, /value="short"/);
    assert.equal(await createUsersService(database).findByUsername('moi@example.vn'), null);
  });

  test('does answer a registration for a taken phone or e-mail like a new one, sending nothing', async () => {
    const before = await messagesTo('lan@example.vn');
    const b = browser();
    const res = await b.submit('/dang-ky', '/dang-ky', { contact: 'LAN@example.vn', fullName: 'Kẻ giả mạo', password: 'mot mat khau khac', consent: 'yes' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/xac-thuc?tai-khoan=lan%40example.vn');
    assert.equal(await messagesTo('lan@example.vn'), before);
    assert.equal((await createUsersService(database).getByUsername('lan@example.vn')).displayName, 'Nguyễn Thị Lan');
  });

  test('does stop accepting a code after five wrong attempts', async () => {
    const b = browser();
    await b.submit('/dang-ky', '/dang-ky', { contact: '0988000111', fullName: 'Đỗ Hà', password: 'mat khau cua ha', consent: 'yes' });
    const code = await mailboxCode(b, '0988000111');
    const wrong = code === '999999' ? '888888' : '999999';
    await b.get('/xac-thuc?tai-khoan=0988000111');
    for (let i = 0; i < 4; i++) assert.equal((await b.post('/xac-thuc', { account: '0988000111', code: wrong })).statusCode, 400);
    // The rate limit (5 a minute here) would stop a sixth post anyway; the attempt counter must stop it on its own.
    const fifth = await b.post('/xac-thuc', { account: '0988000111', code: wrong });
    assert.equal(fifth.statusCode, 400);
    const svc = await identity.accounts.verifyContact({ account: '0988000111', code }).then(
      () => 'accepted',
      (error: Error) => error.message,
    );
    assert.equal(svc, 'ONE_TIME_CODE_INVALID', 'the right code no longer works after five wrong ones');
  });

  test('does limit sign-in attempts per client address', async () => {
    const attacker = browser();
    await attacker.get('/dang-nhap');
    for (let i = 0; i < 5; i++) {
      const res = await attacker.post('/dang-nhap', { account: 'lan@example.vn', password: `doan-${i}-sai` });
      assert.equal(res.statusCode, 401, `attempt ${i + 1}`);
      assert.match(res.body, /SIGN_IN_FAILED|chưa đúng/);
      assert.match(res.body, /value="lan@example.vn"/);
    }
    const limited = await attacker.post('/dang-nhap', { account: 'lan@example.vn', password: 'Demo@2026' });
    assert.equal(limited.statusCode, 429);
    assert.match(limited.body, /RATE_LIMITED/);
    const someoneElse = await signIn(browser(), 'lan@example.vn', 'Demo@2026');
    assert.equal(someoneElse.statusCode, 303, 'another address is not affected');
  });

  test('does give the same answer for an unknown account and a wrong password', async () => {
    const unknown = await signIn(browser(), 'khong-co@example.vn', 'mat khau bat ky');
    const wrong = await signIn(browser(), 'lan@example.vn', 'mat khau bat ky');
    assert.equal(unknown.statusCode, 401);
    assert.equal(wrong.statusCode, 401);
    const message = (body: string) => /class="error-summary"[\s\S]*?<a href="#account">([^<]+)</.exec(body)?.[1];
    assert.ok(message(unknown.body));
    assert.equal(message(unknown.body), message(wrong.body));
  });

  test('does reset a forgotten password with a code and end every session of the account', async () => {
    const owner = browser();
    assert.equal((await signIn(owner, 'lan@example.vn', 'Demo@2026')).statusCode, 303);
    assert.equal((await owner.get('/tai-khoan')).statusCode, 200);

    const b = browser();
    const requested = await b.submit('/quen-mat-khau', '/quen-mat-khau', { account: 'Lan@Example.vn' });
    assert.equal(requested.statusCode, 303);
    assert.equal(requested.headers.location, '/quen-mat-khau/dat-lai?tai-khoan=lan%40example.vn');
    const code = await mailboxCode(b, 'lan@example.vn');

    await b.get(String(requested.headers.location));
    const wrong = await b.post('/quen-mat-khau/dat-lai', { account: 'lan@example.vn', code: code === '123123' ? '321321' : '123123', password: 'mat khau moi cua lan' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /href="#code"/);
    const weak = await b.post('/quen-mat-khau/dat-lai', { account: 'lan@example.vn', code, password: 'ngan' });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /href="#password"/);
    const reset = await b.post('/quen-mat-khau/dat-lai', { account: 'lan@example.vn', code, password: 'mat khau moi cua lan' });
    assert.equal(reset.statusCode, 303);
    assert.match(String(reset.headers.location), /^\/dang-nhap\?da-doi-mat-khau=1/);

    assert.equal((await owner.get('/tai-khoan')).statusCode, 303, 'the earlier session has ended');
    assert.equal((await signIn(browser(), 'lan@example.vn', 'Demo@2026')).statusCode, 401);
    assert.equal((await signIn(browser(), 'lan@example.vn', 'mat khau moi cua lan')).statusCode, 303);
    const [latest] = (await notifications.latest(20)).filter((m) => m.recipient === 'lan@example.vn');
    assert.equal(latest?.template, 'identity.message.passwordChanged');
    // The code is used up.
    assert.equal((await b.post('/quen-mat-khau/dat-lai', { account: 'lan@example.vn', code, password: 'lan thu ba nua' })).statusCode, 400);
  });

  test('does answer recovery for an unknown account like a known one, sending nothing', async () => {
    const before = (await notifications.latest(500)).length;
    const res = await browser().submit('/quen-mat-khau', '/quen-mat-khau', { account: '0977000999' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/quen-mat-khau/dat-lai?tai-khoan=0977000999');
    assert.equal((await notifications.latest(500)).length, before);
    const officerRecovery = await browser().submit('/quen-mat-khau', '/quen-mat-khau', { account: 'test.admin' });
    assert.equal(officerRecovery.statusCode, 400, 'an officer login is not a phone or e-mail');
  });

  test('does sign officers in on the same page and follow only local next addresses', async () => {
    const b = browser();
    // First sign-in: the officer enrols an authenticator; the recovery-codes page then continues to `next`.
    const res = await signInOfficer(b, 'TEST.ADMIN', 'Officer@2026', '/thu-tuc?q=khai+sinh');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /href="\/thu-tuc\?q=khai\+sinh"/);
    const account = await b.get('/tai-khoan');
    assert.equal(account.statusCode, 200);
    assert.match(account.body, /Quản trị thử/);
    assert.doesNotMatch(account.body, /id="personalId"/);
    await assert.rejects(
      identity.profiles.update({ id: officer.id, kind: 'officer', displayName: 'x', agencyId: null, roles: ['system_admin'] }, {} as never),
      /PROFILE_NOT_AVAILABLE/,
    );

    for (const evil of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const other = browser();
      const r = await signInOfficer(other, 'test.admin', 'Officer@2026', evil);
      assert.equal(r.statusCode, 303);
      assert.equal(r.headers.location, '/', evil);
    }
  });

  test('does ask for sign-in, keeping the page, when a profile page is opened anonymously', async () => {
    const res = await browser().get('/tai-khoan/to-chuc');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/dang-nhap?next=%2Ftai-khoan%2Fto-chuc');
  });

  test('does refuse a sign-in form posted without its CSRF token', async () => {
    const b = browser();
    await b.get('/dang-nhap');
    const res = await b.post('/dang-nhap', { account: 'lan@example.vn', password: 'x' }, { csrf: null });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /CSRF_TOKEN_INVALID/);
  });
});

describe('national identity seam', () => {
  test('does show the VNeID button only when a provider is configured, and start its redirect', async () => {
    assert.doesNotMatch((await browser().get('/dang-nhap')).body, /VNeID/);
    const provider: IdentityProvider = {
      id: 'vneid',
      async authorizationUrl({ state, nonce, redirectUri }) {
        const url = new URL('https://vneid.example/authorize');
        url.searchParams.set('state', state);
        url.searchParams.set('nonce', nonce);
        url.searchParams.set('redirect_uri', redirectUri);
        return url;
      },
      async handleCallback() {
        throw new Error('not used');
      },
      async endSessionUrl() {
        return null;
      },
    };
    const withProvider = await buildApp({ provider });
    try {
      const b = browser(withProvider);
      const page = await b.get('/dang-nhap?next=/tai-khoan');
      assert.match(page.body, /href="\/dang-nhap\/vneid\?next=%2Ftai-khoan"/);
      const start = await b.get('/dang-nhap/vneid?next=/tai-khoan');
      assert.equal(start.statusCode, 303);
      const location = new URL(String(start.headers.location));
      assert.equal(location.host, 'vneid.example');
      assert.ok((location.searchParams.get('state') ?? '').length >= 32);
      assert.match(location.searchParams.get('redirect_uri') ?? '', /\/dang-nhap\/vneid\/callback$/);
      assert.ok(b.cookies.get('motcua_oidc'), 'state kept for the callback');
    } finally {
      await withProvider.close();
    }
  });
});

describe('one-time codes over time', () => {
  test('does expire a code after five minutes and throttle new ones', async () => {
    let clock = new Date('2026-11-23T09:00:00Z');
    const timed = createIdentityServices(database, { notifications, secret, hashParams, now: () => clock });
    const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));
    const codeFor = async (recipient: string) => {
      const [m] = (await notifications.latest(50)).filter((x) => x.recipient === recipient);
      return /\b(\d{6})\b/.exec(m?.body ?? '')?.[1] ?? '';
    };

    await timed.accounts.register({ contact: 'thoigian@example.vn', fullName: 'Vũ Thời', password: 'mat khau thoi gian', consent: true, locale: 'vi', ip: null });
    const first = await codeFor('thoigian@example.vn');
    advance(5 * 60 + 1);
    await assert.rejects(timed.accounts.verifyContact({ account: 'thoigian@example.vn', code: first }), /ONE_TIME_CODE_INVALID/);

    // A new code at most once a minute.
    const count = () => messagesTo('thoigian@example.vn');
    const sent = await count();
    await timed.accounts.resendVerification({ account: 'thoigian@example.vn', locale: 'vi' });
    assert.equal(await count(), sent + 1);
    await timed.accounts.resendVerification({ account: 'thoigian@example.vn', locale: 'vi' });
    assert.equal(await count(), sent + 1, 'throttled within the minute');
    const second = await codeFor('thoigian@example.vn');
    advance(61);
    await timed.accounts.resendVerification({ account: 'thoigian@example.vn', locale: 'vi' });
    assert.equal(await count(), sent + 2);
    const third = await codeFor('thoigian@example.vn');
    if (second !== third) {
      await assert.rejects(timed.accounts.verifyContact({ account: 'thoigian@example.vn', code: second }), /ONE_TIME_CODE_INVALID/, 'only the newest code works');
    }

    // At most five in an hour (the first was sent 6 minutes ago).
    for (let i = 0; i < 4; i++) {
      advance(61);
      await timed.accounts.resendVerification({ account: 'thoigian@example.vn', locale: 'vi' });
    }
    assert.equal(await count(), sent + 4, 'the fifth code of the hour was the last');
    const newest = await codeFor('thoigian@example.vn');
    await timed.accounts.verifyContact({ account: 'thoigian@example.vn', code: newest });
    const outcome = await timed.accounts.signIn({ account: 'thoigian@example.vn', password: 'mat khau thoi gian', locale: 'vi' });
    assert.equal(outcome.status, 'signedIn');
  });

  test('does store codes only as an HMAC', async () => {
    const rows = await database.db.selectFrom('one_time_code').select(['code_hash']).execute();
    assert.ok(rows.length > 0);
    for (const row of rows) assert.match(row.code_hash, /^[0-9a-f]{64}$/);
  });
});
