import { createHash, randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionUser } from './auth.js';
import { renewCsrfSecret } from './csrf.js';

/**
 * Server-side sessions. The browser holds a random 32-byte token in the `motcua_sid` cookie; the database holds
 * only its SHA-256, so a leaked copy of the session table cannot be replayed as cookies (OWASP Session Management
 * Cheat Sheet). A session ends after `idleTimeoutSeconds` without a request or `absoluteTimeoutSeconds` after
 * sign-in, whichever comes first (NIST SP 800-63B §7.1 reauthentication bounds).
 *
 * Storage is a port (`SessionStore`): the identity module owns the `session` table and provides the repository,
 * so this file carries no SQL.
 */
export const SESSION_COOKIE = 'motcua_sid';

const tokenBytes = 32;
// base64url of 32 bytes, without padding: 43 characters. Anything else is not one of our tokens.
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export interface StoredSession {
  userId: number;
  createdAt: Date;
  lastSeenAt: Date;
  /** Absolute end, fixed at sign-in. */
  expiresAt: Date;
  /** The device it was started from (User-Agent, cut to 300 characters, and client address), for "my sessions". */
  userAgent?: string | null;
  ip?: string | null;
  /** The ID token of a sign-in through an identity provider, kept for RP-initiated logout. */
  providerIdToken?: string | null;
}

/** What the session table must offer; `idHash` is the hex SHA-256 of the cookie token. */
export interface SessionStore {
  insert(idHash: string, session: StoredSession): Promise<void>;
  /** The session and its user (one query), or null when there is no such session. */
  find(idHash: string): Promise<{ session: StoredSession; user: SessionUser } | null>;
  touch(idHash: string, lastSeenAt: Date): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of a user (password reset, account closure); returns how many. */
  deleteForUser(userId: number): Promise<number>;
  /** Deletes sessions past their absolute end or idle since before `idleSince`; returns how many. */
  deleteExpired(now: Date, idleSince: Date): Promise<number>;
}

export interface SessionPolicy {
  /** A session unused for this long ends (configuration: SESSION_IDLE_MINUTES). */
  idleTimeoutSeconds: number;
  /** A shorter (or longer) idle timeout for some kinds of user, e.g. officers (OFFICER_SESSION_IDLE_MINUTES). */
  idleTimeoutSecondsByKind?: Partial<Record<SessionUser['kind'], number>>;
  /** A session ends this long after sign-in whatever happens (configuration: SESSION_MAX_HOURS). */
  absoluteTimeoutSeconds: number;
  /** `last_seen_at` is written at most this often, so reading pages does not write a row per request. Default 60. */
  touchIntervalSeconds?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Creates, resolves, rotates and ends sessions; knows nothing of HTTP (the plugin below adds the cookie). */
export class SessionManager {
  private readonly now: () => Date;
  private readonly touchIntervalMs: number;

  constructor(
    private readonly store: SessionStore,
    private readonly policy: SessionPolicy,
  ) {
    if (!(policy.idleTimeoutSeconds > 0) || !(policy.absoluteTimeoutSeconds > 0)) {
      throw new Error('session timeouts must be positive');
    }
    this.now = policy.now ?? (() => new Date());
    this.touchIntervalMs = (policy.touchIntervalSeconds ?? 60) * 1000;
  }

  /**
   * Starts a session for `userId` and returns its token. The session named by `replacing` (the visitor's
   * current token, if any) is deleted first: a token known before sign-in is never valid after it, which defeats
   * session fixation (OWASP: renew the session id after any privilege level change).
   */
  async start(
    userId: number,
    replacing: string | null = null,
    device: Pick<StoredSession, 'userAgent' | 'ip' | 'providerIdToken'> = {},
  ): Promise<{ token: string; expiresAt: Date }> {
    if (replacing && tokenPattern.test(replacing)) await this.store.delete(hashSessionToken(replacing));
    const token = randomBytes(tokenBytes).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.policy.absoluteTimeoutSeconds * 1000);
    await this.store.insert(hashSessionToken(token), { userId, createdAt: now, lastSeenAt: now, expiresAt, ...device });
    return { token, expiresAt };
  }

  /** The user of a live session, or null; an expired session is deleted on sight. */
  async resolve(token: string): Promise<SessionUser | null> {
    if (!tokenPattern.test(token)) return null;
    const idHash = hashSessionToken(token);
    const found = await this.store.find(idHash);
    if (!found) return null;
    const now = this.now().getTime();
    const { session } = found;
    const idleSeconds = this.policy.idleTimeoutSecondsByKind?.[found.user.kind] ?? this.policy.idleTimeoutSeconds;
    const idleEnd = session.lastSeenAt.getTime() + idleSeconds * 1000;
    if (now >= session.expiresAt.getTime() || now >= idleEnd) {
      await this.store.delete(idHash);
      return null;
    }
    if (now - session.lastSeenAt.getTime() >= this.touchIntervalMs) await this.store.touch(idHash, new Date(now));
    return found.user;
  }

