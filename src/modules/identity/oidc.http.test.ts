import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { createServer } from '../../platform/http/server.js';
import { createUsersService } from '../admin/index.js';
import { createNotificationService, type NotificationService } from '../notifications/index.js';
import {
  createIdentityServices,
  csrfPlugin,
  identityRoutes,
  OidcIdentityProvider,
  postLogoutPath,
  sessionPlugin,
  startVneidSandbox,
  type IdentityServices,
  type RunningSandbox,
} from './index.js';
import { signInCitizen, signInOfficer, TestBrowser } from './testing.js';
import { sandboxCitizenPassword } from './vneid-sandbox.js';

/**
 * Sign-in with VNeID against the local OpenID provider (the sandbox, a real oidc-provider on 127.0.0.1): the portal
 * runs through app.inject(), the provider over HTTP, and a small cookie jar plays the browser at the provider.
 */
const hashParams = { N: 1024, r: 8, p: 1 };
const secret = 'oidc-test-secret-0123456789-abcdef-xyz';
const baseUrl = 'http://portal.test';
const redirectUri = `${baseUrl}/dang-nhap/vneid/callback`;

let database: Database;
let notifications: NotificationService;
let identity: IdentityServices;
let sandbox: RunningSandbox;
let app: FastifyInstance;
let nextIp = 1;

function browser(): TestBrowser {
  nextIp += 1;
  return new TestBrowser(app, `10.7.0.${nextIp}`);
}

