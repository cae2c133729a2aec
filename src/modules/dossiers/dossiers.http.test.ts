import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { createWebApp } from '../../main/app.js';
import { loadDemoData } from '../../main/seed.js';
import { TestBrowser, signInCitizen } from '../identity/testing.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let database: Database;
let app: FastifyInstance;

before(async () => {
  database = await openTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir: mkdtempSync(join(tmpdir(), 'motcua-files-')) });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
});

after(async () => {
  await app.close();
  await database.close();
});

/** What a browser would send for the first form of a page: every field with its current value. */
function formFields(html: string): Record<string, string> {
  const form = /<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/.exec(html.slice(html.indexOf('<main')))?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const attrs = m[1]!;
    const name = /name="([^"]+)"/.exec(attrs)?.[1];
    if (!name || name === '_action') continue;
    const type = /type="([^"]+)"/.exec(attrs)?.[1] ?? 'text';
    const value = /value="([^"]*)"/.exec(attrs)?.[1] ?? '';
    if ((type === 'radio' || type === 'checkbox') && !/\schecked/.test(attrs)) continue;
    if (type === 'file') continue;
    fields[name] = value.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) fields[m[1]!] = m[2]!;
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option[^>]*value="([^"]*)"[^>]*selected/.exec(m[2]!)?.[1];
    if (selected !== undefined) fields[m[1]!] = selected;
  }
  return fields;
}

async function signIn(b: TestBrowser) {
  await signInCitizen(b, 'citizen@demo.motcua.vn', 'Demo@2026');
}

/** Fills the residence-confirmation e-form page by page, as a browser would, with `answers` on top. */
async function fillResidenceForm(b: TestBrowser, answers: Record<string, Record<string, string>>): Promise<string> {
  let res = await b.get('/thu-tuc/1.010041/nop-truc-tuyen');
  assert.equal(res.statusCode, 303);
  let location = String(res.headers.location);
  for (let guard = 0; guard < 10; guard++) {
    res = await b.get(location);
    if (res.statusCode === 303) {
      location = String(res.headers.location);
      continue;
    }
    assert.equal(res.statusCode, 200, `${location}: ${res.statusCode}`);
    const section = location.split('/').pop()!;
    if (section === 'kiem-tra') return location;
    const fields = { ...formFields(res.body), ...(answers[section] ?? {}) };
    const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/.exec(res.body.slice(res.body.indexOf('<main')))![1]!.replace(/&amp;/g, '&');
    res = await b.post(action, fields, { csrf: fields._csrf ?? null });
    assert.equal(res.statusCode, 303, `${section}: ${res.statusCode} ${/error-summary[\s\S]{0,600}/.exec(res.body)?.[0] ?? ''}`);
    location = String(res.headers.location);
  }
  throw new Error('the form never reached the review page');
}

const answers = {
  request: { contents: 'permanent', purpose: 'Bổ sung hồ sơ xin việc', declaration: 'yes' },
  'noi-nop': { resultDelivery: 'online' },
};

