import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { CommonErrors, DomainError } from '../errors/errors.js';

/**
 * Cross-site request forgery protection for the HTML forms (OWASP CSRF Prevention Cheat Sheet, "synchronizer
 * token" variant that needs no server state).
 *
 * - Each visitor, signed in or not, gets a random 32-byte secret in a signed, HttpOnly cookie (`motcua_csrf`), so
 *   anonymous forms (registration, sign-in, recovery) are protected too.
 * - Each rendered page gets a token derived from the secret: `salt.HMAC-SHA256(secret, salt)` with a fresh salt,
 *   so the secret itself never appears in a page and the token changes on every response (BREACH).
 * - Every request that is not GET/HEAD/OPTIONS and not under `/api/` must send a token of its secret: the form
 *   field `_csrf`, or the header `x-csrf-token`. Checked in constant time; a failure is CSRF_TOKEN_INVALID (403).
 * - Multipart forms: the check runs before a multipart body is read (streamed uploads are parsed inside the
 *   handler), so a multipart form carries its token in the query string of its action:
 *   `<form method="post" enctype="multipart/form-data" action={csrfAction('/nop', ctx.csrfToken)}>`. A `_csrf`
 *   field that a multipart parser has already attached to the body (`attachFieldsToBody`) is accepted too.
 *   Query-string tokens are accepted for multipart requests only; the Referrer-Policy header (helmet's
 *   `no-referrer`) keeps them out of other sites' logs, and each one is bound to the visitor's secret.
 * - Sign-in and sign-out renew the secret (`renewCsrfSecret`), so a secret planted before sign-in is useless after.
 */
export const CSRF_COOKIE = 'motcua_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const secretBytes = 32;
const saltBytes = 16;
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfPluginOptions {
  /** Adds the Secure attribute to the cookie; true when the portal's base URL is https. */
  secure: boolean;
  /** Paths whose state-changing requests are not checked (token-authenticated APIs). Default `['/api/']`. */
  exemptPathPrefixes?: readonly string[];
  /** Paths that never render forms, so no cookie is set for them. Default static files and health checks. */
  skipPathPrefixes?: readonly string[];
}

interface RequestCsrf {
  /** The visitor's secret once known: read from the cookie or issued when a page first needs a token. */
  secret: Buffer | null;
  /** This response's token, made on first use. */
  token: string | null;
  secure: boolean;
  reply: FastifyReply;
}

// In a symbol-named request decoration (cheaper than a WeakMap entry per request).
const kCsrf = Symbol('motcua.csrf');
type WithCsrf = FastifyRequest & { [kCsrf]: RequestCsrf | null };

/** A fresh token for `secret`: base64url(salt) "." base64url(HMAC(secret, salt)). */
export function csrfTokenFor(secret: Buffer): string {
  const salt = randomBytes(saltBytes);
  return `${salt.toString('base64url')}.${mac(secret, salt).toString('base64url')}`;
}

/** True when `token` was made by `csrfTokenFor(secret)`; constant time in the token's content. */
export function isValidCsrfToken(secret: Buffer, token: string): boolean {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 200) return false;
  const salt = Buffer.from(token.slice(0, dot), 'base64url');
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  if (salt.length !== saltBytes) return false;
  const expected = mac(secret, salt);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function mac(secret: Buffer, salt: Buffer): Buffer {
  return createHmac('sha256', secret).update('motcua-csrf-v1').update(salt).digest();
}

function cookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, signed: true };
}