/** The browser's side at the provider: cookies per host, redirects followed by hand. */
class ProviderJar {
  readonly cookies = new Map<string, string>();
  async fetch(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

/**
 * From the portal's redirect to the provider until the provider sends the browser back to the portal: signs in
 * at the provider with `personalId` when it asks. Returns the callback path (with its query) on the portal.
 */
async function throughProvider(jar: ProviderJar, authorizeUrl: string, personalId: string, password = sandboxCitizenPassword): Promise<{ callback: string; askedToSignIn: boolean }> {
  let url = authorizeUrl;
  let askedToSignIn = false;
  for (let hops = 0; hops < 10; hops++) {
    if (url.startsWith(baseUrl)) return { callback: url.slice(baseUrl.length), askedToSignIn };
    const res = await jar.fetch(url);
    if (res.status === 200 && /\/interaction\//.test(url)) {
      askedToSignIn = true;
      await res.text();
      const login = await jar.fetch(`${url}/login`, { method: 'POST', form: { personalId, password } });
      assert.equal(login.status, 303, `the provider accepts ${personalId}: ${login.status} ${await login.clone().text()}`);
      url = new URL(login.headers.get('location')!, url).toString();
      continue;
    }
    assert.ok(res.status >= 300 && res.status < 400, `a redirect from ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    url = new URL(res.headers.get('location')!, url).toString();
  }
  throw new Error('too many redirects');
}

/** Starts sign-in (or linking) at the portal, passes the provider, and returns the portal's answer to the callback. */
async function signInWithVneid(b: TestBrowser, jar: ProviderJar, personalId: string, start = '/dang-nhap/vneid') {
  const started = await b.get(start);
  assert.equal(started.statusCode, 303);
  const location = String(started.headers.location);
  assert.ok(location.startsWith(sandbox.issuer), `to the provider: ${location}`);
  const authorize = new URL(location);
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256', 'PKCE');
  assert.ok(authorize.searchParams.get('nonce'));
  const { callback, askedToSignIn } = await throughProvider(jar, location, personalId);
  return { res: await b.get(callback), callback, askedToSignIn };
}

before(async () => {
  database = await openTestDatabase();
  notifications = createNotificationService(database);
  identity = createIdentityServices(database, { notifications, secret, hashParams });
  await createUsersService(database, { hashParams }).create({ kind: 'citizen', username: 'mai@example.vn', displayName: 'Đỗ Thị Mai', password: 'Demo@2026' });
  await createUsersService(database, { hashParams }).create({ kind: 'citizen', username: 'khoa@example.vn', displayName: 'Vũ Đình Khoa', password: 'Demo@2026' });
  sandbox = await startVneidSandbox({
    port: 0,
    clients: [{ clientId: 'motcua-test', clientSecret: 'sandbox-client-secret', redirectUris: [redirectUri], postLogoutRedirectUris: [`${baseUrl}${postLogoutPath}`] }],
  });
  const config = loadConfig({ LOG_LEVEL: 'silent', BASE_URL: baseUrl });
  app = await createServer({ config, database, portal: { agencyCode: 'T', agencyName: 'Cổng thử nghiệm' } });
  await app.register(sessionPlugin, { store: identity.sessionStore, idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 12 * 3600, secure: false });
  await app.register(csrfPlugin, { secure: false });
  await app.register(identityRoutes, {
    ...identity,
    identityProvider: new OidcIdentityProvider({ issuer: sandbox.issuer, clientId: 'motcua-test', clientSecret: 'sandbox-client-secret' }),
    baseUrl,
    authRateLimit: 50,
  });
});

after(async () => {
  await app?.close();
  await sandbox?.close();
  await database?.close();
});

describe('sign-in with VNeID (local OpenID provider)', () => {
  test('does show the button and create an account for a new person only after consent, with verified claims', async () => {
    const b = browser();
    assert.match((await b.get('/dang-nhap')).body, /href="\/dang-nhap\/vneid"[^>]*>\s*Đăng nhập bằng VNeID/);
    const jar = new ProviderJar();
    const { res, askedToSignIn } = await signInWithVneid(b, jar, '001085012345');
    assert.ok(askedToSignIn);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/dang-nhap/vneid/tao-tai-khoan');
    const page = await b.get('/dang-nhap/vneid/tao-tai-khoan');
    assert.match(page.body, /Trần Văn An/);
    assert.match(page.body, /001085012345/);
    assert.equal((await b.get('/tai-khoan')).statusCode, 303, 'not signed in yet');

    const refused = await b.post('/dang-nhap/vneid/tao-tai-khoan', {});
    assert.equal(refused.statusCode, 400, 'consent is required');
    const created = await b.post('/dang-nhap/vneid/tao-tai-khoan', { consent: 'yes' });
    assert.equal(created.statusCode, 303);
    assert.equal(created.headers.location, '/tai-khoan?da-tao=1');
    const profile = await b.get('/tai-khoan');
    assert.equal(profile.statusCode, 200);
    assert.match(profile.body, /Đã xác thực qua VNeID/);
    assert.match(profile.body, /001085012345/);
    assert.match(profile.body, /12\/4\/1985/);
    assert.doesNotMatch(profile.body, /id="personalId"/, 'the verified identity number is not an editable field');

    // The verified facts cannot be changed through the profile form.
    await b.post('/tai-khoan', { fullName: 'Tên Khác', personalId: '001085099999', birthDay: '1', birthMonth: '1', birthYear: '1990', sex: 'female', phone: '', email: '', provinceCode: '', communeCode: '', addressLine: 'Số 1' });
    const after = await b.get('/tai-khoan');
    assert.match(after.body, /Trần Văn An/);
    assert.match(after.body, /001085012345/);
    assert.match(after.body, /value="Số 1"/, 'the other fields are saved');

    // Next time, the same person signs straight in to the same account (the provider remembers them too).
    const again = browser();
    const second = await signInWithVneid(again, jar, '001085012345');
    assert.equal(second.askedToSignIn, false, 'single sign-on at the provider');
    assert.equal(second.res.statusCode, 303);
    assert.equal(second.res.headers.location, '/tai-khoan');
    assert.match((await again.get('/tai-khoan')).body, /value="Số 1"/);
  });

  test('does link VNeID to the signed-in account explicitly, and never to a second account', async () => {
    const b = browser();
    await signInCitizen(b, 'mai@example.vn', 'Demo@2026');
    const profile = await b.get('/tai-khoan');
    assert.match(profile.body, /href="\/dang-nhap\/vneid\?lien-ket=1"/);
    const jar = new ProviderJar();
    const { res } = await signInWithVneid(b, jar, '079192004567', '/dang-nhap/vneid?lien-ket=1');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/tai-khoan?da-lien-ket=1');
    const linked = await b.get('/tai-khoan?da-lien-ket=1');
    assert.match(linked.body, /Lê Thị Bình/, 'the verified name replaces the typed one');
    assert.match(linked.body, /079192004567/);
    assert.doesNotMatch(linked.body, /lien-ket=1/, 'no link offer once linked');

    // The same identity cannot be linked to another account.
    const other = browser();
    await signInCitizen(other, 'khoa@example.vn', 'Demo@2026');
    const attempt = await signInWithVneid(other, jar, '079192004567', '/dang-nhap/vneid?lien-ket=1');
    assert.equal(attempt.res.statusCode, 303);
    assert.equal(attempt.res.headers.location, '/tai-khoan?loi-vneid=IDENTITY_LINKED_TO_ANOTHER_ACCOUNT');
    assert.doesNotMatch((await other.get('/tai-khoan')).body, /079192004567/);

    // Signing in with that identity reaches the linked account, not a new one.
    const fresh = browser();
    const signIn = await signInWithVneid(fresh, new ProviderJar(), '079192004567');
    assert.equal(signIn.res.headers.location, '/tai-khoan');
    const rows = await database.db.selectFrom('external_identity').selectAll().where('subject', 'like', '%-079').execute();
    assert.equal(rows.length, 1);
  });

  test('does refuse a callback whose state does not match, or with no sign-in in progress', async () => {
    const b = browser();
    const jar = new ProviderJar();
    const started = await b.get('/dang-nhap/vneid');
    const { callback } = await throughProvider(jar, String(started.headers.location), '031204000789');
    const forged = callback.replace(/state=[^&]+/, 'state=forged-state-value-0123456789abcdef');
    const res = await b.get(forged);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/dang-nhap?loi-vneid=1');
    assert.equal((await b.get('/tai-khoan')).statusCode, 303, 'not signed in');
    // Replaying the genuine callback later fails too: the state cookie is spent.
    const replay = await b.get(callback);
    assert.equal(replay.headers.location, '/dang-nhap?loi-vneid=1');
    // And a stranger's browser cannot use someone's callback.
    assert.equal((await browser().get(callback)).headers.location, '/dang-nhap?loi-vneid=1');
  });

  test('does end the session at both ends when signing out (RP-initiated logout)', async () => {
    const b = browser();
    const jar = new ProviderJar();
    const first = await signInWithVneid(b, jar, '001085012345');
    assert.equal(first.res.headers.location, '/tai-khoan');
    await b.get('/tai-khoan');
    const out = await b.post('/dang-xuat', {});
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/dang-xuat/vneid');
    const onward = await b.get('/dang-xuat/vneid');
    assert.equal(onward.statusCode, 200);
    const href = /id="provider-logout"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*id="provider-logout"/.exec(onward.body);
    assert.ok(href, 'a link on to the provider');
    const endSession = new URL((href[1] ?? href[2]!).replace(/&amp;/g, '&'));
    assert.match(onward.body, /http-equiv="refresh"/);
    assert.equal((await b.get('/dang-xuat/vneid')).headers.location, postLogoutPath, 'used once');
    assert.equal(endSession.origin, sandbox.issuer);
    assert.ok(endSession.searchParams.get('id_token_hint'), 'the ID token is handed back');
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${baseUrl}${postLogoutPath}`);
    assert.equal((await b.get('/tai-khoan')).statusCode, 303, 'the portal session has ended');

    // At the provider: the confirmation page, then back to the portal.
    const confirm = await jar.fetch(endSession.toString());
    const html = await confirm.text();
    assert.equal(confirm.status, 200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && xsrf, 'the provider asks to confirm');
    const done = await jar.fetch(new URL(action, sandbox.issuer).toString(), { method: 'POST', form: { xsrf, logout: 'yes' } });
    assert.equal(done.status, 303);
    let next = new URL(done.headers.get('location')!, sandbox.issuer).toString();
    for (let i = 0; i < 3 && !next.startsWith(baseUrl); i++) {
      const r = await jar.fetch(next);
      next = new URL(r.headers.get('location')!, next).toString();
    }
    assert.equal(next, `${baseUrl}${postLogoutPath}`);

    // The provider's session is gone too: the next sign-in asks for the password again.
    const again = await signInWithVneid(browser(), jar, '001085012345');
    assert.equal(again.askedToSignIn, true);
  });

  test('does refuse to link VNeID to an officer account', async () => {
    const users = createUsersService(database, { hashParams });
    await users.create({ kind: 'officer', username: 'oidc.admin', displayName: 'Quản trị', password: 'Officer@2026', roles: ['system_admin'] });
    const b = browser();
    await signInOfficer(b, 'oidc.admin', 'Officer@2026');
    const res = await b.get('/dang-nhap/vneid?lien-ket=1');
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /IDENTITY_LINK_CITIZENS_ONLY/);
  });
});
