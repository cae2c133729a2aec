import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { createServer } from '../../platform/http/server.js';
import { SessionManager } from '../../platform/http/session.js';
import { createUsersService } from '../admin/index.js';
import { createNotificationService } from '../notifications/index.js';
import { createIdentityServices, csrfPlugin, identityRoutes, lockSeconds, sessionPlugin, type IdentityServices } from './index.js';
import { nextTotpCode, secondFactorPath, signInCitizen, signInOfficer, TestBrowser, totpEnrolmentPath, totpSecretFor } from './testing.js';
import { matchTotp, totpCodeAt, totpStep } from './totp.js';

/** Officers' second factor, the account lockout and "my sessions", through the pages (app.inject). */
const hashParams = { N: 1024, r: 8, p: 1 };
const secret = 'security-test-secret-0123456789-abcdef';

let database: Database;
let identity: IdentityServices;
let app: FastifyInstance;
let nextIp = 1;

function browser(target: FastifyInstance = app): TestBrowser {
  nextIp += 1;
  return new TestBrowser(target, `10.8.0.${nextIp}`);
}

async function buildApp(services: IdentityServices): Promise<FastifyInstance> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const server = await createServer({ config, database, portal: { agencyCode: 'T', agencyName: 'Cổng thử nghiệm' } });
  await server.register(sessionPlugin, {
    store: services.sessionStore,
    idleTimeoutSeconds: 1800,
    idleTimeoutSecondsByKind: { officer: 900 },
    absoluteTimeoutSeconds: 12 * 3600,
    secure: false,
  });
  await server.register(csrfPlugin, { secure: false });
  await server.register(identityRoutes, { ...services, baseUrl: config.baseUrl, authRateLimit: 100 });
  return server;
}

before(async () => {
  database = await openTestDatabase();
  identity = createIdentityServices(database, { notifications: createNotificationService(database), secret, hashParams });
  const users = createUsersService(database, { hashParams });
  for (const username of ['sec.one', 'sec.two', 'sec.three', 'sec.four']) {
    await users.create({ kind: 'officer', username, displayName: `Cán bộ ${username}`, password: 'Officer@2026', roles: ['system_admin'] });
  }
  await users.create({ kind: 'citizen', username: 'hoa@example.vn', displayName: 'Phan Thị Hoa', password: 'Demo@2026' });
  app = await buildApp(identity);
});

after(async () => {
  await app?.close();
  await database?.close();
});