function secretFromCookie(request: FastifyRequest): Buffer | null {
  const raw = request.cookies[CSRF_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return null;
  const secret = Buffer.from(unsigned.value, 'base64url');
  return secret.length === secretBytes ? secret : null;
}

function issueSecret(reply: FastifyReply, secure: boolean): Buffer {
  const secret = randomBytes(secretBytes);
  reply.setCookie(CSRF_COOKIE, secret.toString('base64url'), cookieOptions(secure));
  return secret;
}

function isMultipart(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
}

/** The token the request carries: header, then body field, then (multipart only) the query string. */
function submittedToken(request: FastifyRequest): string | null {
  const header = request.headers[CSRF_HEADER];
  if (typeof header === 'string' && header !== '') return header;
  const body = request.body;
  if (body && typeof body === 'object') {
    const field = (body as Record<string, unknown>)[CSRF_FIELD];
    if (typeof field === 'string') return field;
    // @fastify/multipart with attachFieldsToBody: { value: string, ... }
    if (field && typeof field === 'object' && typeof (field as { value?: unknown }).value === 'string') {
      return (field as { value: string }).value;
    }
  }
  if (isMultipart(request)) {
    const query = request.query as Record<string, unknown> | undefined;
    const value = query?.[CSRF_FIELD];
    if (typeof value === 'string') return value;
  }
  return null;
}

const csrfPluginImpl: FastifyPluginAsync<CsrfPluginOptions> = async (app, options) => {
  const exempt = options.exemptPathPrefixes ?? ['/api/'];
  const skip = options.skipPathPrefixes ?? ['/assets/', '/health/'];

  app.decorateRequest(kCsrf, null);
  // Callback hooks (no promise per request).
  app.addHook('onRequest', (request, reply, done) => {
    // Nothing is read, drawn or signed yet: pages without a form (most anonymous ones, and JSON) never need a
    // token, so the secret and the token are made when `request.csrfToken` is first read (see csrfTokenOf).
    if (!skip.some((prefix) => request.url.startsWith(prefix))) (request as WithCsrf)[kCsrf] = { secret: null, token: null, secure: options.secure, reply };
    done();
  });

  // preValidation: after the body is parsed, before schema validation and the handler.
  app.addHook('preValidation', (request, _reply, done) => {
    if (safeMethods.has(request.method) || exempt.some((prefix) => request.url.startsWith(prefix))) return done();
    const state = (request as WithCsrf)[kCsrf];
    const token = submittedToken(request);
    // A missing or tampered cookie fails here; the page answering the failure issues a new secret if it has a form.
    const secret = state ? (state.secret ??= secretFromCookie(request)) : null;
    done(!secret || !token || !isValidCsrfToken(secret, token) ? new DomainError(CommonErrors.csrf) : undefined);
  });
};

/**
 * Makes `request.csrfToken` available (lazily) and checks every state-changing request. Root-level like the session plugin (see
 * session.ts for the `skip-override` mark); register it before the route plugins.
 */
export const csrfPlugin = Object.assign(csrfPluginImpl, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'motcua-csrf',
});

/** Replaces the visitor's secret (on sign-in and sign-out); a no-op when the CSRF plugin is not registered. */
export function renewCsrfSecret(reply: FastifyReply): void {
  const state = (reply.request as WithCsrf)[kCsrf];
  if (!state) return;
  state.secret = issueSecret(reply, state.secure);
  state.token = null;
}

/**
 * The token for this request's forms (what `request.csrfToken` reads): made on first use from the visitor's secret,
 * which is read from its cookie or, when missing or tampered, issued with a new cookie. '' when the plugin is not
 * registered or the path is skipped.
 */
export function csrfTokenOf(request: FastifyRequest): string {
  const state = (request as WithCsrf)[kCsrf];
  if (!state) return '';
  if (state.token === null) {
    state.secret ??= secretFromCookie(request) ?? issueSecret(state.reply, state.secure);
    state.token = csrfTokenFor(state.secret);
  }
  return state.token;
}

/** The hidden form field: `<CsrfField ctx={ctx} />` inside every `<form method="post">`. */
export function CsrfField({ ctx }: { ctx: { csrfToken: string } }) {
  return h('input', { type: 'hidden', name: CSRF_FIELD, value: ctx.csrfToken });
}

/** An action URL carrying the token, for multipart forms (see above). */
export function csrfAction(path: string, token: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${CSRF_FIELD}=${encodeURIComponent(token)}`;
}
