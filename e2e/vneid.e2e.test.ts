import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { createUsersService } from '../src/modules/admin/index.js';
import { postLogoutPath, startVneidSandbox, type RunningSandbox } from '../src/modules/identity/index.js';
import { secondFactorPath } from '../src/modules/identity/testing.js';
import { sandboxCitizenPassword } from '../src/modules/identity/vneid-sandbox.js';
import { expectAccessible, withScreenshotOnFailure, type TestBrowser } from './support/browser.js';
import { closeInOrder, freePort, startServerAndBrowser } from './support/journey.js';
import { navigateBy, signInOfficerInPage } from './support/officer.js';
import type { TestServer } from './support/server.js';

// Sign-in with the national electronic identity in real headless Chromium, against the local OpenID provider (the
// VNeID sandbox, oidc-provider on its own port): a new person creates an account from VNeID and signs out at both
// ends; the demo citizen links VNeID to her existing account; an officer enrols an authenticator at first sign-in,
// then signs in with a code and sees the sessions page. axe checks every page (the sandbox's pages too).

const clientId = 'motcua-e2e';
const clientSecret = 'e2e-sandbox-client-secret';

let sandbox: RunningSandbox;
let server: TestServer;
let browser: TestBrowser;

before(
  async () => {
    // The redirect URI is registered at the provider before the portal starts, so the portal's port is chosen first.
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    sandbox = await startVneidSandbox({
      port: 0,
      clients: [{ clientId, clientSecret, redirectUris: [`${baseUrl}/dang-nhap/vneid/callback`], postLogoutRedirectUris: [`${baseUrl}${postLogoutPath}`] }],
    });
    [server, browser] = await startServerAndBrowser({
      config: { port: String(port), baseUrl, vneidIssuer: sandbox.issuer, vneidClientId: clientId, vneidClientSecret: clientSecret },
    });
  },
  { timeout: 180_000 },
);

after(() => closeInOrder(browser, server, sandbox), { timeout: 30_000 });

function url(path: string): string {
  return `${server.baseUrl}${path}`;
}

function pathOf(page: Page): string {
  const u = new URL(page.url());
  return `${u.pathname}${u.search}`;
}

function click(page: Page, selector: string): Promise<void> {
  return navigateBy(page, () => page.locator(selector).first().click());
}

const broken = new WeakSet<TestContext>();

function step(t: TestContext, page: Page, name: string, body: () => Promise<void>): Promise<void> {
  return t.test(name, async (st) => {
    if (broken.has(t)) {
      st.skip('an earlier step failed');
      return;
    }
    try {
      await withScreenshotOnFailure(page, `${t.name} ${name}`, body);
    } catch (error) {
      broken.add(t);
      throw error;
    }
  });
}

/** At the sandbox's sign-in page: the person types their identity number and password. */
async function signInAtProvider(page: Page, personalId: string): Promise<void> {
  assert.ok(page.url().startsWith(sandbox.issuer), `at the provider: ${page.url()}`);
  await expectAccessible(page, 'VNeID sandbox sign-in');
  await page.locator('#personalId').fill(personalId);
  await page.locator('#password').fill(sandboxCitizenPassword);
  await click(page, 'form[action$="/login"] button[type="submit"]');
}

const timeout = 150_000;

