import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as oidcClient from 'openid-client';
import { DomainError } from '../../platform/errors/errors.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import { statusOfKind } from '../../platform/http/errors.js';
import { login } from '../../platform/http/session.js';
import { safeNext, type FieldError } from '../../platform/views/layout.js';
import type { IdentityProvider, VerifiedClaims } from './identity-provider.js';
import type { IdentityViewContext } from './identity.components.js';
import { IdentityErrors } from './identity.errors.js';
import { ProviderNewAccountPage } from './oidc.pages.js';
import type { ProviderSignInService } from './oidc.service.js';

/**
 * Sign-in with the national electronic identity: the start (state, nonce and PKCE verifier kept in a signed,
 * HttpOnly, ten-minute cookie), the callback (every check done by openid-client in `oidc.ts`), linking to the
 * signed-in account, and the first-time account creation with consent.
 */
export interface ProviderRouteDeps {
  provider: IdentityProvider;
  providerSignIn: ProviderSignInService;
  /** The redirect URI registered at the provider. */
  redirectUri: string;
  authRateLimit: number;
  secure: boolean;
}

const stateCookie = 'motcua_oidc';
const newAccountCookie = 'motcua_oidc_new';
const cookiePath = '/dang-nhap/';
const cookieSeconds = 600;

interface StartState {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  /** The signed-in citizen who asked to link, or null for a sign-in. */
  link: number | null;
}

interface NewAccountState {
  claims: VerifiedClaims;
  idToken: string | null;
  e: number;
}

function localNext(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const next = safeNext(value);
  return next === '/' && value !== '/' ? undefined : next;
}

function pageContext(request: FastifyRequest): IdentityViewContext {
  return { ...viewContext(request), csrfToken: request.csrfToken, user: request.user };
}

function readSigned<T>(request: FastifyRequest, name: string): T | null {
  const raw = request.cookies[name];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return null;
  try {
    return JSON.parse(unsigned.value) as T;
  } catch {
    return null;
  }
}

