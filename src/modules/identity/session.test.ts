import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { createServer } from '../../platform/http/server.js';
import { hashSessionToken, login, logout, SESSION_COOKIE, SessionManager, sessionPlugin } from '../../platform/http/session.js';
import { createUsersService, type UserView } from '../admin/index.js';
import { SessionRepository } from './session.repository.js';

const hashParams = { N: 1024, r: 8, p: 1 };
const idle = 30 * 60;
const absolute = 12 * 3600;

let database: Database;
let citizen: UserView;
let store: SessionRepository;
let clock: Date;
let manager: SessionManager;

function advance(seconds: number): void {
  clock = new Date(clock.getTime() + seconds * 1000);
}

before(async () => {
  database = await openTestDatabase();
  citizen = await createUsersService(database, { hashParams }).create({
    kind: 'citizen',
    username: '0912000111',
    displayName: 'Nguyễn Văn An',
    password: 'mat-khau-dai-du',
  });
  store = new SessionRepository(database.db);
  clock = new Date('2026-11-23T08:00:00Z');
  manager = new SessionManager(store, { idleTimeoutSeconds: idle, absoluteTimeoutSeconds: absolute, now: () => clock });
});

after(async () => {
  await database.close();
});

describe('SessionManager', () => {
  test('does resolve a new session to its user and store only the hash of the token', async () => {
    const { token, expiresAt } = await manager.start(citizen.id);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(expiresAt.getTime(), clock.getTime() + absolute * 1000);
    const user = await manager.resolve(token);
    assert.deepEqual(user, { id: citizen.id, kind: 'citizen', displayName: 'Nguyễn Văn An', agencyId: null, roles: [] });
    const rows = await database.db.selectFrom('session').select('id_hash').where('user_id', '=', citizen.id).execute();
    assert.ok(rows.some((r) => r.id_hash === hashSessionToken(token)));
    assert.ok(rows.every((r) => r.id_hash !== token));
  });

  test('does return null for an unknown or malformed token', async () => {
    assert.equal(await manager.resolve('x'.repeat(43)), null);
    assert.equal(await manager.resolve('not a token'), null);
    assert.equal(await manager.resolve(''), null);
  });

  test('does end a session after the idle timeout without requests', async () => {
    const { token } = await manager.start(citizen.id);
    advance(idle - 60);
    assert.ok(await manager.resolve(token), 'still alive just before the idle limit');
    advance(idle - 60);
    assert.ok(await manager.resolve(token), 'each request moves the idle limit on');
    advance(idle);
    assert.equal(await manager.resolve(token), null);
    assert.equal(await store.find(hashSessionToken(token)), null, 'the expired row is deleted');
  });

  test('does end a session at its absolute expiry even when it is used constantly', async () => {
    const { token } = await manager.start(citizen.id);
    for (let elapsed = 0; elapsed < absolute - 20 * 60; elapsed += 20 * 60) {
      advance(20 * 60);
      assert.ok(await manager.resolve(token));
    }
    advance(20 * 60);
    assert.equal(await manager.resolve(token), null);
  });

  test('does rotate: the token known before sign-in no longer works after it', async () => {
    const first = await manager.start(citizen.id);
    const second = await manager.start(citizen.id, first.token);
    assert.notEqual(first.token, second.token);
    assert.equal(await manager.resolve(first.token), null);
    assert.ok(await manager.resolve(second.token));
  });

  test('does end one session, or every session of a user', async () => {
    const a = await manager.start(citizen.id);
    const b = await manager.start(citizen.id);
    await manager.end(a.token);
    assert.equal(await manager.resolve(a.token), null);
    assert.ok(await manager.resolve(b.token));
    assert.ok((await manager.endAllForUser(citizen.id)) >= 1);
    assert.equal(await manager.resolve(b.token), null);
  });

  test('does purge only sessions that can no longer be used', async () => {
    const stale = await manager.start(citizen.id);
    advance(idle + 1);
    const fresh = await manager.start(citizen.id);
    const purged = await manager.purgeExpired();
    assert.ok(purged >= 1);
    assert.equal(await store.find(hashSessionToken(stale.token)), null);
    assert.ok(await store.find(hashSessionToken(fresh.token)));
  });
});

describe('sessionPlugin', () => {
  let app: FastifyInstance;
  let secureApp: FastifyInstance;

  async function build(secure: boolean): Promise<FastifyInstance> {
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const server = await createServer({ config, database, portal: { agencyCode: 'T', agencyName: 'Test' } });
    await server.register(sessionPlugin, { store, idleTimeoutSeconds: idle, absoluteTimeoutSeconds: absolute, secure });
    server.post<{ Body: { id: string } }>('/test/login', async (request, reply) => {
      await login(reply, Number(request.body.id));
      return { user: request.user };
    });
    server.post('/test/logout', async (request, reply) => {
      await logout(reply);
      return { user: request.user };
    });
    server.get('/test/me', async (request) => ({ user: request.user }));
    return server;
  }

  before(async () => {
    app = await build(false);
    secureApp = await build(true);
  });
  after(async () => {
    await app.close();
    await secureApp.close();
  });

  test('does set an HttpOnly, SameSite=Lax, Path=/ cookie, Secure only for an https portal', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/login', payload: { id: String(citizen.id) } });
    const header = String(res.headers['set-cookie']);
    assert.match(header, new RegExp(`${SESSION_COOKIE}=[A-Za-z0-9_-]{43}`));
    assert.match(header, /HttpOnly/);
    assert.match(header, /SameSite=Lax/);
    assert.match(header, /Path=\//);
    assert.doesNotMatch(header, /Secure/);
    const secure = await secureApp.inject({ method: 'POST', url: '/test/login', payload: { id: String(citizen.id) } });
    assert.match(String(secure.headers['set-cookie']), /Secure/);
  });

  test('does set request.user from the cookie, and null without one', async () => {
    const signedIn = await app.inject({ method: 'POST', url: '/test/login', payload: { id: String(citizen.id) } });
    const token = signedIn.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    const me = await app.inject({ method: 'GET', url: '/test/me', cookies: { [SESSION_COOKIE]: token } });
    assert.equal(me.json().user.id, citizen.id);
    const anonymous = await app.inject({ method: 'GET', url: '/test/me' });
    assert.equal(anonymous.json().user, null);
  });

  test('does replace a planted session cookie on sign-in (session fixation)', async () => {
    const planted = (await manager.start(citizen.id)).token;
    const res = await app.inject({ method: 'POST', url: '/test/login', payload: { id: String(citizen.id) }, cookies: { [SESSION_COOKIE]: planted } });
    const issued = res.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    assert.notEqual(issued, planted);
    const withPlanted = await app.inject({ method: 'GET', url: '/test/me', cookies: { [SESSION_COOKIE]: planted } });
    assert.equal(withPlanted.json().user, null);
  });

  test('does clear the cookie and end the session on logout, and clear a dead cookie', async () => {
    const signedIn = await app.inject({ method: 'POST', url: '/test/login', payload: { id: String(citizen.id) } });
    const token = signedIn.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    const out = await app.inject({ method: 'POST', url: '/test/logout', payload: {}, cookies: { [SESSION_COOKIE]: token } });
    assert.equal(out.json().user, null);
    assert.ok(out.cookies.some((c) => c.name === SESSION_COOKIE && c.value === ''));
    const after = await app.inject({ method: 'GET', url: '/test/me', cookies: { [SESSION_COOKIE]: token } });
    assert.equal(after.json().user, null);
    assert.ok(after.cookies.some((c) => c.name === SESSION_COOKIE && c.value === ''), 'a dead cookie is cleared');
  });
});
