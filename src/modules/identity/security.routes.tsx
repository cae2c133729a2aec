import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { CommonErrors, DomainError } from '../../platform/errors/errors.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import { statusOfKind } from '../../platform/http/errors.js';
import { hashSessionToken, login, SESSION_COOKIE } from '../../platform/http/session.js';
import { safeNext, type FieldError } from '../../platform/views/layout.js';
import type { FormState, IdentityViewContext } from './identity.components.js';
import { IdentityErrors } from './identity.errors.js';
import { RecoveryCodesPage, SecondFactorPage, SessionsPage, TotpEnrolmentPage } from './sessions.pages.js';
import type { SessionsService } from './sessions.service.js';
import type { SecondFactorService } from './totp.service.js';
import type { SecurityKeyService } from './security-key.service.js';
import { RemoveSecurityKeyPage, SecurityKeysPage, securityKeySignInPath, securityKeysPath } from './security-keys.pages.js';

/**
 * Routes of the account's security: the officer's second sign-in step (TOTP or recovery code) and authenticator
 * enrolment, and "my sessions". Between the password and the second factor the browser holds only a signed,
 * HttpOnly, ten-minute cookie naming the account; no session exists until the second factor is right, so no
 * officer page can be reached without it.
 */
export interface SecurityRouteDeps {
  secondFactor: SecondFactorService | null;
  /** Officers' security keys (WebAuthn) beside the TOTP; null: none. */
  securityKeys: SecurityKeyService | null;
  sessions: SessionsService;
  authRateLimit: number;
  secure: boolean;
  /** Where an officer lands after signing in when no `next` is given. */
  officerHome: string;
}

export const secondFactorStepPath = '/dang-nhap/ma-xac-thuc';
export const totpEnrolmentStepPath = '/dang-nhap/dang-ky-ma-xac-thuc';
const pendingCookie = 'motcua_2fa';
const pendingSeconds = 600;

interface PendingSignIn {
  /** User id. */
  u: number;
  /** Username, for the authenticator's label. */
  a: string;
  /** Expiry, ms since the epoch. */
  e: number;
}

/** After a right password: remembers the officer for the second step and returns where to send the browser. */
export function startSecondFactor(reply: FastifyReply, user: { id: number; username: string }, enrolled: boolean, secure: boolean, next: string | undefined): string {
  const pending: PendingSignIn = { u: user.id, a: user.username, e: Date.now() + pendingSeconds * 1000 };
  reply.setCookie(pendingCookie, JSON.stringify(pending), { path: '/dang-nhap/', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: pendingSeconds });
  const path = enrolled ? secondFactorStepPath : totpEnrolmentStepPath;
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

function readPending(request: FastifyRequest): PendingSignIn | null {
  const raw = request.cookies[pendingCookie];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return null;
  try {
    const value = JSON.parse(unsigned.value) as PendingSignIn;
    if (typeof value.u !== 'number' || typeof value.a !== 'string' || typeof value.e !== 'number' || value.e < Date.now()) return null;
    return value;
  } catch {
    return null;
  }
}

function clearPending(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(pendingCookie, { path: '/dang-nhap/', httpOnly: true, sameSite: 'lax', secure, signed: true });
}

function pageContext(request: FastifyRequest): IdentityViewContext {
  return { ...viewContext(request), csrfToken: request.csrfToken, user: request.user };
}

function localNext(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const next = safeNext(value);
  return next === '/' && value !== '/' ? undefined : next;
}

function fieldErrors(ctx: IdentityViewContext, error: unknown): FieldError[] | null {
  if (!(error instanceof DomainError) || !error.details.fields?.length) return null;
  return error.details.fields.map((f) => ({ field: f.field, message: ctx.t(f.messageKey, f.params) }));
}

function field(body: unknown, name: string, max = 200): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value.slice(0, max) : '';
}

type Query = Record<string, string | undefined>;

