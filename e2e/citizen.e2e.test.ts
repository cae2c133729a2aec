import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test, type TestContext } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Locator, Page } from 'playwright-core';
import { codeFromMailbox } from '../src/modules/identity/testing.js';
import { decodeQrCode, pdfText } from '../src/platform/pdf/testing.js';
import { expectAccessible, withScreenshotOnFailure, type TestBrowser } from './support/browser.js';
import { closeInOrder, startServerAndBrowser } from './support/journey.js';
import { navigateBy } from './support/officer.js';
import type { TestServer } from './support/server.js';

// The citizen's whole online journey in real headless Chromium: register, prove the phone with the one-time code,
// sign in, complete the profile, find a procedure, fill its multi-page e-form (prefilled from the profile), upload
// the birth certificate after a refused file, check the answers and change one, submit, download the receipt slip
// and look the dossier up in public by code + phone digits and by the slip's QR link. Once with JavaScript on (a
// newly registered citizen) and once with it off (the demo citizen, whose profile the seed fills). Every page the
// journey reaches is checked with axe against WCAG 2.2 A/AA; a failing step leaves test-results/<step>.png.

const birthRegistration = { code: '1.001193', name: 'Thủ tục đăng ký khai sinh' };

/** The demo province (Ninh Bình, code 37) and the commune of the demo citizen, whose agencies receive dossiers. */
const demoProvince = '37';
const demoCommune = '14329';

/** A citizen registered during the journey: Hà Nội birth registration, male, born 2005 (001 2 05 012345). */
const newCitizen = {
  phone: '0987 654 321',
  phoneStored: '0987654321',
  fullName: 'Trần Minh Khôi',
  password: 'Khai-sinh-2026!',
  personalId: '001205012345',
  birth: { day: '9', month: '3', year: '2005' },
  birthIso: '2005-03-09',
  addressLine: 'Số 5, ngõ 2, đường Lê Lợi',
};

/** The demo citizen the seed creates with a full profile (037 1 96 001234: female, born 1996, phone …5678). */
const demoCitizen = { account: 'citizen@demo.motcua.vn', password: 'Demo@2026', fullName: 'Nguyễn Thị Hương', personalId: '037196001234', phoneLast4: '5678' };

let server: TestServer;
let browser: TestBrowser;

before(
  async () => {
    [server, browser] = await startServerAndBrowser({ poppler: true });
  },
  { timeout: 180_000 },
);

after(() => closeInOrder(browser, server), { timeout: 30_000 });

function url(path: string): string {
  return `${server.baseUrl}${path}`;
}

function pathOf(page: Page): string {
  const u = new URL(page.url());
  return `${u.pathname}${u.search}`;
}

/** Journeys whose steps stopped: each step builds on the one before, so the rest are skipped, not piled up. */
const brokenJourneys = new WeakSet<TestContext>();

/** One step of a journey, reported as its own subtest, with a screenshot when it fails. */
function step(t: TestContext, page: Page, name: string, body: () => Promise<void>): Promise<void> {
  return t.test(name, async (st) => {
    if (brokenJourneys.has(t)) {
      st.skip('an earlier step failed');
      return;
    }
    try {
      await withScreenshotOnFailure(page, `${t.name} ${name}`, body);
    } catch (error) {
      brokenJourneys.add(t);
      throw error;
    }
  });
}

function click(page: Page, target: Locator): Promise<void> {
  return navigateBy(page, () => target.click());
}