describe('TOTP', () => {
  test('does accept a code of the step before, now and after, and no step twice', () => {
    const s = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const at = new Date('2026-11-24T01:00:10Z');
    const now = totpStep(at);
    assert.equal(matchTotp(s, totpCodeAt(s, now), at, null), now);
    assert.equal(matchTotp(s, totpCodeAt(s, now - 1), at, null), now - 1);
    assert.equal(matchTotp(s, totpCodeAt(s, now + 1), at, null), now + 1);
    assert.equal(matchTotp(s, totpCodeAt(s, now - 2), at, null), null, 'too old');
    assert.equal(matchTotp(s, totpCodeAt(s, now), at, now), null, 'already used');
    assert.equal(matchTotp(s, 'abcdef', at, null), null);
    // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits) — its last six.
    assert.equal(totpCodeAt('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1), '287082');
  });

  test('does lock longer after each further failure (backoff)', () => {
    const policy = { threshold: 5, baseSeconds: 30, maxSeconds: 3600 };
    assert.deepEqual([4, 5, 6, 7, 8, 12, 30].map((n) => lockSeconds(n, policy)), [0, 0, 30, 60, 120, 1920, 3600]);
  });
});

describe("officers' second factor", () => {
  test('does make an officer enrol an authenticator before any session exists, then ask for a code', async () => {
    const b = browser();
    await b.get('/dang-nhap');
    const res = await b.post('/dang-nhap', { account: 'sec.one', password: 'Officer@2026' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, totpEnrolmentPath);
    assert.equal((await b.get('/tai-khoan')).statusCode, 303, 'no session before the second factor');
    const page = await b.get(totpEnrolmentPath);
    assert.match(page.body, /<svg/, 'a QR code');
    assert.match(page.body, /otpauth:\/\/totp\//);
    const wrong = await b.post(totpEnrolmentPath, { code: '000000' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /SECOND_FACTOR_INVALID|không đúng/);

    // The helper reads the secret from the page, enrols, and shows the recovery codes once.
    const enrolled = await signInOfficer(browser(), 'sec.one', 'Officer@2026');
    assert.equal(enrolled.statusCode, 200);
    const codes = [...enrolled.body.matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g)].map((m) => m[1]!);
    assert.equal(codes.length, 10);
    assert.equal((await identity.secondFactor!.recoveryCodesLeft((await createUsersService(database).getByUsername('sec.one')).id)), 10);

    // Next sign-in: password, then the code.
    const c = browser();
    await c.get('/dang-nhap');
    const step = await c.post('/dang-nhap', { account: 'sec.one', password: 'Officer@2026' });
    assert.equal(step.headers.location, secondFactorPath);
    await c.get(secondFactorPath);
    const bad = await c.post(secondFactorPath, { code: '123456' });
    assert.equal(bad.statusCode, 400);
    const ok = await c.post(secondFactorPath, { code: await nextTotpCode('sec.one') });
    assert.equal(ok.statusCode, 303);
    assert.equal((await c.get('/tai-khoan')).statusCode, 200);

    // A recovery code works once.
    const d = browser();
    await d.get('/dang-nhap');
    await d.post('/dang-nhap', { account: 'sec.one', password: 'Officer@2026' });
    await d.get(secondFactorPath);
    assert.equal((await d.post(secondFactorPath, { code: codes[0]!.toUpperCase() })).statusCode, 303);
    const e = browser();
    await e.get('/dang-nhap');
    await e.post('/dang-nhap', { account: 'sec.one', password: 'Officer@2026' });
    await e.get(secondFactorPath);
    assert.equal((await e.post(secondFactorPath, { code: codes[0]! })).statusCode, 400, 'a spent recovery code');

    // The account page counts what is left, and new codes replace the old ones.
    const account = await d.get('/tai-khoan');
    assert.match(account.body, /Còn 9 mã khôi phục/);
    const renewed = await d.post('/tai-khoan/ma-khoi-phuc', {});
    assert.equal(renewed.statusCode, 200);
    const fresh = [...renewed.body.matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g)].map((m) => m[1]!);
    assert.equal(fresh.length, 10);
    const f = browser();
    await f.get('/dang-nhap');
    await f.post('/dang-nhap', { account: 'sec.one', password: 'Officer@2026' });
    await f.get(secondFactorPath);
    assert.equal((await f.post(secondFactorPath, { code: codes[1]! })).statusCode, 400, 'an old code no longer works');
    assert.equal((await f.post(secondFactorPath, { code: fresh[0]! })).statusCode, 303);
  });

  test('does refuse a TOTP code already used, even within its 30 seconds', async () => {
    await signInOfficer(browser(), 'sec.two', 'Officer@2026');
    const user = await createUsersService(database).getByUsername('sec.two');
    const row = await database.db.selectFrom('totp_authenticator').select('last_used_step').where('user_id', '=', user.id).executeTakeFirstOrThrow();
    const used = totpCodeAt(totpSecretFor('sec.two'), Number(row.last_used_step));
    const b = browser();
    await b.get('/dang-nhap');
    await b.post('/dang-nhap', { account: 'sec.two', password: 'Officer@2026' });
    await b.get(secondFactorPath);
    assert.equal((await b.post(secondFactorPath, { code: used })).statusCode, 400);
  });

  test('does not reach the code step without the password step (no pending sign-in)', async () => {
    const b = browser();
    const res = await b.post(secondFactorPath, { code: '123456' }, { csrf: null });
    assert.equal(res.statusCode, 403, 'CSRF first');
    await b.get('/dang-nhap');
    const direct = await b.post(secondFactorPath, { code: '123456' });
    assert.equal(direct.statusCode, 303);
    assert.equal(direct.headers.location, '/dang-nhap');
  });

  test('does let officers in with the password alone when the second factor is off (development)', async () => {
    const relaxed = createIdentityServices(database, { notifications: createNotificationService(database), secret, hashParams, officerSecondFactor: false });
    const devApp = await buildApp(relaxed);
    try {
      const b = browser(devApp);
      await b.get('/dang-nhap');
      const res = await b.post('/dang-nhap', { account: 'sec.four', password: 'Officer@2026' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/');
      assert.equal((await b.get('/tai-khoan')).statusCode, 200);
    } finally {
      await devApp.close();
    }
  });
});

describe('account lockout', () => {
  test('does lock an account after repeated failures from any address, even for the right password, and say for how long', async () => {
    for (let i = 0; i < 5; i++) {
      const b = browser(); // a new address each time: the per-address limit does not apply, the per-account one does
      await b.get('/dang-nhap');
      assert.equal((await b.post('/dang-nhap', { account: 'hoa@example.vn', password: `sai-${i}-mat-khau` })).statusCode, 401);
    }
    const sixth = browser();
    await sixth.get('/dang-nhap');
    const locked = await sixth.post('/dang-nhap', { account: 'hoa@example.vn', password: 'sai-6-mat-khau' });
    assert.equal(locked.statusCode, 429);
    assert.match(locked.body, /ACCOUNT_LOCKED|tạm bị khoá/);
    const right = browser();
    await right.get('/dang-nhap');
    assert.equal((await right.post('/dang-nhap', { account: 'hoa@example.vn', password: 'Demo@2026' })).statusCode, 429, 'locked even with the right password');
    const user = await createUsersService(database).getByUsername('hoa@example.vn');
    const row = await database.db.selectFrom('sign_in_failure').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    assert.equal(row.failures, 6);
    const seconds = (new Date(row.locked_until!).getTime() - new Date(row.last_failed_at).getTime()) / 1000;
    assert.equal(seconds, 30);

    // When the lock is over, the right password signs in and the count is forgotten.
    await database.db.updateTable('sign_in_failure').set({ locked_until: new Date(Date.now() - 1000) }).where('user_id', '=', user.id).execute();
    await signInCitizen(browser(), 'hoa@example.vn', 'Demo@2026');
    assert.equal(await database.db.selectFrom('sign_in_failure').selectAll().where('user_id', '=', user.id).executeTakeFirst(), undefined);
  });

  test('does count wrong second-factor codes towards the lock', async () => {
    await signInOfficer(browser(), 'sec.three', 'Officer@2026');
    const b = browser();
    await b.get('/dang-nhap');
    await b.post('/dang-nhap', { account: 'sec.three', password: 'Officer@2026' });
    await b.get(secondFactorPath);
    let last = 0;
    for (let i = 0; i < 6; i++) last = (await b.post(secondFactorPath, { code: String(100000 + i) })).statusCode;
    assert.equal(last, 429);
    const right = await b.post(secondFactorPath, { code: await nextTotpCode('sec.three') });
    assert.equal(right.statusCode, 429, 'locked: even the right code waits');
  });
});

describe('my sessions', () => {
  test('does list the devices signed in and end another one, never someone else’s', async () => {
    const phone = new TestBrowser(app, '10.9.9.1');
    const laptop = new TestBrowser(app, '10.9.9.2');
    const user = await createUsersService(database, { hashParams }).create({ kind: 'citizen', username: 'sess@example.vn', displayName: 'Ngô Văn Sơn', password: 'Demo@2026' });
    await signInCitizen(phone, 'sess@example.vn', 'Demo@2026');
    await signInCitizen(laptop, 'sess@example.vn', 'Demo@2026');
    const page = await laptop.get('/tai-khoan/phien-dang-nhap');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /10\.9\.9\.1/);
    assert.match(page.body, /10\.9\.9\.2/);
    assert.match(page.body, /Thiết bị này/);
    const ids = [...page.body.matchAll(/action="\/tai-khoan\/phien-dang-nhap\/([0-9a-f]{64})\/ket-thuc"/g)].map((m) => m[1]!);
    assert.equal(ids.length, 1, 'only the other session has an end button');

    // Someone else cannot end it.
    const stranger = browser();
    await signInCitizen(stranger, 'hoa@example.vn', 'Demo@2026');
    await stranger.get('/tai-khoan/phien-dang-nhap');
    assert.equal((await stranger.post(`/tai-khoan/phien-dang-nhap/${ids[0]}/ket-thuc`, {})).statusCode, 404);
    assert.equal((await phone.get('/tai-khoan')).statusCode, 200);

    const ended = await laptop.post(`/tai-khoan/phien-dang-nhap/${ids[0]}/ket-thuc`, {});
    assert.equal(ended.statusCode, 303);
    assert.equal((await phone.get('/tai-khoan')).statusCode, 303, 'the phone is signed out');
    assert.equal((await laptop.get('/tai-khoan')).statusCode, 200);
    assert.equal((await identity.sessions.list({ id: user.id, kind: 'citizen', displayName: '', agencyId: null, roles: [] })).length, 1);
  });

  test("does end an officer's idle session sooner than a citizen's", async () => {
    let clock = new Date('2026-11-24T08:00:00Z');
    const manager = new SessionManager(identity.sessionStore, {
      idleTimeoutSeconds: 1800,
      idleTimeoutSecondsByKind: { officer: 900 },
      absoluteTimeoutSeconds: 43200,
      touchIntervalSeconds: 0,
      now: () => clock,
    });
    const officer = await createUsersService(database).getByUsername('sec.four');
    const citizen = await createUsersService(database).getByUsername('hoa@example.vn');
    const o = await manager.start(officer.id);
    const c = await manager.start(citizen.id);
    clock = new Date(clock.getTime() + 16 * 60_000);
    assert.equal(await manager.resolve(o.token), null, 'officer: 15 minutes');
    assert.ok(await manager.resolve(c.token), 'citizen: 30 minutes');
  });
});
