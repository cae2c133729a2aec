import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { createServer } from '../../platform/http/server.js';
import { createUsersService } from '../admin/index.js';
import { createNotificationService } from '../notifications/index.js';
import { createIdentityServices, csrfPlugin, identityRoutes, sessionPlugin, type IdentityServices } from './index.js';
import { SoftAuthenticator } from './soft-authenticator.js';
import { nextTotpCode, secondFactorPath, signInCitizen, signInOfficer, TestBrowser } from './testing.js';

/** Officers' security keys through the pages (app.inject), with a software authenticator playing the browser. */
const hashParams = { N: 1024, r: 8, p: 1 };
const secret = 'security-keys-http-secret-0123456789-ab';
const origin = 'http://localhost:3000';
const password = 'Officer@2026';

let database: Database;
let identity: IdentityServices;
let app: FastifyInstance;
let nextIp = 1;

function browser(): TestBrowser {
  nextIp += 1;
  return new TestBrowser(app, `10.9.0.${nextIp}`);
}

/** The ceremony options the page hands its script (the `data-webauthn-options` attribute). */
function optionsIn<T>(html: string, mode: 'create' | 'get'): T {
  const raw = new RegExp(`data-webauthn="${mode}" data-webauthn-options="([^"]+)"`).exec(html)?.[1];
  assert.ok(raw, `the page offers a security key (${mode})`);
  return JSON.parse(raw.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')) as T;
}

/** Password, then the second-factor page; returns it. */
async function passwordStep(b: TestBrowser, username: string) {
  await b.get('/dang-nhap');
  const res = await b.post('/dang-nhap', { account: username, password });
  assert.equal(res.headers.location, secondFactorPath);
  return b.get(secondFactorPath);
}

before(async () => {
  database = await openTestDatabase();
  identity = createIdentityServices(database, {
    notifications: createNotificationService(database),
    secret,
    hashParams,
    securityKeys: { rpId: 'localhost', origin, rpName: 'Cổng thử nghiệm' },
  });
  const users = createUsersService(database, { hashParams });
  for (const username of ['webauthn.one', 'webauthn.two']) {
    await users.create({ kind: 'officer', username, displayName: `Cán bộ ${username}`, password, roles: ['system_admin'] });
  }
  await users.create({ kind: 'citizen', username: 'mai@example.vn', displayName: 'Lê Thị Mai', password: 'Demo@2026' });
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  app = await createServer({ config, database, portal: { agencyCode: 'T', agencyName: 'Cổng thử nghiệm' } });
  await app.register(sessionPlugin, { store: identity.sessionStore, idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 12 * 3600, secure: false });
  await app.register(csrfPlugin, { secure: false });
  await app.register(identityRoutes, { ...identity, baseUrl: config.baseUrl, authRateLimit: 100, officerHome: '/can-bo' });
});

after(async () => {
  await app?.close();
  await database?.close();
});

describe('security keys over HTTP', () => {
  const authenticator = new SoftAuthenticator({ origin });

  test('does let an officer add a key, sign in with it instead of a code, and see when it was used', async () => {
    const b = browser();
    await signInOfficer(b, 'webauthn.one', password);
    const account = await b.get('/tai-khoan');
    assert.match(account.body, /href="\/tai-khoan\/khoa-bao-mat"/);
    const page = await b.get('/tai-khoan/khoa-bao-mat');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<script src="\/assets\/security-keys.js" defer/);
    assert.match(page.body, /data-webauthn-unsupported/, 'a browser without WebAuthn is told it keeps the code');
    const options = optionsIn<PublicKeyCredentialCreationOptionsJSON>(page.body, 'create');
    assert.equal(options.rp.id, 'localhost');

    // No name: the form says so, nothing is stored.
    const unnamed = await b.post('/tai-khoan/khoa-bao-mat', { name: '', response: JSON.stringify(authenticator.create(options)) });
    assert.equal(unnamed.statusCode, 400);
    assert.match(unnamed.body, /error-summary/);
    assert.match(unnamed.body, /href="#name">Nhập tên khóa/);

    const fresh = optionsIn<PublicKeyCredentialCreationOptionsJSON>(unnamed.body, 'create');
    const added = await b.post('/tai-khoan/khoa-bao-mat', { name: 'Khóa USB xanh', response: JSON.stringify(authenticator.create(fresh)) });
    assert.equal(added.statusCode, 303);
    assert.equal(added.headers.location, '/tai-khoan/khoa-bao-mat?da-them=1');
    const listed = await b.get('/tai-khoan/khoa-bao-mat?da-them=1');
    assert.match(listed.body, /Đã thêm khóa bảo mật/);
    assert.match(listed.body, /<td>Khóa USB xanh<\/td>/);
    assert.match(listed.body, /<td>Chưa dùng<\/td>/);

    // Next sign-in: the second step offers the key beside the code.
    const c = browser();
    const step = await passwordStep(c, 'webauthn.one');
    assert.match(step.body, /name="code"/, 'the code stays possible');
    const request = optionsIn<PublicKeyCredentialRequestOptionsJSON>(step.body, 'get');
    assert.deepEqual(request.allowCredentials?.map((k) => k.id), [authenticator.id]);
    const signedIn = await c.post('/dang-nhap/khoa-bao-mat', { response: JSON.stringify(authenticator.get(request)) });
    assert.equal(signedIn.statusCode, 303);
    assert.equal(signedIn.headers.location, '/can-bo');
    const used = await c.get('/tai-khoan/khoa-bao-mat');
    assert.equal(used.statusCode, 200, 'signed in');
    assert.doesNotMatch(used.body, /<td>Chưa dùng<\/td>/);
  });

  test('does refuse a key answer for another origin, or replayed, on the sign-in page with an error summary', async () => {
    const c = browser();
    const step = await passwordStep(c, 'webauthn.one');
    const request = optionsIn<PublicKeyCredentialRequestOptionsJSON>(step.body, 'get');
    const phished = await c.post('/dang-nhap/khoa-bao-mat', { response: JSON.stringify(authenticator.get(request, { origin: 'https://dichvucong-gia.example' })) });
    assert.equal(phished.statusCode, 400);
    assert.match(phished.body, /error-summary/);
    assert.match(phished.body, /href="#security-key"/);
    assert.equal((await c.get('/tai-khoan')).statusCode, 303, 'still not signed in');

    const again = optionsIn<PublicKeyCredentialRequestOptionsJSON>(phished.body, 'get');
    const answer = JSON.stringify(authenticator.get(again));
    assert.equal((await c.post('/dang-nhap/khoa-bao-mat', { response: answer })).statusCode, 303);
    const d = browser();
    await passwordStep(d, 'webauthn.one');
    assert.equal((await d.post('/dang-nhap/khoa-bao-mat', { response: answer })).statusCode, 400, 'a replayed answer');
    assert.equal((await browser().post('/dang-nhap/khoa-bao-mat', { response: answer }, { csrf: null })).statusCode, 403, 'no CSRF token');
    const noPassword = browser();
    await noPassword.get('/dang-nhap');
    const restart = await noPassword.post('/dang-nhap/khoa-bao-mat', { response: answer });
    assert.equal(restart.headers.location, '/dang-nhap', 'no password step: start again');
    await identity.lockout.recordSuccess((await createUsersService(database).getByUsername('webauthn.one')).id);
  });

  test('does remove a key only with a fresh code, and offers no key to an officer without one', async () => {
    const b = browser();
    await signInOfficer(b, 'webauthn.one', password);
    const page = await b.get('/tai-khoan/khoa-bao-mat');
    const href = /href="(\/tai-khoan\/khoa-bao-mat\/\d+\/xoa)"/.exec(page.body)?.[1];
    assert.ok(href);
    const confirm = await b.get(href);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Gỡ khóa bảo mật “Khóa USB xanh”/);
    const wrong = await b.post(href, { code: '000000' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /href="#code"/);
    const removed = await b.post(href, { code: await nextTotpCode('webauthn.one') });
    assert.equal(removed.statusCode, 303);
    assert.equal(removed.headers.location, '/tai-khoan/khoa-bao-mat?da-xoa=1');
    assert.match((await b.get('/tai-khoan/khoa-bao-mat?da-xoa=1')).body, /Bạn chưa đăng ký khóa bảo mật nào/);
    assert.equal((await b.get(href)).statusCode, 404);

    const step = await passwordStep(browser(), 'webauthn.one');
    assert.doesNotMatch(step.body, /data-webauthn/, 'no key left: only the code');

    // Another officer cannot open or remove someone else's key.
    const other = browser();
    await signInOfficer(other, 'webauthn.two', password);
    const mine = await other.get('/tai-khoan/khoa-bao-mat');
    const key = new SoftAuthenticator({ origin });
    await other.post('/tai-khoan/khoa-bao-mat', { name: 'Máy tính', response: JSON.stringify(key.create(optionsIn(mine.body, 'create'))) });
    const otherHref = /href="(\/tai-khoan\/khoa-bao-mat\/\d+\/xoa)"/.exec((await other.get('/tai-khoan/khoa-bao-mat')).body)?.[1];
    assert.ok(otherHref);
    assert.equal((await b.get(otherHref)).statusCode, 404);
    await b.get('/tai-khoan/khoa-bao-mat');
    assert.equal((await b.post(otherHref, { code: await nextTotpCode('webauthn.one') })).statusCode, 404);
  });

  test('does keep citizens and visitors out, and serve the script under the CSP', async () => {
    const citizen = browser();
    await signInCitizen(citizen, 'mai@example.vn', 'Demo@2026');
    assert.equal((await citizen.get('/tai-khoan/khoa-bao-mat')).statusCode, 404);
    const visitor = await browser().get('/tai-khoan/khoa-bao-mat');
    assert.equal(visitor.statusCode, 303);
    assert.match(String(visitor.headers.location), /^\/dang-nhap\?next=/);
    const script = await browser().get('/assets/security-keys.js');
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers['content-type']), /javascript/);
    assert.match(String(script.headers['content-security-policy']), /script-src 'self'/);
  });
});
