import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { demoOfficerTotpSecret, totpCodeAt, totpStep } from '../src/modules/identity/totp.js';
import { expectAccessible, launchBrowser, withScreenshotOnFailure, type TestBrowser } from './support/browser.js';
import { startTestServer, type TestServer } from './support/server.js';

// The internal-process editor in headless Chromium: an agency administrator changes the house construction permit's
// process with the row buttons, meets an error, checks and publishes. axe checks every page against WCAG 2.2 A/AA.

let server: TestServer;
let browser: TestBrowser;

before(
  async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
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

async function submitAndWait(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(selector).first().click()]);
}

test('an agency administrator edits and publishes a process, every page accessible', { timeout: 180_000 }, async () => {
  const page = await browser.newPage();
  try {
    await withScreenshotOnFailure(page, 'process editor', async () => {
      await page.goto(`${server.baseUrl}/dang-nhap?next=${encodeURIComponent('/can-bo/quy-trinh')}`);
      await page.fill('input[name="account"]', 'hoalu.admin');
      await page.fill('input[name="password"]', 'Demo@2026');
      await submitAndWait(page, 'main form button[type="submit"]');
      if (page.url().includes('/dang-nhap/ma-xac-thuc')) {
        await page.fill('input[name="code"]', totpCodeAt(demoOfficerTotpSecret, totpStep(new Date())));
        await submitAndWait(page, 'main form button[type="submit"]');
      }
      await page.goto(`${server.baseUrl}/can-bo/quy-trinh?q=1.013225`);
      assert.equal(await page.locator('h1').textContent(), 'Quy trình nội bộ');
      await expectAccessible(page, 'process list');

      await submitAndWait(page, 'a[href="/can-bo/quy-trinh/1.013225"]');
      assert.equal(await page.locator('ol.timeline > li').count(), 6);
      await expectAccessible(page, 'process editor');

      await submitAndWait(page, 'button[value="add"]');
      assert.equal(await page.locator('fieldset.repeat-item').count(), 7);
      await expectAccessible(page, 'editor with a new row');

      // The new row has no name: continuing shows the error summary, which links to the field.
      await submitAndWait(page, 'button.button[value="review"]');
      assert.match((await page.locator('.error-summary').textContent()) ?? '', /Bước 6: nhập tên bước/);
      await expectAccessible(page, 'editor with errors');

      await submitAndWait(page, 'button[value="remove:6"]');
      await page.fill('#step-2-share', '30');
      await page.fill('#step-5-share', '20');
      await submitAndWait(page, 'button.button[value="review"]');
      assert.equal(await page.locator('h1').textContent(), 'Kiểm tra trước khi ban hành');
      await expectAccessible(page, 'check before publishing');

      await submitAndWait(page, 'button[value="publish"]');
      assert.match(page.url(), /\/can-bo\/quy-trinh\/1\.013225\?xong=1$/);
      assert.match((await page.locator('.panel-highlight').textContent()) ?? '', /Đã ban hành phiên bản 1/);
      await expectAccessible(page, 'after publishing');
    });
  } finally {
    await page.context().close();
  }
});
