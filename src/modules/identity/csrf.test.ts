import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { CSRF_COOKIE, csrfAction, csrfPlugin, csrfTokenFor, isValidCsrfToken } from '../../platform/http/csrf.js';
import { createServer } from '../../platform/http/server.js';
import { csrfTokenIn, TestBrowser } from './testing.js';

let database: Database;
let app: FastifyInstance;

before(async () => {
  database = await openTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  app = await createServer({ config, database, portal: { agencyCode: 'T', agencyName: 'Test' } });
  await app.register(csrfPlugin, { secure: false });
  // A form page, the handler it posts to, an API route and a multipart route (body discarded by a stub parser).
  app.get('/form', async (request, reply) => reply.type('text/html').send(`<form><input type="hidden" name="_csrf" value="${request.csrfToken}"></form>`));
  app.post('/form', async () => ({ ok: true }));
  app.post('/api/v1/thing', async () => ({ ok: true }));
  app.addContentTypeParser('multipart/form-data', (_request, payload, done) => {
    payload.resume();
    payload.on('end', () => done(null, {}));
  });
  app.post('/upload', async () => ({ ok: true }));
});

after(async () => {
  await app.close();
  await database.close();
});

function refused(res: { statusCode: number; body: string }): void {
  assert.equal(res.statusCode, 403);
  assert.match(res.body, /CSRF_TOKEN_INVALID/);
}

describe('csrfPlugin', () => {
  test('does give a first-time visitor a signed, HttpOnly, SameSite=Lax secret cookie and a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/form' });
    const cookie = res.cookies.find((c) => c.name === CSRF_COOKIE);
    assert.ok(cookie, 'cookie set');
    assert.equal((cookie as { httpOnly?: boolean }).httpOnly, true);
    assert.equal((cookie as { sameSite?: string }).sameSite, 'Lax');
    assert.ok(cookie.value.includes('.'), 'signed value');
    assert.ok(csrfTokenIn(res.body));
  });

  test('does accept a form post carrying the token of its page', async () => {
    const browser = new TestBrowser(app);
    await browser.get('/form');
    const res = await browser.post('/form', { name: 'Lan' });
    assert.equal(res.statusCode, 200);
  });

  test('does refuse a form post without a token with 403 CSRF_TOKEN_INVALID', async () => {
    const browser = new TestBrowser(app);
    await browser.get('/form');
    refused(await browser.post('/form', { name: 'Lan' }, { csrf: null }));
  });

  test('does refuse a post with no cookie at all, even with a token', async () => {
    const token = csrfTokenIn((await app.inject({ method: 'GET', url: '/form' })).body)!;
    refused(
      await app.inject({
        method: 'POST',
        url: '/form',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${encodeURIComponent(token)}`,
      }),
    );
  });

  test("does refuse another visitor's token", async () => {
    const victim = new TestBrowser(app);
    const attacker = new TestBrowser(app);
    await victim.get('/form');
    await attacker.get('/form');
    refused(await victim.post('/form', { name: 'x' }, { csrf: csrfTokenIn(attacker.lastPage) }));
  });

  test('does refuse a tampered token and a tampered cookie', async () => {
    const browser = new TestBrowser(app);
    await browser.get('/form');
    const token = csrfTokenIn(browser.lastPage)!;
    refused(await browser.post('/form', {}, { csrf: `${token.slice(0, -2)}AA` }));
    browser.cookies.set(CSRF_COOKIE, `${browser.cookies.get(CSRF_COOKIE)!.slice(0, -3)}abc`);
    refused(await browser.post('/form', {}, { csrf: token }));
  });

  test('does accept the token in the x-csrf-token header', async () => {
    const browser = new TestBrowser(app);
    await browser.get('/form');
    const res = await app.inject({
      method: 'POST',
      url: '/form',
      headers: { ...browser.headers(), 'x-csrf-token': csrfTokenIn(browser.lastPage)!, 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(res.statusCode, 200);
  });

  test('does give every page a different token for the same secret', async () => {
    const browser = new TestBrowser(app);
    await browser.get('/form');
    const first = csrfTokenIn(browser.lastPage);
    await browser.get('/form');
    assert.notEqual(csrfTokenIn(browser.lastPage), first);
    assert.equal((await browser.post('/form', {}, { csrf: first })).statusCode, 200, 'an older token of the same secret still works');
  });

  test('does not check state-changing requests under /api/', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/thing', payload: {} });
    assert.equal(res.statusCode, 200);
  });

  test('does take a multipart form token from the query string, and only for multipart', async () => {
    const browser = new TestBrowser(app);
    await browser.get('/form');
    const token = csrfTokenIn(browser.lastPage)!;
    const multipart = (url: string) =>
      app.inject({
        method: 'POST',
        url,
        headers: { ...browser.headers(), 'content-type': 'multipart/form-data; boundary=x' },
        payload: '--x\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--x--\r\n',
      });
    assert.equal((await multipart(csrfAction('/upload', token))).statusCode, 200);
    refused(await multipart('/upload'));
    refused(await multipart(csrfAction('/upload', `${token.slice(0, -2)}AA`)));
    const urlencoded = await app.inject({
      method: 'POST',
      url: csrfAction('/form', token),
      headers: { ...browser.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=x',
    });
    refused(urlencoded);
  });
});

test('isValidCsrfToken does refuse malformed tokens without throwing', () => {
  const secret = Buffer.alloc(32, 7);
  assert.equal(isValidCsrfToken(secret, csrfTokenFor(secret)), true);
  for (const bad of ['', '.', 'abc', 'a.b', `${'A'.repeat(22)}.`, `.${'A'.repeat(43)}`, 'x'.repeat(500)]) {
    assert.equal(isValidCsrfToken(secret, bad), false, bad);
  }
  assert.equal(isValidCsrfToken(Buffer.alloc(32, 8), csrfTokenFor(secret)), false);
});