export async function providerRoutes(app: FastifyInstance, deps: ProviderRouteDeps): Promise<void> {
  const { provider, providerSignIn, secure } = deps;
  const limited = { rateLimit: { max: deps.authRateLimit, timeWindow: '1 minute' } };
  const base = `/dang-nhap/${provider.id}`;
  const cookieOptions = { path: cookiePath, httpOnly: true, sameSite: 'lax' as const, secure, signed: true };

  function failedSignIn(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
    request.log.warn({ action: 'identity.providerSignInFailed', provider: provider.id, err: error }, 'national identity sign-in failed');
    return reply.redirect(`/dang-nhap?loi-vneid=1`, 303);
  }

  // Start: sign in (anonymous) or link (a signed-in citizen, from the profile page).
  app.get<{ Querystring: Record<string, string | undefined> }>(base, { config: limited }, async (request, reply) => {
    const link = request.query['lien-ket'] === '1' && request.user ? request.user : null;
    if (link && link.kind !== 'citizen') throw new DomainError(IdentityErrors.identityLinkNotForOfficers);
    const start: StartState = {
      state: randomBytes(24).toString('base64url'),
      nonce: randomBytes(24).toString('base64url'),
      verifier: oidcClient.randomPKCECodeVerifier(),
      next: localNext(request.query.next) ?? '',
      link: link?.id ?? null,
    };
    // Lax, so the provider's top-level redirect back carries it.
    reply.setCookie(stateCookie, JSON.stringify(start), { ...cookieOptions, maxAge: cookieSeconds });
    const url = await provider.authorizationUrl({ state: start.state, nonce: start.nonce, codeVerifier: start.verifier, redirectUri: deps.redirectUri });
    request.log.info({ action: 'identity.providerStart', provider: provider.id, link: start.link !== null }, 'national identity sign-in started');
    return reply.redirect(url.toString(), 303);
  });

  app.get<{ Querystring: Record<string, string | undefined> }>(`${base}/callback`, { config: limited }, async (request, reply) => {
    const start = readSigned<StartState>(request, stateCookie);
    reply.clearCookie(stateCookie, cookieOptions);
    if (!start) return failedSignIn(request, reply, new Error('no sign-in in progress (state cookie missing or forged)'));
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.query)) if (typeof value === 'string') params[key] = value.slice(0, 4000);
    if (params.error) {
      // The person cancelled at the provider, or the provider refused.
      request.log.info({ action: 'identity.providerCancelled', provider: provider.id, error: params.error }, 'national identity sign-in not completed');
      return reply.redirect(start.link ? '/tai-khoan' : '/dang-nhap', 303);
    }
    let result;
    try {
      result = await provider.handleCallback({ params, expectedState: start.state, expectedNonce: start.nonce, codeVerifier: start.verifier, redirectUri: deps.redirectUri });
    } catch (error) {
      return failedSignIn(request, reply, error);
    }
    // Linking needs the same citizen still signed in as when it started.
    const actor = start.link !== null && request.user?.id === start.link ? request.user : null;
    if (start.link !== null && !actor) return failedSignIn(request, reply, new Error('the linking account is no longer signed in'));
    try {
      const outcome = await providerSignIn.complete(provider.id, result.claims, actor);
      if (outcome.status === 'linked') {
        request.log.info({ action: 'identity.providerLinked', provider: provider.id, userId: outcome.userId }, 'national identity linked');
        await login(reply, outcome.userId, { providerIdToken: result.idToken });
        return reply.redirect('/tai-khoan?da-lien-ket=1', 303);
      }
      if (outcome.status === 'signedIn') {
        const user = await login(reply, outcome.userId, { providerIdToken: result.idToken });
        request.log.info({ action: 'identity.signIn', userId: user.id, kind: user.kind, provider: provider.id }, 'signed in');
        return reply.redirect(start.next || '/tai-khoan', 303);
      }
      const pending: NewAccountState = { claims: result.claims, idToken: result.idToken, e: Date.now() + cookieSeconds * 1000 };
      let value = JSON.stringify(pending);
      // Browsers keep about 4 KB per cookie: without the ID token only the provider's own logout is lost.
      if (value.length > 3000) value = JSON.stringify({ ...pending, idToken: null });
      reply.setCookie(newAccountCookie, value, { ...cookieOptions, maxAge: cookieSeconds });
      return reply.redirect(`${base}/tao-tai-khoan`, 303);
    } catch (error) {
      if (error instanceof DomainError && (error.kind === 'conflict' || error.kind === 'forbidden')) {
        request.log.warn({ action: 'identity.providerLinkRefused', provider: provider.id, code: error.code }, 'national identity link refused');
        return reply.redirect(`${start.link ? '/tai-khoan' : '/dang-nhap'}?loi-vneid=${encodeURIComponent(error.code)}`, 303);
      }
      throw error;
    }
  });

  function newAccountState(request: FastifyRequest): NewAccountState | null {
    const pending = readSigned<NewAccountState>(request, newAccountCookie);
    return pending && pending.e > Date.now() ? pending : null;
  }

  app.get(`${base}/tao-tai-khoan`, async (request, reply) => {
    const pending = newAccountState(request);
    if (!pending) return reply.redirect('/dang-nhap', 303);
    return sendPage(reply, <ProviderNewAccountPage ctx={pageContext(request)} claims={pending.claims} form={{ values: {}, errors: [] }} />);
  });

  app.post(`${base}/tao-tai-khoan`, { config: limited }, async (request, reply) => {
    const pending = newAccountState(request);
    if (!pending) return reply.redirect('/dang-nhap', 303);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const userId = await providerSignIn.createAccount(provider.id, pending.claims, { consent: body.consent === 'yes', ip: request.ip ?? null });
      reply.clearCookie(newAccountCookie, cookieOptions);
      const user = await login(reply, userId, pending.idToken ? { providerIdToken: pending.idToken } : {});
      request.log.info({ action: 'identity.providerAccountCreated', userId: user.id, provider: provider.id }, 'account created from the national identity');
      return reply.redirect('/tai-khoan?da-tao=1', 303);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.details.fields?.length) throw error;
      const ctx = pageContext(request);
      const errors: FieldError[] = error.details.fields.map((f) => ({ field: f.field, message: ctx.t(f.messageKey, f.params) }));
      return sendPage(reply, <ProviderNewAccountPage ctx={ctx} claims={pending.claims} form={{ values: {}, errors }} />, statusOfKind[error.kind]);
    }
  });
}