export async function securityRoutes(app: FastifyInstance, deps: SecurityRouteDeps): Promise<void> {
  const limited = { rateLimit: { max: deps.authRateLimit, timeWindow: '1 minute' } };
  const { secondFactor, sessions, secure } = deps;
  const securityKeys = deps.securityKeys;

  /** Sign-in options for an officer's security keys (a new challenge each time), as JSON; null without keys. */
  async function keyOptions(userId: number): Promise<string | null> {
    const options = securityKeys?.available ? await securityKeys.authenticationOptions(userId) : null;
    return options ? JSON.stringify(options) : null;
  }

  function restart(reply: FastifyReply, next: string | undefined): FastifyReply {
    return reply.redirect(next ? `/dang-nhap?next=${encodeURIComponent(next)}` : '/dang-nhap', 303);
  }

  if (secondFactor) {
    app.get<{ Querystring: Query }>(secondFactorStepPath, async (request, reply) => {
      const next = localNext(request.query.next);
      const pending = readPending(request);
      if (!pending) return restart(reply, next);
      return sendPage(reply, <SecondFactorPage ctx={pageContext(request)} form={{ values: {}, errors: [] }} next={next} securityKeyOptions={await keyOptions(pending.u)} />);
    });

    app.post(secondFactorStepPath, { config: limited }, async (request, reply) => {
      const next = localNext(field(request.body, 'next', 1000));
      const pending = readPending(request);
      if (!pending) return restart(reply, next);
      try {
        const used = await secondFactor.verify(pending.u, field(request.body, 'code'));
        clearPending(reply, secure);
        const user = await login(reply, pending.u);
        request.log.info({ action: 'identity.signIn', userId: user.id, kind: user.kind, secondFactor: used }, 'signed in');
        return reply.redirect(next ?? deps.officerHome, 303);
      } catch (error) {
        const ctx = pageContext(request);
        const errors = fieldErrors(ctx, error);
        if (!errors) throw error;
        request.log.warn({ action: 'identity.secondFactorFailed', userId: pending.u }, 'second factor refused');
        const status = error instanceof DomainError ? statusOfKind[error.kind] : 400;
        return sendPage(reply, <SecondFactorPage ctx={ctx} form={{ values: {}, errors }} next={next} securityKeyOptions={await keyOptions(pending.u)} />, status);
      }
    });

    if (securityKeys) {
      // The second step with a security key: the assertion the page's script got from navigator.credentials.get().
      app.post(securityKeySignInPath, { config: limited }, async (request, reply) => {
        const next = localNext(field(request.body, 'next', 1000));
        const pending = readPending(request);
        if (!pending) return restart(reply, next);
        try {
          const { keyId } = await securityKeys.authenticate(pending.u, field(request.body, 'response', 20_000));
          clearPending(reply, secure);
          const user = await login(reply, pending.u);
          request.log.info({ action: 'identity.signIn', userId: user.id, kind: user.kind, secondFactor: 'securityKey', keyId }, 'signed in');
          return reply.redirect(next ?? deps.officerHome, 303);
        } catch (error) {
          const ctx = pageContext(request);
          const errors = fieldErrors(ctx, error);
          if (!errors) throw error;
          // The cause says why (wrong origin, counter that did not go up: a cloned key?); never shown to the visitor.
          const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
          request.log.warn({ action: 'identity.securityKeyFailed', userId: pending.u, cause }, 'security key refused');
          const status = error instanceof DomainError ? statusOfKind[error.kind] : 400;
          return sendPage(reply, <SecondFactorPage ctx={ctx} form={{ values: {}, errors }} next={next} securityKeyOptions={await keyOptions(pending.u)} />, status);
        }
      });
    }

    async function enrolmentPage(request: FastifyRequest, reply: FastifyReply, pending: PendingSignIn, form: FormState, next: string | undefined, status = 200) {
      const enrolment = await secondFactor!.beginEnrolment(pending.u, pending.a);
      const qrSvg = await QRCode.toString(enrolment.uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
      return sendPage(
        reply,
        <TotpEnrolmentPage ctx={pageContext(request)} form={form} next={next} secret={enrolment.secret} uri={enrolment.uri} qrSvg={qrSvg} />,
        status,
      );
    }

    app.get<{ Querystring: Query }>(totpEnrolmentStepPath, async (request, reply) => {
      const next = localNext(request.query.next);
      const pending = readPending(request);
      if (!pending) return restart(reply, next);
      if ((await secondFactor.status(pending.u)) === 'confirmed') {
        return reply.redirect(next ? `${secondFactorStepPath}?next=${encodeURIComponent(next)}` : secondFactorStepPath, 303);
      }
      return enrolmentPage(request, reply, pending, { values: {}, errors: [] }, next);
    });

    app.post(totpEnrolmentStepPath, { config: limited }, async (request, reply) => {
      const next = localNext(field(request.body, 'next', 1000));
      const pending = readPending(request);
      if (!pending) return restart(reply, next);
      try {
        const codes = await secondFactor.confirmEnrolment(pending.u, field(request.body, 'code'));
        clearPending(reply, secure);
        const user = await login(reply, pending.u);
        request.log.info({ action: 'identity.totpEnrolled', userId: user.id }, 'authenticator enrolled');
        return sendPage(reply, <RecoveryCodesPage ctx={pageContext(request)} codes={codes} continueHref={next ?? deps.officerHome} />);
      } catch (error) {
        const ctx = pageContext(request);
        const errors = fieldErrors(ctx, error);
        if (!errors) throw error;
        const status = error instanceof DomainError ? statusOfKind[error.kind] : 400;
        return enrolmentPage(request, reply, pending, { values: {}, errors }, next, status);
      }
    });

    app.post('/tai-khoan/ma-khoi-phuc', { config: limited }, async (request, reply) => {
      const user = request.user;
      if (!user) return reply.redirect('/dang-nhap?next=%2Ftai-khoan', 303);
      const codes = await secondFactor.regenerateRecoveryCodes(user.id);
      request.log.info({ action: 'identity.recoveryCodesRenewed', userId: user.id }, 'recovery codes renewed');
      return sendPage(reply, <RecoveryCodesPage ctx={pageContext(request)} codes={codes} continueHref="/tai-khoan" />);
    });
  }

  // ---- Security keys (officers) ----

  if (secondFactor && deps.securityKeys) {
    const keys = deps.securityKeys;

    /** The signed-in officer, or a reply: to the sign-in page (anonymous) or not found (citizens have no keys). */
    function officerOf(request: FastifyRequest, reply: FastifyReply): { id: number } | FastifyReply {
      const user = request.user;
      if (!user) return reply.redirect(`/dang-nhap?next=${encodeURIComponent(securityKeysPath)}`, 303);
      if (user.kind !== 'officer') throw new DomainError(CommonErrors.notFound);
      return user;
    }

    async function keysPage(request: FastifyRequest, reply: FastifyReply, userId: number, form: FormState, notice: 'added' | 'removed' | null, status = 200) {
      const options = keys.available ? JSON.stringify(await keys.registrationOptions(userId)) : null;
      return sendPage(reply, <SecurityKeysPage ctx={pageContext(request)} keys={await keys.list(userId)} form={form} options={options} notice={notice} />, status);
    }

    app.get<{ Querystring: Query }>(securityKeysPath, async (request, reply) => {
      const officer = officerOf(request, reply);
      if (!('id' in officer)) return officer;
      const q = request.query;
      return keysPage(request, reply, officer.id, { values: {}, errors: [] }, q['da-them'] ? 'added' : q['da-xoa'] ? 'removed' : null);
    });

    app.post(securityKeysPath, { config: limited }, async (request, reply) => {
      const officer = officerOf(request, reply);
      if (!('id' in officer)) return officer;
      const name = field(request.body, 'name', 200);
      try {
        const added = await keys.register({ userId: officer.id, ip: request.ip }, name, field(request.body, 'response', 20_000));
        request.log.info({ action: 'identity.securityKeyAdded', userId: officer.id, keyId: added.id }, 'security key added');
        return reply.redirect(`${securityKeysPath}?da-them=1`, 303);
      } catch (error) {
        const ctx = pageContext(request);
        const errors = fieldErrors(ctx, error);
        if (!errors) throw error;
        const status = error instanceof DomainError ? statusOfKind[error.kind] : 400;
        return keysPage(request, reply, officer.id, { values: { name }, errors }, null, status);
      }
    });

    async function keyOf(userId: number, id: string) {
      const key = /^\d{1,12}$/.test(id) ? (await keys.list(userId)).find((k) => k.id === Number(id)) : undefined;
      if (!key) throw new DomainError(IdentityErrors.securityKeyNotFound);
      return key;
    }

    app.get<{ Params: { id: string } }>(`${securityKeysPath}/:id/xoa`, async (request, reply) => {
      const officer = officerOf(request, reply);
      if (!('id' in officer)) return officer;
      const key = await keyOf(officer.id, request.params.id);
      return sendPage(reply, <RemoveSecurityKeyPage ctx={pageContext(request)} keyView={key} form={{ values: {}, errors: [] }} />);
    });

    app.post<{ Params: { id: string } }>(`${securityKeysPath}/:id/xoa`, { config: limited }, async (request, reply) => {
      const officer = officerOf(request, reply);
      if (!('id' in officer)) return officer;
      const key = await keyOf(officer.id, request.params.id);
      try {
        await keys.remove({ userId: officer.id, ip: request.ip }, key.id, field(request.body, 'code'));
        request.log.info({ action: 'identity.securityKeyRemoved', userId: officer.id, keyId: key.id }, 'security key removed');
        return reply.redirect(`${securityKeysPath}?da-xoa=1`, 303);
      } catch (error) {
        const ctx = pageContext(request);
        const errors = fieldErrors(ctx, error);
        if (!errors) throw error;
        const status = error instanceof DomainError ? statusOfKind[error.kind] : 400;
        return sendPage(reply, <RemoveSecurityKeyPage ctx={ctx} keyView={key} form={{ values: {}, errors }} />, status);
      }
    });
  }

  // ---- My sessions ----

  function currentIdHash(request: FastifyRequest): string | null {
    const token = request.cookies[SESSION_COOKIE];
    return token ? hashSessionToken(token) : null;
  }

  app.get<{ Querystring: Query }>('/tai-khoan/phien-dang-nhap', async (request, reply) => {
    const user = request.user;
    if (!user) return reply.redirect('/dang-nhap?next=%2Ftai-khoan%2Fphien-dang-nhap', 303);
    const list = await sessions.list(user);
    return sendPage(reply, <SessionsPage ctx={pageContext(request)} sessions={list} currentIdHash={currentIdHash(request)} ended={Boolean(request.query['da-ket-thuc'])} />);
  });

  app.post<{ Params: { id: string } }>('/tai-khoan/phien-dang-nhap/:id/ket-thuc', async (request, reply) => {
    const user = request.user;
    if (!user) return reply.redirect('/dang-nhap?next=%2Ftai-khoan%2Fphien-dang-nhap', 303);
    await sessions.end(user, request.params.id);
    request.log.info({ action: 'identity.sessionEnded', userId: user.id }, 'session ended by its user');
    return reply.redirect('/tai-khoan/phien-dang-nhap?da-ket-thuc=1', 303);
  });

  app.post('/tai-khoan/phien-dang-nhap/ket-thuc-tat-ca', async (request, reply) => {
    const user = request.user;
    if (!user) return reply.redirect('/dang-nhap?next=%2Ftai-khoan%2Fphien-dang-nhap', 303);
    const n = await sessions.endOthers(user, currentIdHash(request));
    request.log.info({ action: 'identity.otherSessionsEnded', userId: user.id, count: n }, 'other sessions ended');
    return reply.redirect('/tai-khoan/phien-dang-nhap?da-ket-thuc=1', 303);
  });
}
