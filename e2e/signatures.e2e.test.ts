import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createFormsService } from '../src/modules/forms/index.js';
import { seedDossierFor } from '../src/modules/payments/payments.testing.js';
import { createSignaturesService, verifyPdfSignatures } from '../src/modules/signatures/index.js';
import { vaultFiling } from '../src/modules/vault/index.js';
import { decodeQrCode } from '../src/platform/pdf/testing.js';
import { createStorage } from '../src/platform/storage/index.js';
import { expectAccessible, withScreenshotOnFailure, type TestBrowser } from './support/browser.js';
import { navigateBy, signInOfficerInPage } from './support/officer.js';
import { closeInOrder, startServerAndBrowser } from './support/journey.js';
import type { TestServer } from './support/server.js';

// A signed result in real headless Chromium with JavaScript off: the leader's signature and the agency's seal are
// issued for the demo citizen's birth registration; the citizen downloads the result from the dossier page, follows
// the QR code to the public verification page, checks the downloaded file there, finds it in the vault and reuses
// it in a new application; a desk officer opens the digitisation page. Every page is checked with axe (WCAG 2.2 AA).

const citizen = { account: 'citizen@demo.motcua.vn', password: 'Demo@2026' };

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

async function download(page: Page, selector: string): Promise<Uint8Array> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  const chunks: Buffer[] = [];
  for await (const chunk of await file.createReadStream()) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

test('a citizen downloads a signed result, verifies it, and reuses it from the vault', { timeout: 300_000 }, async () => {
  const d = await seedDossierFor(server.database, citizen.account, '1.001193');
  const db = server.database.db;
  const dossier = await db.selectFrom('dossier').select(['receiving_agency_id']).where('id', '=', d.id).executeTakeFirstOrThrow();
  const leaderRow = await db
    .selectFrom('app_user')
    .select(['id', 'display_name', 'agency_id', 'roles'])
    .where('agency_id', '=', dossier.receiving_agency_id)
    .where('kind', '=', 'officer')
    .where((eb) => eb(eb.val('leader'), '=', eb.fn.any('roles')))
    .executeTakeFirstOrThrow();
  const signatures = createSignaturesService(server.database, {
    storage: await createStorage(server.config),
    forms: createFormsService(server.database),
    vault: vaultFiling(server.database),
    keysDir: server.config.signingKeysDir,
    keysPassword: server.config.signingKeysPassword,
    baseUrl: server.baseUrl,
    demoKeysOnDemand: true,
  });
  const issued = await signatures.issue({ dossierId: d.id, signer: { id: leaderRow.id, kind: 'officer', displayName: leaderRow.display_name, agencyId: leaderRow.agency_id, roles: leaderRow.roles } });
  await db.updateTable('dossier').set({ status: 'result_ready' }).where('id', '=', d.id).execute();

  const page = await browser.newPage({ javaScriptEnabled: false });
  await withScreenshotOnFailure(page, 'signed result', async () => {
    await page.goto(url('/dang-nhap'));
    await page.locator('#account').fill(citizen.account);
    await page.locator('#password').fill(citizen.password);
    await navigateBy(page, () => page.locator('main form[action="/dang-nhap"] button[type="submit"]').click());

    await page.goto(url(`/ho-so/${d.code}`));
    await expectAccessible(page, 'dossier with its result');
    const pdf = await download(page, `main a[href="/ho-so/${d.code}/ket-qua"]`);
    assert.deepEqual(verifyPdfSignatures(pdf, []).map((s) => s.digestMatches && s.signatureValid), [true, true]);
    const qr = decodeQrCode(pdf);
    assert.equal(qr, `${server.baseUrl}/xac-minh/${issued.verificationCode}`);

    await page.goto(qr!);
    await expectAccessible(page, 'verification page');
    assert.match(await page.locator('main').innerText(), new RegExp(leaderRow.display_name));
    await page.locator('#file').setInputFiles({ name: 'ket-qua.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await navigateBy(page, () => page.locator('main form[enctype="multipart/form-data"] button[type="submit"]').click());
    assert.match(await page.locator('main').innerText(), /Tệp này đúng là văn bản gốc/);
    await expectAccessible(page, 'verification page with the check');

    await page.goto(url('/xac-minh-ket-qua'));
    await expectAccessible(page, 'verification start page');
    await page.locator('#code').fill('abc');
    await navigateBy(page, () => page.locator('main form button[type="submit"]').click());
    await expectAccessible(page, 'verification start page with an error');

    await page.goto(url('/kho-du-lieu'));
    await expectAccessible(page, 'my vault');
    assert.match(await page.locator('main').innerText(), /Trích lục khai sinh/);

    // A new application takes the extract from the vault instead of an upload.
    await page.goto(url('/thu-tuc/1.001193/nop-truc-tuyen'));
    const draftPath = /^\/ho-so-nhap\/[0-9a-f-]{36}/.exec(pathOf(page))![0];
    await page.goto(url(`${draftPath}/documents`));
    await navigateBy(page, () => page.locator(`main a[href="${draftPath}/kho-du-lieu/birthCertificate"]`).click());
    await expectAccessible(page, 'choose from my vault');
    await navigateBy(page, () => page.locator('main form button[type="submit"]').click());
    await expectAccessible(page, 'choose from my vault with an error');
    await page.locator('main input[name="documentId"]').first().check();
    await navigateBy(page, () => page.locator('main form button[type="submit"]').click());
    assert.equal(pathOf(page), `${draftPath}/documents`);
    assert.match(await page.locator('main').innerText(), /từ kho dữ liệu/i);
  });
  await page.context().close();

  const officer = await browser.newPage({ javaScriptEnabled: false });
  await withScreenshotOnFailure(officer, 'digitisation page', async () => {
    await signInOfficerInPage(officer, server.baseUrl, 'centre.desk', citizen.password);
    await officer.goto(url('/can-bo/so-hoa'));
    await expectAccessible(officer, 'digitise a paper result');
    await navigateBy(officer, () => officer.locator('main form button[type="submit"]').click());
    await expectAccessible(officer, 'digitise a paper result with errors');
  });
  await officer.context().close();
});
