import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { seedDossierFor } from '../src/modules/payments/payments.testing.js';
import { decodeQrCode, pdfText } from '../src/platform/pdf/testing.js';
import { expectAccessible, withScreenshotOnFailure, type TestBrowser } from './support/browser.js';
import { closeInOrder, startServerAndBrowser } from './support/journey.js';
import { navigateBy } from './support/officer.js';
import type { TestServer } from './support/server.js';

// Paying a fee in real headless Chromium, through both local sandboxes: the demo citizen opens a dossier of a
// fee-bearing procedure (identity card replacement, 70 000 đ online), pays it on the sandbox card gateway (approve,
// after one declined attempt), downloads the e-receipt and opens its verification page from the receipt's QR code;
// then pays a second dossier by VietQR, the sandbox bank sending the credit notification. Every page is checked with
// axe against WCAG 2.2 A/AA; the VietQR journey runs with JavaScript off. A failing step leaves test-results/<name>.png.

const citizen = { account: 'citizen@demo.motcua.vn', password: 'Demo@2026' };
const procedureCode = '1.014064';

let server: TestServer;
let browser: TestBrowser;

before(
  async () => {
    [server, browser] = await startServerAndBrowser({ poppler: true });
  },
  { timeout: 180_000 },
);

after(() => closeInOrder(browser, server), { timeout: 30_000 });

const url = (path: string) => `${server.baseUrl}${path}`;
const pathOf = (page: Page) => new URL(page.url()).pathname;

async function signIn(page: Page): Promise<void> {
  await page.goto(url('/dang-nhap'));
  await page.locator('#account').fill(citizen.account);
  await page.locator('#password').fill(citizen.password);
  await navigateBy(page, () => page.locator('main form[action="/dang-nhap"] button[type="submit"]').click());
}

async function download(page: Page, selector: string): Promise<Uint8Array> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  const stream = await file.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

test('a citizen pays a fee through the sandbox card gateway and gets the e-receipt', { timeout: 240_000 }, async () => {
  const d = await seedDossierFor(server.database, citizen.account, procedureCode);
  const page = await browser.newPage();
  await withScreenshotOnFailure(page, 'payments gateway', async () => {
    await signIn(page);
    await page.goto(url(`/ho-so/${d.code}`));
    await navigateBy(page, () => page.locator(`main a[href="/ho-so/${d.code}/thanh-toan"]`).click());
    assert.equal(pathOf(page), `/ho-so/${d.code}/thanh-toan`);
    assert.match(await page.locator('main table').innerText(), /70\.000 đồng/);
    await expectAccessible(page, 'pay the fee');

    // First attempt: declined on the gateway; nothing is charged and the citizen can pay again.
    await page.locator('#method').check();
    await navigateBy(page, () => page.locator('main form button[type="submit"]').click());
    assert.equal(pathOf(page), '/dev/cong-thanh-toan');
    await expectAccessible(page, 'sandbox gateway');
    await navigateBy(page, () => page.locator('button[value="decline"]').click());
    assert.match(pathOf(page), new RegExp(`^/ho-so/${d.code.replace(/\./g, '\\.')}/thanh-toan/MC`));
    assert.match(await page.locator('main h1').innerText(), /không thành công/);
    await expectAccessible(page, 'payment declined');

    await navigateBy(page, () => page.locator(`main a[href="/ho-so/${d.code}/thanh-toan"]`).first().click());
    await page.locator('#method').check();
    await navigateBy(page, () => page.locator('main form button[type="submit"]').click());
    await navigateBy(page, () => page.locator('button[value="approve"]').click());
    assert.match(await page.locator('main h1').innerText(), /Thanh toán thành công/);
    await expectAccessible(page, 'payment received');

    const pdf = await download(page, `main a[href="/ho-so/${d.code}/bien-lai.pdf"]`);
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    assert.ok(text.includes('BIÊN LAI THU PHÍ, LỆ PHÍ') && text.includes('Bảy mươi nghìn đồng') && text.includes(d.code), text.slice(0, 600));
    // The QR carries BASE_URL (here the configured one, not the test's ephemeral port): follow its path.
    const verifyUrl = decodeQrCode(pdf);
    const verifyPath = verifyUrl ? new URL(verifyUrl).pathname : '';
    assert.match(verifyPath, /^\/bien-lai\/[A-Za-z0-9_-]{16}$/, `QR: ${verifyUrl}`);

    // The receipt's QR opens the public verification page (no sign-in needed: a fresh context).
    const visitor = await browser.newPage();
    await visitor.goto(url(verifyPath));
    assert.match(await visitor.locator('main').innerText(), /hợp lệ/);
    assert.ok((await visitor.locator('main').innerText()).includes(d.code));
    await expectAccessible(visitor, 'verify e-receipt');
    await visitor.context().close();

    // The message with the receipt link went out with the payment.
    await page.goto(url('/dev/hop-thu'));
    assert.ok((await page.locator('main').innerText()).includes(verifyPath), 'the e-mail links the receipt');
  });
  await page.context().close();
});

test('a citizen pays by VietQR without JavaScript; the sandbox bank’s credit notification settles it', { timeout: 240_000 }, async () => {
  const d = await seedDossierFor(server.database, citizen.account, procedureCode);
  const page = await browser.newPage({ javaScriptEnabled: false });
  await withScreenshotOnFailure(page, 'payments vietqr', async () => {
    await signIn(page);
    await page.goto(url(`/ho-so/${d.code}/thanh-toan`));
    await page.locator('#method-vietqr').check();
    await navigateBy(page, () => page.locator('main form button[type="submit"]').click());
    assert.match(await page.locator('main h1').innerText(), /Chờ thanh toán/);
    const qr = page.locator('main img.qr');
    assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
    assert.match((await qr.getAttribute('alt')) ?? '', /70\.000 đồng/);
    const purpose = (await page.locator('main .purpose').innerText()).trim();
    assert.match(purpose, /^MC[0-9A-Z]{10} LE PHI$/);
    await expectAccessible(page, 'VietQR transfer');
    const resultPath = pathOf(page);

    await navigateBy(page, () => page.locator('main a[href^="/dev/ngan-hang"]').click());
    assert.equal(await page.locator('#purpose').inputValue(), purpose);
    await expectAccessible(page, 'sandbox bank');
    await navigateBy(page, () => page.locator('main form button[type="submit"]').click());
    assert.match(await page.locator('main [role="status"]').innerText(), /applied/);

    await page.goto(url(resultPath));
    assert.match(await page.locator('main h1').innerText(), /Thanh toán thành công/);
    const pdf = await download(page, `main a[href="/ho-so/${d.code}/bien-lai.pdf"]`);
    assert.ok(pdfText(pdf).includes('VietQR'));
  });
  await page.context().close();
});