/** The main "Continue"/submit button of the form in <main> (not the hidden default button of the e-forms). */
function mainButton(page: Page): Locator {
  return page.locator('main form .actions button.button[value="continue"], main form > button.button[type="submit"]').first();
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The e-form page (section id) the browser is on: /ho-so-nhap/<draft>/<section>. */
function sectionOf(page: Page): string {
  return new URL(page.url()).pathname.split('/')[3] ?? '';
}

/** A small, valid one-page PDF standing in for the scanned birth certificate. */
async function birthCertificatePdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const sheet = pdf.addPage([595, 842]);
  sheet.drawText('GIAY CHUNG SINH (ban sao thu nghiem)', { x: 60, y: 760, size: 16, font });
  sheet.drawText('Benh vien Da khoa tinh Ninh Binh', { x: 60, y: 730, size: 12, font });
  return Buffer.from(await pdf.save());
}

/** A Windows program (MZ header) that pretends to be a PDF by its name. */
function programNamedPdf(): Buffer {
  const bytes = Buffer.alloc(512, 0);
  bytes.write('MZ', 0, 'latin1');
  bytes.write('This program cannot be run in DOS mode.', 78, 'latin1');
  return bytes;
}

/** YYYY-MM-DD of a day `daysAgo` before today (the child's birth date: recent, never in the future). */
function isoDaysAgo(daysAgo: number): string {
  return new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** Picks a province in an e-form address, presses its "show communes" button, then picks the commune. */
async function fillAddress(page: Page, path: string, address: { province: string; commune: string; line?: string }): Promise<void> {
  await page.locator(`[id="${path}.province"]`).selectOption(address.province);
  const group = page.locator('fieldset').filter({ has: page.locator(`[id="${path}.province"]`) });
  await click(page, group.locator('button.address-refresh'));
  await page.locator(`[id="${path}.commune"]`).selectOption(address.commune);
  if (address.line !== undefined) await page.locator(`[id="${path}.line"]`).fill(address.line);
}

interface Applicant {
  /** Which parent the signed-in citizen is: their parent page comes prefilled and locked. */
  relationship: 'father' | 'mother';
  fullName: string;
  personalId: string;
  birthIso: string;
  /** Last four digits of the phone on the profile: the public lookup's check value. */
  phoneLast4: string;
}

/**
 * From the home page: search without diacritics, open the procedure, start the online application, fill every page
 * of the birth registration e-form, refuse a program posing as a PDF, upload a real one, choose where to submit,
 * check the answers (changing the child's name), submit, download the slip and look the dossier up publicly.
 */
async function applyForBirthRegistration(t: TestContext, page: Page, applicant: Applicant): Promise<void> {
  const childName = applicant.relationship === 'father' ? 'Trần Minh Anh' : 'Lê Thu Hà';
  const renamedChild = applicant.relationship === 'father' ? 'Trần Minh An' : 'Lê Thu Hằng';
  let code = '';
  let publicLink = '';

  await step(t, page, 'a search without diacritics from the home page finds the birth registration', async () => {
    await page.goto(url('/'));
    await expectAccessible(page, 'home');
    await page.locator('#q').fill('dang ky khai sinh');
    await navigateBy(page, () => page.locator('#q').press('Enter'));
    assert.equal(new URL(page.url()).searchParams.get('q'), 'dang ky khai sinh');
    const hit = page.locator(`ul.results li a[href="/thu-tuc/${birthRegistration.code}"]`);
    assert.equal(await hit.count(), 1, 'the birth registration is among the results');
    await expectAccessible(page, 'search results');
    await click(page, hit);
    assert.equal(pathOf(page), `/thu-tuc/${birthRegistration.code}`);
    assert.equal(await text(page.locator('h1')), birthRegistration.name);
    await expectAccessible(page, 'procedure page');
  });

  await step(t, page, 'starting the online application opens the first page of the e-form', async () => {
    const start = page.locator(`main a[href="/thu-tuc/${birthRegistration.code}/nop-truc-tuyen"]`);
    assert.equal(await start.count(), 1, 'the procedure page offers "apply online"');
    await click(page, start.first());
    assert.match(pathOf(page), /^\/ho-so-nhap\/[0-9a-f-]{36}\/applicant$/);
    assert.equal(await text(page.locator('main h1')), 'Người đi đăng ký khai sinh');
  });

  await step(t, page, 'page 1 shows the applicant prefilled from the profile, registry data read-only', async () => {
    const name = page.locator('#applicantName');
    assert.equal(await name.inputValue(), applicant.fullName);
    assert.equal(await name.getAttribute('readonly'), '', 'the name from the population database cannot be edited');
    assert.equal(await page.locator('#applicantPersonalId').inputValue(), applicant.personalId);
    assert.equal(await page.locator('#applicantBirthDate').inputValue(), applicant.birthIso);
    assert.ok(await page.locator('#applicantName-prefill').isVisible(), 'a note says where the name comes from');
    assert.match(await text(page.locator('#applicantName-prefill')), /hồ sơ|tài khoản|định danh/i);
    assert.ok((await page.locator('#applicantPhone').inputValue()).endsWith(applicant.phoneLast4), 'the phone is prefilled');
    await expectAccessible(page, 'e-form: applicant');
    await page.locator(`input[name="relationship"][value="${applicant.relationship}"]`).check();
    await click(page, mainButton(page));
    assert.equal(sectionOf(page), 'child');
  });

  await step(t, page, "page 2 takes the child's details, communes listed after choosing the province", async () => {
    await expectAccessible(page, 'e-form: child');
    await page.locator('#childName').fill(childName);
    await page.locator('input[name="childSex"][value="female"]').check();
    await page.locator('#childBirthDate').fill(isoDaysAgo(12));
    await page.locator('input[name="birthPlaceKind"][value="facility"]').check();
    assert.ok(await page.locator('#birthFacility').isVisible(), 'choosing "health facility" reveals its name');
    await page.locator('#birthFacility').fill('Bệnh viện Đa khoa tỉnh Ninh Bình');
    await page.locator('#childEthnicity').selectOption('01');
    await page.locator('#childHometown').fill('Xã Gia Viễn, tỉnh Ninh Bình');
    await fillAddress(page, 'birthPlace', { province: demoProvince, commune: demoCommune });
    // The refresh kept what was typed before it.
    assert.equal(await page.locator('#childName').inputValue(), childName);
    assert.equal(await page.locator('#birthFacility').inputValue(), 'Bệnh viện Đa khoa tỉnh Ninh Bình');
    await expectAccessible(page, 'e-form: child (communes listed)');
    await click(page, mainButton(page));
    assert.equal(sectionOf(page), 'mother');
  });

  await step(t, page, "the parents' pages: the applicant's own page prefilled, the other typed", async () => {
    await expectAccessible(page, 'e-form: mother');
    if (applicant.relationship === 'mother') {
      assert.equal(await page.locator('#motherName').inputValue(), applicant.fullName);
      assert.equal(await page.locator('#motherPersonalId').inputValue(), applicant.personalId);
      assert.ok(await page.locator('#motherName-prefill').isVisible(), 'the prefilled mother is marked as such');
    } else {
      await page.locator('#motherName').fill('Lê Thị Mai');
      await page.locator('#motherBirthDate').fill('2005-07-21');
      await page.locator('#motherPersonalId').fill('037305004321');
      await fillAddress(page, 'motherAddress', { province: demoProvince, commune: demoCommune, line: newCitizen.addressLine });
      await expectAccessible(page, 'e-form: mother (communes listed)');
    }
    await page.locator('#motherEthnicity').selectOption('01');
    await page.locator('input[name="fatherKnown"][value="yes"]').check();
    await click(page, mainButton(page));
    assert.equal(sectionOf(page), 'father');

    await expectAccessible(page, 'e-form: father');
    if (applicant.relationship === 'father') {
      assert.equal(await page.locator('#fatherName').inputValue(), applicant.fullName);
      assert.equal(await page.locator('#fatherPersonalId').inputValue(), applicant.personalId);
      assert.equal(await page.locator('#fatherBirthDate').inputValue(), applicant.birthIso);
      assert.ok(await page.locator('#fatherName-prefill').isVisible(), 'the prefilled father is marked as such');
      assert.equal(await page.locator('[id="fatherAddress.province"]').inputValue(), demoProvince, 'the address comes from the profile');
    } else {
      await page.locator('#fatherName').fill('Lê Văn Hùng');
      await page.locator('#fatherBirthDate').fill('1994-11-02');
      await fillAddress(page, 'fatherAddress', { province: demoProvince, commune: demoCommune, line: 'Số 12, đường Trần Hưng Đạo' });
      await expectAccessible(page, 'e-form: father (communes listed)');
    }
    await page.locator('#fatherEthnicity').selectOption('01');
    await click(page, mainButton(page));
    assert.equal(sectionOf(page), 'documents');
  });

  await step(t, page, 'a program named .pdf is refused at the field and the other answers are kept', async () => {
    await expectAccessible(page, 'e-form: documents');
    await page.locator('#copies').fill('2');
    await page.locator('#declaration').check();
    await page.locator('#birthCertificate').setInputFiles({ name: 'giay-chung-sinh.pdf', mimeType: 'application/pdf', buffer: programNamedPdf() });
    await click(page, mainButton(page));
    assert.equal(sectionOf(page), 'documents', 'the page is shown again');
    assert.match(await page.title(), /^Lỗi: /, 'the page title announces the error');
    const summary = page.locator('.error-summary');
    assert.ok(await summary.isVisible(), 'an error summary heads the page');
    assert.equal(await summary.locator('a[href="#birthCertificate"]').count(), 1, 'it links to the file field');
    const fieldError = page.locator('#birthCertificate-error');
    assert.ok(await fieldError.isVisible(), 'the error shows at the file field');
    assert.ok((await text(fieldError)).length > 10, 'the error says what is wrong');
    assert.match((await page.locator('#birthCertificate').getAttribute('aria-describedby')) ?? '', /\bbirthCertificate-error\b/);
    assert.equal(await page.locator('#copies').inputValue(), '2', 'the number of copies is kept');
    assert.ok(await page.locator('#declaration').isChecked(), 'the declaration stays ticked');
    assert.equal(await page.locator('.file-list li').count(), 0, 'nothing was stored');
    await expectAccessible(page, 'e-form: documents (refused file)');
  });

  await step(t, page, 'a real PDF is accepted and the reception page follows', async () => {
    await page.locator('#birthCertificate').setInputFiles({ name: 'giay-chung-sinh.pdf', mimeType: 'application/pdf', buffer: await birthCertificatePdf() });
    await click(page, mainButton(page));
    assert.equal(sectionOf(page), 'noi-nop');
    await expectAccessible(page, 'reception and delivery');
    const agencies = page.locator('input[name="agencyId"]');
    assert.ok((await agencies.count()) > 0, 'agencies are offered');
    if ((await page.locator('input[name="agencyId"]:checked').count()) === 0) await agencies.first().check();
    await page.locator('#delivery-online').check();
    await click(page, page.locator('main form button[type="submit"]'));
    assert.equal(sectionOf(page), 'kiem-tra');
  });

  await step(t, page, '"My dossiers" lists the draft, which reopens on the check page', async () => {
    const review = pathOf(page);
    await click(page, page.locator('header a[href="/ho-so"]'));
    assert.equal(pathOf(page), '/ho-so');
    await expectAccessible(page, 'my dossiers (a draft)');
    const draft = page.locator(`main a[href="${review.replace(/\/kiem-tra$/, '')}"]`);
    assert.equal(await draft.count(), 1, 'the draft is listed');
    assert.equal(await text(draft), birthRegistration.name);
    await click(page, draft);
    assert.equal(pathOf(page), review, 'a draft whose reception is chosen resumes on the check page');
  });

  await step(t, page, 'check your answers lists everything; "Change" edits one answer and comes back', async () => {
    await expectAccessible(page, 'check your answers');
    const answers = page.locator('.check-answers');
    const summary = await text(answers);
    for (const expected of [applicant.fullName, applicant.personalId, childName, 'Bệnh viện Đa khoa tỉnh Ninh Bình', 'giay-chung-sinh.pdf']) {
      assert.ok(summary.includes(expected), `the answers show "${expected}"`);
    }
    const change = answers.locator('a[href*="/child?"][href$="#childName"]');
    assert.equal(await change.count(), 1, 'the child name has a Change link');
    await click(page, change);
    assert.equal(sectionOf(page), 'child');
    assert.equal(await page.locator('#childName').inputValue(), childName, 'the page opens with the answer given');
    assert.match((await page.locator('main a.back-link').getAttribute('href')) ?? '', /\/kiem-tra$/, '"Back" leads to the check page');
    await expectAccessible(page, 'e-form: child (changing an answer)');
    await page.locator('#childName').fill(renamedChild);
    await click(page, mainButton(page));
    assert.equal(sectionOf(page), 'kiem-tra', 'after the change the citizen is back on the check page');
    const after = await text(page.locator('.check-answers'));
    assert.ok(after.includes(renamedChild) && !after.includes(childName), 'the new name replaced the old one');
    await expectAccessible(page, 'check your answers (after a change)');
  });

  await step(t, page, 'submitting shows the new dossier with its code and status', async () => {
    await click(page, page.locator('main form[action$="/nop"] button[type="submit"]'));
    const match = /^\/ho-so\/([^/?]+)\?moi=1$/.exec(pathOf(page));
    assert.ok(match, `landed on ${pathOf(page)}`);
    code = decodeURIComponent(match[1]!);
    assert.match(code, /^000\.00\.\d\d\.H42-\d{6}-\d{4}$/);
    assert.equal(await text(page.locator('main h1')), code);
    assert.ok(await page.locator('main [role="status"]').isVisible(), 'a confirmation panel says it was received');
    assert.match(await text(page.locator('main .tag')), /Chờ tiếp nhận/);
    publicLink = (await page.locator(`main a[href^="/tra-cuu/${code}?s="]`).getAttribute('href')) ?? '';
    assert.match(publicLink, /\?s=[A-Z0-9]+$/, 'the page links to the public lookup with the slip secret');
    await expectAccessible(page, 'dossier (just submitted)');
  });

  await step(t, page, '"My dossiers" lists the submitted dossier and no draft', async () => {
    await click(page, page.locator('header a[href="/ho-so"]'));
    assert.equal(await page.locator(`main table a[href="/ho-so/${code}"]`).count(), 1, 'the dossier is listed');
    assert.equal(await page.locator('main a[href^="/ho-so-nhap/"]').count(), 0, 'the submitted draft is gone');
    await expectAccessible(page, 'my dossiers (submitted)');
    await click(page, page.locator(`main table a[href="/ho-so/${code}"]`));
    assert.equal(pathOf(page), `/ho-so/${code}`);
    assert.equal(await page.locator('main [role="status"]').count(), 0, 'the "just submitted" panel is gone');
    await expectAccessible(page, 'dossier');
  });

  await step(t, page, 'the receipt slip downloads as a PDF carrying the code and the QR link', async () => {
    const downloaded = page.waitForEvent('download', { timeout: 30_000 });
    await page.locator(`main a[href="/ho-so/${code}/giay-tiep-nhan.pdf"]`).click();
    const download = await downloaded;
    assert.equal(download.suggestedFilename(), `giay-tiep-nhan-${code}.pdf`);
    const path = await download.path();
    const bytes = new Uint8Array(await readFile(path));
    assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
    const slip = pdfText(bytes);
    assert.ok(slip.replace(/\s+/g, '').includes(code), `the slip text carries ${code}`);
    const qr = decodeQrCode(bytes);
    assert.ok(qr, 'the slip carries a QR code');
    const target = new URL(qr);
    assert.equal(`${target.pathname}${target.search}`, publicLink, 'the QR code opens the same public page as the dossier link');
  });

  await step(t, page, 'the public lookup refuses wrong digits, then finds the dossier by code and the last four phone digits', async () => {
    await click(page, page.locator('nav.primary-nav a[href="/tra-cuu"]'));
    assert.equal(pathOf(page), '/tra-cuu');
    await expectAccessible(page, 'public lookup form');
    const wrongDigits = applicant.phoneLast4 === '0000' ? '1111' : '0000';
    await page.locator('#code').fill(code);
    await page.locator('#check').fill(wrongDigits);
    await click(page, page.locator('main form button[type="submit"]'));
    assert.match(await page.title(), /^Lỗi: /, 'wrong digits are an error');
    assert.ok(await page.locator('#check-error').isVisible(), 'the error shows at the check field');
    assert.equal(await page.locator('#code').inputValue(), code, 'the code typed is kept');
    await expectAccessible(page, 'public lookup form (wrong digits)');
    await page.locator('#check').fill(applicant.phoneLast4);
    await click(page, page.locator('main form button[type="submit"]'));
    assert.equal(await text(page.locator('main h1')), code);
    const body = await text(page.locator('main'));
    assert.match(body, /Chờ tiếp nhận/);
    assert.ok(body.includes(birthRegistration.name), 'it names the procedure');
    for (const secret of [applicant.fullName, applicant.personalId, renamedChild]) assert.ok(!body.includes(secret), `it does not show "${secret}"`);
    await expectAccessible(page, 'public lookup result');
  });

  await step(t, page, 'the QR link opens the same public page without typing anything', async () => {
    await page.goto(url(publicLink));
    assert.equal(await text(page.locator('main h1')), code);
    assert.match(await text(page.locator('main')), /Chờ tiếp nhận/);
    await expectAccessible(page, 'public lookup by QR link');
  });
}

/** Registration with phone, password and consent; the code from the development mailbox; sign-in; the profile. */
async function registerNewCitizen(t: TestContext, page: Page): Promise<void> {
  await step(t, page, 'registers with a phone number, a password and consent', async () => {
    await page.goto(url('/dang-ky'));
    await expectAccessible(page, 'register');
    await page.locator('#contact').fill(newCitizen.phone);
    await page.locator('#fullName').fill(newCitizen.fullName);
    await page.locator('#password').fill(newCitizen.password);
    assert.ok(await page.locator('#consent-notice-title').isVisible(), 'the personal-data notice is shown before consent');
    await page.locator('#consent').check();
    await click(page, page.locator('main form button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, '/xac-thuc');
    assert.equal(await page.locator('#account').inputValue(), newCitizen.phoneStored);
    await expectAccessible(page, 'verify');
  });

  await step(t, page, 'proves the phone with the one-time code from the development mailbox', async () => {
    const mailbox = await page.context().newPage();
    try {
      await mailbox.goto(url('/dev/hop-thu'));
      await expectAccessible(mailbox, 'development mailbox');
      const code = codeFromMailbox(await mailbox.content(), newCitizen.phoneStored);
      assert.ok(code, 'the mailbox holds a code for the new phone');
      await page.locator('#code').fill(code);
    } finally {
      await mailbox.close();
    }
    await click(page, page.locator('main form[action="/xac-thuc"] button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, '/dang-nhap');
    assert.ok(await page.locator('main .banner, main [role="status"]').first().isVisible(), 'a notice says the account is verified');
    await expectAccessible(page, 'sign in (verified)');
  });

  await step(t, page, 'signs in and lands on the profile', async () => {
    assert.equal(await page.locator('#account').inputValue(), newCitizen.phoneStored);
    await page.locator('#password').fill(newCitizen.password);
    await click(page, page.locator('main form[action="/dang-nhap"] button[type="submit"]'));
    assert.equal(pathOf(page), '/tai-khoan');
    assert.equal(await page.locator('#fullName').inputValue(), newCitizen.fullName);
    assert.equal(await page.locator('#phone').inputValue(), newCitizen.phoneStored, 'the phone proven at registration is on the profile');
    await expectAccessible(page, 'profile (empty)');
  });

  await step(t, page, 'fills the profile: personal id, birth date, sex, province then commune', async () => {
    await page.locator('#personalId').fill('001 2 05 012345');
    await page.locator('#birthDay').fill(newCitizen.birth.day);
    await page.locator('#birthMonth').fill(newCitizen.birth.month);
    await page.locator('#birthYear').fill(newCitizen.birth.year);
    await page.locator('input[name="sex"][value="male"]').check();
    await page.locator('#provinceCode').selectOption(demoProvince);
    await click(page, page.locator('button[name="action"][value="province"]'));
    // Choosing the province kept what was typed and listed its communes.
    assert.equal(await page.locator('#personalId').inputValue(), '001 2 05 012345');
    assert.ok((await page.locator('#communeCode option').count()) > 1, 'the communes of the province are listed');
    await expectAccessible(page, 'profile (communes listed)');
    await page.locator('#communeCode').selectOption(demoCommune);
    await page.locator('#addressLine').fill(newCitizen.addressLine);
    await click(page, page.locator('button[name="action"][value="save"]'));
    assert.equal(pathOf(page), '/tai-khoan?da-luu=1');
    assert.equal(await page.locator('#personalId').inputValue(), newCitizen.personalId);
    assert.equal(await page.locator('#communeCode').inputValue(), demoCommune);
    await expectAccessible(page, 'profile (saved)');
  });
}

async function signInDemoCitizen(t: TestContext, page: Page): Promise<void> {
  await step(t, page, 'the demo citizen signs in', async () => {
    await page.goto(url('/dang-nhap'));
    await expectAccessible(page, 'sign in');
    await page.locator('#account').fill(demoCitizen.account);
    await page.locator('#password').fill(demoCitizen.password);
    await click(page, page.locator('main form[action="/dang-nhap"] button[type="submit"]'));
    assert.equal(pathOf(page), '/tai-khoan');
    assert.equal(await page.locator('#personalId').inputValue(), demoCitizen.personalId);
    await expectAccessible(page, 'profile');
  });
}

/**
 * Per test: a journey takes 40–70 s on a quiet machine, 80–90 s alone on a slower one, and up to 150 s there while
 * another test file runs beside it (CI runs two at a time): the bound is twice that.
 */
const timeout = 300_000;

describe('a citizen applies online in Chromium', { concurrency: true }, () => {
  test('a new citizen registers, applies for a birth registration and follows it (JavaScript on)', { timeout }, async (t) => {
    const page = await browser.newPage({ javaScriptEnabled: true });
    try {
      await registerNewCitizen(t, page);
      await applyForBirthRegistration(t, page, {
        relationship: 'father',
        fullName: newCitizen.fullName,
        personalId: newCitizen.personalId,
        birthIso: newCitizen.birthIso,
        phoneLast4: newCitizen.phoneStored.slice(-4),
      });
    } finally {
      await page.context().close();
    }
  });

  test('the demo citizen applies for a birth registration and follows it (JavaScript off)', { timeout }, async (t) => {
    const page = await browser.newPage({ javaScriptEnabled: false });
    try {
      await signInDemoCitizen(t, page);
      await applyForBirthRegistration(t, page, {
        relationship: 'mother',
        fullName: demoCitizen.fullName,
        personalId: demoCitizen.personalId,
        birthIso: '1996-05-14',
        phoneLast4: demoCitizen.phoneLast4,
      });
    } finally {
      await page.context().close();
    }
  });
});
