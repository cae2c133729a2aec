import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../platform/config/config.js';
import type { Database } from '../platform/db/database.js';
import { openTestDatabase } from '../platform/db/testing.js';
import { TestBrowser, signInCitizen } from '../modules/identity/testing.js';
import { createWebApp } from './app.js';
import { loadDemoData } from './seed.js';

/*
 * Property tests over the public and signed-in inputs: whatever arrives in a query, a path or a form, the server
 * answers with a page or a clear error (4xx), never a 5xx. Strings cover all of Unicode (NUL, control characters,
 * surrogates escaped as %ED%A0%80, right-to-left marks, very long values), SQL and markup fragments.
 */

let database: Database;
let app: FastifyInstance;
let dataDir: string;
let citizen: TestBrowser;
let draftSection = '';
let address = 0;

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-fuzz-'));
  // Generous limits: this test checks answers to odd input, the rate limiter has its own tests.
  const config = loadConfig({ LOG_LEVEL: 'silent', AUTH_RATE_LIMIT: '100000', LOOKUP_RATE_LIMIT: '100000', SEARCH_RATE_LIMIT: '100000' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
  citizen = new TestBrowser(app, '10.77.0.1');
  await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
  const started = await citizen.get('/thu-tuc/1.010041/nop-truc-tuyen');
  let location = String(started.headers.location ?? '');
  for (let i = 0; i < 3 && location && !/\/ho-so-nhap\/[^/]+\/[^/?]+/.test(location); i++) {
    location = String((await citizen.get(location)).headers.location ?? '');
  }
  draftSection = location.split('?')[0] ?? '';
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom("' OR 1=1 --", '1; DROP TABLE dossier; --', "'); select pg_sleep(5); --", '<script>alert(1)</script>', '%00', '\u0000', '../../etc/passwd', '{{7*7}}', '\u202e', 'NaN', '-1', '9'.repeat(400)),
  fc.string({ unit: 'grapheme', minLength: 200, maxLength: 3000 }),
);

/** Percent-encodes a string as a browser would, keeping lone surrogates as their (invalid) UTF-8 bytes. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function assertNo5xx(res: LightMyRequestResponse, what: string) {
  assert.ok(res.statusCode < 500, `${what} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
}

const runs = { numRuns: Number(process.env.FUZZ_RUNS ?? 40) };

test('search pages and the catalogue API answer any query without a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(nasty, nasty, fc.constantFrom('/thu-tuc', '/linh-vuc/ho-tich', '/api/v1/procedures', '/co-quan/000.00.00.H42'), async (q, page, path) => {
      const res = await app.inject({ method: 'GET', url: `${path}?q=${encode(q)}&trang=${encode(page)}&page=${encode(page)}&pageSize=${encode(page)}`, remoteAddress: `10.78.${(address >> 8) & 255}.${address++ & 255}` });
      assertNo5xx(res, `${path} q=${JSON.stringify(q)}`);
    }),
    runs,
  );
});

test('any path segment gives a page or a 404, never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(nasty, fc.constantFrom('/thu-tuc/', '/co-quan/', '/linh-vuc/', '/su-kien/', '/tra-cuu/', '/ho-so/', '/ho-so-nhap/', '/api/v1/procedures/', '/can-bo/ho-so/', '/lang/'), async (segment, prefix) => {
      const res = await app.inject({ method: 'GET', url: `${prefix}${encode(segment)}` });
      assertNo5xx(res, `${prefix}${JSON.stringify(segment)}`);
      const signedIn = await citizen.get(`${prefix}${encode(segment)}`);
      assertNo5xx(signedIn, `(citizen) ${prefix}${JSON.stringify(segment)}`);
    }),
    runs,
  );
});

test('the lookup and sign-in forms answer any input without a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(nasty, nasty, async (a, b) => {
      const visitor = new TestBrowser(app, `10.79.${(address >> 8) & 255}.${address++ & 255}`);
      await visitor.get('/tra-cuu');
      assertNo5xx(await visitor.post('/tra-cuu', { code: a, check: b }), `lookup ${JSON.stringify([a, b])}`);
      await visitor.get('/dang-nhap');
      assertNo5xx(await visitor.post('/dang-nhap', { account: a, password: b }), `sign-in ${JSON.stringify([a, b])}`);
    }),
    runs,
  );
});

test('a citizen’s profile and e-form pages answer any field values without a 5xx and keep the input', async () => {
  assert.ok(draftSection, 'a draft section to post to');
  await fc.assert(
    fc.asyncProperty(fc.dictionary(fc.constantFrom('fullName', 'phone', 'email', 'personalId', 'birthDate', 'sex', 'provinceCode', 'communeCode', 'street', 'contents', 'purpose', 'declaration', 'x'), nasty, { maxKeys: 8 }), async (fields) => {
      await citizen.get('/tai-khoan');
      assertNo5xx(await citizen.post('/tai-khoan', fields), `profile ${JSON.stringify(fields).slice(0, 200)}`);
      await citizen.get(draftSection);
      const res = await citizen.post(draftSection, fields);
      assertNo5xx(res, `e-form ${JSON.stringify(fields).slice(0, 200)}`);
    }),
    runs,
  );
});