  async end(token: string): Promise<void> {
    if (tokenPattern.test(token)) await this.store.delete(hashSessionToken(token));
  }

  async endAllForUser(userId: number): Promise<number> {
    return this.store.deleteForUser(userId);
  }

  /** For a periodic job: removes sessions that can no longer be used. */
  async purgeExpired(): Promise<number> {
    const now = this.now();
    return this.store.deleteExpired(now, new Date(now.getTime() - this.policy.idleTimeoutSeconds * 1000));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Fastify plugin

export interface SessionPluginOptions extends SessionPolicy {
  store: SessionStore;
  /** Adds the Secure attribute to the cookie; true when the portal's base URL is https. */
  secure: boolean;
  /** Paths that never need the user (no database read): static files and health checks by default. */
  skipPathPrefixes?: readonly string[];
}

interface RequestSession {
  manager: SessionManager;
  secure: boolean;
  /** The token of the request's live session, if any. */
  token: string | null;
}

// Per-request state for login/logout below, in a symbol-named request decoration (cheaper than a WeakMap entry).
const kSession = Symbol('motcua.session');
type WithSession = FastifyRequest & { [kSession]: RequestSession | null };

function cookieOptions(secure: boolean) {
  // No Max-Age: a browser-session cookie. The server enforces both timeouts whatever the browser keeps.
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };
}

const sessionPluginImpl: FastifyPluginAsync<SessionPluginOptions> = async (app, options) => {
  const manager = new SessionManager(options.store, options);
  const skip = options.skipPathPrefixes ?? ['/assets/', '/health/'];
  app.decorateRequest(kSession, null);
  // A callback hook, not an async one: a visitor without a session cookie (every anonymous page) costs no promise.
  app.addHook('onRequest', (request, reply, done) => {
    const state: RequestSession = { manager, secure: options.secure, token: null };
    (request as WithSession)[kSession] = state;
    request.user = null;
    const token = request.cookies[SESSION_COOKIE];
    if (!token || skip.some((prefix) => request.url.startsWith(prefix))) return done();
    manager.resolve(token).then((user) => {
      if (user) {
        request.user = user;
        state.token = token;
      } else {
        reply.clearCookie(SESSION_COOKIE, cookieOptions(options.secure));
      }
      done();
    }, done);
  });
};

/**
 * Resolves the session cookie into `request.user` on every request. Registered on the root instance; the
 * `skip-override` mark (what the fastify-plugin package sets, Fastify docs "Plugins guide") keeps the hook out of
 * encapsulation so it applies to every route registered after it. Register it before the route plugins.
 */
export const sessionPlugin = Object.assign(sessionPluginImpl, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'motcua-session',
});

function sessionOf(request: FastifyRequest): RequestSession {
  const state = (request as WithSession)[kSession];
  if (!state) throw new Error('sessionPlugin is not registered on this server');
  return state;
}

/**
 * Signs `userId` in: ends the visitor's current session (fixation), starts a new one, sets the cookie, renews the
 * CSRF secret and updates `request.user` for the rest of this request. Call after the credentials were checked.
 */
export async function login(reply: FastifyReply, userId: number, extra: { providerIdToken?: string } = {}): Promise<SessionUser> {
  const request = reply.request;
  const state = sessionOf(request);
  const previous = state.token ?? request.cookies[SESSION_COOKIE] ?? null;
  const userAgent = request.headers['user-agent']?.slice(0, 300) ?? null;
  const { token } = await state.manager.start(userId, previous, { userAgent, ip: request.ip ?? null, providerIdToken: extra.providerIdToken ?? null });
  const user = await state.manager.resolve(token);
  if (!user) throw new Error(`session for user ${userId} could not be read back`);
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(state.secure));
  state.token = token;
  request.user = user;
  renewCsrfSecret(reply);
  return user;
}

/** Ends the current session (if any), clears the cookie and renews the CSRF secret. */
export async function logout(reply: FastifyReply): Promise<void> {
  const request = reply.request;
  const state = sessionOf(request);
  const token = state.token ?? request.cookies[SESSION_COOKIE] ?? null;
  if (token) await state.manager.end(token);
  reply.clearCookie(SESSION_COOKIE, cookieOptions(state.secure));
  state.token = null;
  request.user = null;
  renewCsrfSecret(reply);
}

/** Ends every session of a user, e.g. after a password reset ("sign out everywhere"). */
export async function logoutEverywhere(request: FastifyRequest, userId: number): Promise<number> {
  return sessionOf(request).manager.endAllForUser(userId);
}