describe('online submission journey', () => {
  let code = '';

  test('a signed-out visitor who starts an application is sent to sign in and back', async () => {
    const b = new TestBrowser(app, '10.0.0.1');
    const res = await b.get('/thu-tuc/1.010041/nop-truc-tuyen');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/dang-nhap?next=%2Fthu-tuc%2F1.010041%2Fnop-truc-tuyen');
  });

  test('fills the e-form prefilled from the profile, reviews and submits once', async () => {
    const b = new TestBrowser(app, '10.0.0.2');
    await signIn(b);
    const first = await b.get('/thu-tuc/1.010041/nop-truc-tuyen');
    const draftPage = await b.get(String(first.headers.location));
    const applicantPage = await b.get(String(draftPage.headers.location));
    assert.match(applicantPage.body, /Nguyễn Thị Hương/, 'the name is prefilled from the profile');
    assert.match(applicantPage.body, /037196001234/);
    const review = await fillResidenceForm(b, answers);
    const page = await b.get(review);
    assert.match(page.body, /Bổ sung hồ sơ xin việc/);
    const draftId = review.split('/')[2]!;
    const submitted = await b.post(`/ho-so-nhap/${draftId}/nop`, {});
    assert.equal(submitted.statusCode, 303, submitted.body.slice(0, 500));
    const location = String(submitted.headers.location);
    code = /\/ho-so\/([^?]+)/.exec(location)![1]!;
    assert.match(code, /^000\.00\.\d\d\.H42-\d{6}-\d{4}$/);
    // A second click (or a retry after a timeout) lands on the same dossier.
    await b.get(review);
    const again = await b.post(`/ho-so-nhap/${draftId}/nop`, {});
    assert.equal(again.headers.location, location);
    const count = await database.db.selectFrom('dossier').select((eb) => eb.fn.countAll<number>().as('n')).where('draft_id', '=', draftId).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
    const detail = await b.get(location);
    assert.match(detail.body, /Chờ tiếp nhận/);
    const outbox = await database.db.selectFrom('notification_outbox').select(['channel', 'recipient']).where('template_key', '=', 'dossier.submitted').execute();
    assert.ok(outbox.some((m) => m.channel === 'email') && outbox.some((m) => m.channel === 'sms'), 'the applicant is told by e-mail and SMS');
  });

  test('the receipt slip downloads as a PDF', async () => {
    const b = new TestBrowser(app, '10.0.0.3');
    await signIn(b);
    const res = await b.get(`/ho-so/${code}/giay-tiep-nhan.pdf`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: res.rawPayload }).toString();
    assert.ok(text.includes(code), 'the slip carries the dossier code');
    assert.match(text, /Ninh Bình, ngày \d{2} tháng \d{1,2} năm \d{4}/, 'the date line names the agency\'s province');
  });

  test('anyone with the code and the phone digits can look it up, without personal details', async () => {
    const b = new TestBrowser(app, '10.0.0.4');
    await b.get('/tra-cuu');
    const res = await b.post('/tra-cuu', { code, check: '5678' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Chờ tiếp nhận/);
    assert.doesNotMatch(res.body, /Nguyễn Thị Hương|0912345678|037196001234/);
    await b.get('/tra-cuu');
    const wrong = await b.post('/tra-cuu', { code, check: '0000' });
    assert.equal(wrong.statusCode, 404);
    assert.match(wrong.body, /value="[^"]*H42[^"]*"/, 'the code typed is kept');
  });

  test('another citizen cannot see the dossier', async () => {
    const b = new TestBrowser(app, '10.0.0.5');
    const res = await b.get(`/ho-so/${code}`);
    assert.equal(res.statusCode, 303, 'anonymous visitors are sent to sign in');
  });

  test('the citizen can withdraw the dossier, and its history says so', async () => {
    const b = new TestBrowser(app, '10.0.0.6');
    await signIn(b);
    await b.get(`/ho-so/${code}/rut`);
    const res = await b.post(`/ho-so/${code}/rut`, { reason: 'Không cần nữa' });
    assert.equal(res.statusCode, 303);
    const detail = await b.get(`/ho-so/${code}`);
    assert.match(detail.body, /Đã rút hồ sơ/);
  });
});

describe('bad input', () => {
  test('a missing required answer is named and the rest of the page is kept', async () => {
    const b = new TestBrowser(app, '10.0.1.1');
    await signIn(b);
    const start = await b.get('/thu-tuc/1.010041/nop-truc-tuyen');
    const draftId = String(start.headers.location).split('/')[2]!;
    const page = await b.get(`/ho-so-nhap/${draftId}/request`);
    const fields: Record<string, string> = { ...formFields(page.body), contents: 'permanent', purpose: '' };
    const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/.exec(page.body.slice(page.body.indexOf('<main')))![1]!.replace(/&amp;/g, '&');
    const res = await b.post(action, fields, { csrf: fields._csrf ?? null });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /href="#purpose"/);
    assert.match(res.body, /value="permanent"[^>]*checked|checked[^>]*value="permanent"/, 'the ticked box stays ticked');
  });

  test('submitting an incomplete draft lists what is missing instead of creating a dossier', async () => {
    const b = new TestBrowser(app, '10.0.1.2');
    await signIn(b);
    const start = await b.get('/thu-tuc/1.010041/nop-truc-tuyen');
    const draftId = String(start.headers.location).split('/')[2]!;
    await b.get(`/ho-so-nhap/${draftId}/kiem-tra`);
    const res = await b.post(`/ho-so-nhap/${draftId}/nop`, {});
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /class="error-summary"/);
  });

  test('a form posted without its CSRF token is refused', async () => {
    const b = new TestBrowser(app, '10.0.1.3');
    await signIn(b);
    const res = await b.post('/tra-cuu', { code: 'X', check: '1234' }, { csrf: null });
    assert.equal(res.statusCode, 403);
  });
});