describe('VNeID and officer sign-in in Chromium', { concurrency: false }, () => {
  test('a new person signs in with VNeID, creates an account with consent, and signs out at both ends', { timeout }, async (t) => {
    const page = await browser.newPage();
    await step(t, page, 'the sign-in page offers VNeID', async () => {
      await page.goto(url('/dang-nhap'));
      await expectAccessible(page, 'sign in with VNeID button');
      await click(page, 'main a.button:has-text("Đăng nhập bằng VNeID")');
    });
    await step(t, page, 'signs in at the provider and comes back to create an account', async () => {
      await signInAtProvider(page, '001085012345');
      assert.equal(pathOf(page), '/dang-nhap/vneid/tao-tai-khoan');
      assert.match((await page.locator('main').textContent()) ?? '', /Trần Văn An/);
      await expectAccessible(page, 'create an account from VNeID');
      await click(page, 'main form[action="/dang-nhap/vneid/tao-tai-khoan"] button[type="submit"]');
      assert.ok(await page.locator('.error-summary').isVisible(), 'consent is required');
      await expectAccessible(page, 'create an account from VNeID (error)');
      await page.locator('#consent').check();
      await click(page, 'main form[action="/dang-nhap/vneid/tao-tai-khoan"] button[type="submit"]');
      assert.equal(pathOf(page), '/tai-khoan?da-tao=1');
      assert.ok(await page.locator('#verified-identity').isVisible());
      assert.match((await page.locator('#verified-identity').textContent()) ?? '', /001085012345/);
      assert.equal(await page.locator('#personalId').count(), 0, 'the verified number is not editable');
      await expectAccessible(page, 'profile verified by VNeID');
    });
    await step(t, page, 'signs out of the portal and of VNeID', async () => {
      await click(page, 'main form[action="/dang-xuat"] button[type="submit"]');
      // Our page leads on to the provider at once (refresh); its link is there for a browser that does not follow.
      await page.waitForURL((u) => u.href.startsWith(sandbox.issuer), { timeout: 15_000 });
      assert.ok(page.url().startsWith(sandbox.issuer), `at the provider's logout: ${page.url()}`);
      await expectAccessible(page, 'VNeID sandbox logout');
      await click(page, 'button[name="logout"][value="yes"]');
      assert.equal(pathOf(page), postLogoutPath);
      await page.goto(url('/tai-khoan'));
      assert.match(pathOf(page), /^\/dang-nhap\?next=/, 'the portal session has ended');
      // The provider's session ended too: VNeID asks for the password again.
      await page.goto(url('/dang-nhap/vneid'));
      assert.ok(page.url().startsWith(`${sandbox.issuer}/interaction/`), 'the provider asks to sign in again');
      await signInAtProvider(page, '001085012345');
      assert.equal(pathOf(page), '/tai-khoan', 'the same account, straight in');
    });
    await page.context().close();
  });

  test('the demo citizen links VNeID to her account from the profile page', { timeout }, async (t) => {
    const page = await browser.newPage();
    await step(t, page, 'signs in with her password', async () => {
      await page.goto(url('/dang-nhap'));
      await page.locator('#account').fill('citizen@demo.motcua.vn');
      await page.locator('#password').fill('Demo@2026');
      await click(page, 'main form[action="/dang-nhap"] button[type="submit"]');
      assert.equal(pathOf(page), '/tai-khoan');
      await expectAccessible(page, 'profile with the VNeID link offer');
    });
    await step(t, page, 'links VNeID; her profile is verified', async () => {
      await click(page, 'main a[href="/dang-nhap/vneid?lien-ket=1"]');
      await signInAtProvider(page, '037196001234');
      assert.equal(pathOf(page), '/tai-khoan?da-lien-ket=1');
      assert.ok(await page.locator('#verified-identity').isVisible());
      assert.equal(await page.locator('main a[href="/dang-nhap/vneid?lien-ket=1"]').count(), 0, 'no second link');
      await expectAccessible(page, 'profile linked to VNeID');
    });
    await page.context().close();
  });

  test('an officer enrols an authenticator at first sign-in, then signs in with a code and sees the sessions', { timeout }, async (t) => {
    const users = createUsersService(server.database);
    await users.create({ kind: 'officer', username: 'e2e.admin', displayName: 'Quản trị E2E', password: 'Officer@2026', roles: ['system_admin'] });
    const page = await browser.newPage();
    await step(t, page, 'enrols (QR code and setup key) and keeps the recovery codes', async () => {
      await signInOfficerInPage(page, server.baseUrl, 'e2e.admin', 'Officer@2026', { onPage: (label) => expectAccessible(page, label) });
      await page.goto(url('/tai-khoan'));
      assert.equal(pathOf(page), '/tai-khoan');
    });
    const second = await browser.newPage();
    await step(t, second, 'signs in on another device with a code from the app', async () => {
      let sawCodeStep = false;
      await signInOfficerInPage(second, server.baseUrl, 'e2e.admin', 'Officer@2026', {
        onPage: async (label) => {
          sawCodeStep = true;
          assert.equal(new URL(second.url()).pathname, secondFactorPath);
          await expectAccessible(second, label);
        },
      });
      assert.ok(sawCodeStep);
      await second.goto(url('/tai-khoan/phien-dang-nhap'));
      assert.equal(await second.locator('tbody tr').count(), 2, 'both devices are listed');
      await expectAccessible(second, 'my sessions');
      await click(second, 'tbody form button[type="submit"]');
      assert.equal(pathOf(second), '/tai-khoan/phien-dang-nhap?da-ket-thuc=1');
      assert.equal(await second.locator('tbody tr').count(), 1);
    });
    await step(t, page, 'the ended device is signed out', async () => {
      await page.goto(url('/tai-khoan'));
      assert.match(pathOf(page), /^\/dang-nhap\?next=/);
    });
    await page.context().close();
    await second.context().close();
  });

  test('a demo officer signs in with the demo authenticator secret', { timeout }, async (t) => {
    const page = await browser.newPage();
    await step(t, page, 'password, code, desk', async () => {
      await signInOfficerInPage(page, server.baseUrl, 'hoalu.desk', 'Demo@2026');
      assert.ok(!pathOf(page).startsWith('/dang-nhap'), `signed in: ${pathOf(page)}`);
    });
    await page.context().close();
  });
});
