import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CDPSession, Page } from 'playwright-core';
import { nextTotpCode } from '../src/modules/identity/testing.js';
import { expectAccessible, withScreenshotOnFailure, type TestBrowser } from './support/browser.js';
import { closeInOrder, freePort, startServerAndBrowser } from './support/journey.js';
import { navigateBy, signInOfficerInPage } from './support/officer.js';
import type { TestServer } from './support/server.js';

/*
 * Officers' security keys in Chromium (issue #8), with the DevTools Protocol's virtual authenticator (CTAP2, built
 * in, user verification on) standing for a fingerprint reader: an officer signs in with the TOTP code, adds a
 * security key on the security page, signs out, signs in again with the key instead of a code, then removes the key
 * with a fresh code. axe checks every page. WebAuthn needs a secure context and a domain name as relying party id,
 * so the portal is opened as http://localhost:<port> (BASE_URL, hence WEBAUTHN_RP_ID = localhost).
 */

let server: TestServer;
let browser: TestBrowser;
let base: string;
const officer = 'hoalu.handler';
const password = 'Demo@2026';

before(
  async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    [server, browser] = await startServerAndBrowser({ config: { port: String(port), baseUrl: base } });
    assert.equal(server.config.webauthnRpId, 'localhost');
  },
  { timeout: 180_000 },
);

after(() => closeInOrder(browser, server), { timeout: 30_000 });

/** A virtual platform authenticator with user verification, attached to the page's browser context. */
async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { cdp, authenticatorId };
}

test('an officer adds a security key and signs in with it instead of a code', { timeout: 180_000 }, async () => {
  const page = await browser.newPage();
  await withScreenshotOnFailure(page, 'security keys', async () => {
    const { cdp, authenticatorId } = await virtualAuthenticator(page);
    await signInOfficerInPage(page, base, officer, password, { onPage: (label) => expectAccessible(page, `sign-in: ${label}`) });
    assert.equal(new URL(page.url()).pathname, '/can-bo/viec-can-lam');

    // The account page links to the security keys.
    await page.goto(`${base}/tai-khoan`);
    await navigateBy(page, () => page.locator('main a[href="/tai-khoan/khoa-bao-mat"]').click());
    await expectAccessible(page, 'security keys (none yet)');
    assert.equal(await page.locator('[data-webauthn-unsupported]').isVisible(), false, 'the script found WebAuthn');
    await page.locator('#name').fill('Máy tính tại bộ phận một cửa');
    await navigateBy(page, () => page.locator('#add-key').click());
    assert.equal(new URL(page.url()).search, '?da-them=1');
    await expectAccessible(page, 'security keys (one added)');
    assert.match((await page.locator('tr.security-key-row').textContent()) ?? '', /Máy tính tại bộ phận một cửa.*Chưa dùng/);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the authenticator holds the new credential');
    assert.equal(credentials[0]?.rpId, 'localhost');

    // Sign out, sign in again: password, then the key.
    await navigateBy(page, () => page.locator('form[action="/dang-xuat"] button').click());
    await page.goto(`${base}/dang-nhap`);
    await page.locator('#account').fill(officer);
    await page.locator('#password').fill(password);
    await navigateBy(page, () => page.locator('main form[action="/dang-nhap"] button[type="submit"]').click());
    assert.equal(new URL(page.url()).pathname, '/dang-nhap/ma-xac-thuc');
    await expectAccessible(page, 'second step with a security key');
    assert.ok(await page.locator('#code').isVisible(), 'the code stays possible');
    await navigateBy(page, () => page.locator('#security-key').click());
    assert.equal(new URL(page.url()).pathname, '/can-bo/viec-can-lam', 'signed in with the key');
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.ok((after.credentials[0]?.signCount ?? 0) >= 1, 'the authenticator counted the signature');

    await page.goto(`${base}/tai-khoan/khoa-bao-mat`);
    assert.doesNotMatch((await page.locator('tr.security-key-row').textContent()) ?? '', /Chưa dùng/, 'the last use is shown');

    // Remove it with a fresh code.
    await navigateBy(page, () => page.locator('tr.security-key-row a').click());
    await expectAccessible(page, 'remove a security key');
    await page.locator('#code').fill('000000');
    await navigateBy(page, () => page.locator('main form button[type="submit"]').click());
    assert.ok(await page.locator('.error-summary').isVisible(), 'a wrong code: error summary');
    await expectAccessible(page, 'remove a security key (wrong code)');
    await page.locator('#code').fill(await nextTotpCode(officer));
    await navigateBy(page, () => page.locator('main form button[type="submit"]').click());
    assert.equal(new URL(page.url()).search, '?da-xoa=1');
    assert.equal(await page.locator('tr.security-key-row').count(), 0);
  });
  await page.context().close();
});

test('without JavaScript the second step asks for the code only', { timeout: 60_000 }, async () => {
  // An officer with a key (added through the service, as the first journey showed through the pages).
  const page = await browser.newPage({ javaScriptEnabled: false });
  await withScreenshotOnFailure(page, 'security keys without JavaScript', async () => {
    const user = await server.database.db.selectFrom('app_user').select('id').where('username', '=', 'hoalu.desk').executeTakeFirstOrThrow();
    await server.database.db
      .insertInto('webauthn_credential')
      .values({ user_id: user.id, credential_id: 'AAAAAAAAAAAAAAAAAAAAAA', public_key: new Uint8Array([1]), sign_count: 0, transports: '[]', name: 'Khóa USB', created_at: new Date(), last_used_at: null })
      .execute();
    await page.goto(`${base}/dang-nhap`);
    await page.locator('#account').fill('hoalu.desk');
    await page.locator('#password').fill(password);
    await navigateBy(page, () => page.locator('main form[action="/dang-nhap"] button[type="submit"]').click());
    assert.equal(new URL(page.url()).pathname, '/dang-nhap/ma-xac-thuc');
    assert.equal(await page.locator('#security-key').isVisible(), false, 'no key button without the script');
    assert.ok(await page.locator('#code').isVisible());
    await expectAccessible(page, 'second step without JavaScript');
    await page.locator('#code').fill(await nextTotpCode('hoalu.desk'));
    await navigateBy(page, () => page.locator('main form[action="/dang-nhap/ma-xac-thuc"] button[type="submit"]').click());
    assert.equal(new URL(page.url()).pathname, '/can-bo/viec-can-lam');
  });
  await page.context().close();
});
