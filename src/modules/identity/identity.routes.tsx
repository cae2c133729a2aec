import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors/errors.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import { statusOfKind } from '../../platform/http/errors.js';
import { hashSessionToken, login, logout, SESSION_COOKIE } from '../../platform/http/session.js';
import { safeNext, type FieldError } from '../../platform/views/layout.js';
import type { AccountsService } from './accounts.service.js';
import { parseContact } from './contact.js';
import type { FormState, FormValues, IdentityViewContext } from './identity.components.js';
import { emptyForm } from './identity.components.js';
import type { IdentityProvider } from './identity-provider.js';
import {
  LoginPage,
  OfficerAccountPage,
  OrganisationsPage,
  ProfilePage,
  RecoveryRequestPage,
  RecoveryResetPage,
  RegisterPage,
  VerifyPage,
  type LoginNotice,
  type ProfileNotice,
} from './identity.pages.js';
import type { ProfileService, ProfileView } from './profile.service.js';
import { securityRoutes, startSecondFactor } from './security.routes.js';
import { providerRoutes } from './oidc.routes.js';
import { ProviderLogoutPage } from './oidc.pages.js';
import type { ProviderSignInService } from './oidc.service.js';
import type { SessionRepository } from './session.repository.js';
import type { SessionsService } from './sessions.service.js';
import type { SecondFactorService } from './totp.service.js';
import type { SecurityKeyService } from './security-key.service.js';

export interface IdentityRouteDeps {
  accounts: AccountsService;
  profiles: ProfileService;
  /** Sign-in with the national electronic identity; the VNeID button shows only when one is given. */
  identityProvider?: IdentityProvider | null;
  /** Public base URL (config BASE_URL), for the provider's redirect URI. */
  baseUrl: string;
  /** Attempts per client address per minute on sign-in, registration, codes and recovery (config AUTH_RATE_LIMIT). */
  authRateLimit: number;
  /** Where officers land after signing in when no `next` is given. Default `/`. */
  officerHome?: string;
  /** Officers' second factor; null or absent: officers sign in with the password alone (OFFICER_SECOND_FACTOR=off). */
  secondFactor?: SecondFactorService | null;
  /** Officers' security keys (WebAuthn) beside the TOTP; null or absent: none. */
  securityKeys?: SecurityKeyService | null;
  /** "My sessions". */
  sessions: SessionsService;
  /** Linking and account creation for the identity provider (needed with `identityProvider`). */
  providerSignIn?: ProviderSignInService;
  /** The redirect URI registered at the provider (config VNEID_REDIRECT_URI); default BASE_URL + callback path. */
  providerRedirectUri?: string;
  /** Reads the provider's ID token kept with the session, for RP-initiated logout. */
  sessionStore?: SessionRepository;
}

/** Where the national identity provider sends the browser back. */
export const identityProviderCallbackPath = '/dang-nhap/vneid/callback';
/** Where the provider sends the browser after its own logout (register it as a post-logout redirect URI). */
export const postLogoutPath = '/dang-nhap?da-dang-xuat=1';
/** Holds the provider's end-session URL between the sign-out and the page that leads there. */
const providerLogoutCookie = 'motcua_oidc_logout';

type Body = Record<string, unknown> | undefined;
type Query = Record<string, string | undefined>;

/**
 * The typed fields of a urlencoded form: each named field as a string ('' when absent), the first value when a
 * field is repeated, cut to `max` characters. Nothing else from the body reaches the services.
 */
export function formFields<K extends string>(body: unknown, names: readonly K[], max = 1000): Record<K, string> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out = {} as Record<K, string>;
  for (const name of names) {
    const raw = source[name];
    const value = Array.isArray(raw) ? raw.find((x) => typeof x === 'string') : raw;
    out[name] = typeof value === 'string' ? value.slice(0, max) : '';
  }
  return out;
}

function pageContext(request: FastifyRequest): IdentityViewContext {
  return { ...viewContext(request), csrfToken: request.csrfToken, user: request.user };
}

/** The field problems of a DomainError, translated for the form; null when the error is not about fields. */
function formErrors(ctx: IdentityViewContext, error: unknown): FieldError[] | null {
  if (!(error instanceof DomainError) || !error.details.fields || error.details.fields.length === 0) return null;
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const f of error.details.fields) {
    if (seen.has(f.field)) continue;
    seen.add(f.field);
    out.push({ field: f.field, message: ctx.t(f.messageKey, f.params) });
  }
  return out;
}

function statusOf(error: unknown): number {
  return error instanceof DomainError ? statusOfKind[error.kind] : 400;
}

/** `next` when it is a local path (never an open redirect), otherwise undefined. */
function localNext(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const next = safeNext(value);
  return next === '/' && value !== '/' ? undefined : next;
}

function withQuery(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

/** A phone or e-mail from a link, in stored form; anything else is dropped so a link cannot put text on the page. */
function contactFromQuery(value: string | undefined): string {
  return value ? (parseContact(value)?.value ?? '') : '';
}

/** The person fields (locked once verified by the national identity). */
function personValues(values: FormValues): FormValues {
  const { fullName, personalId, birthDay, birthMonth, birthYear, sex } = values;
  return { fullName: fullName ?? '', personalId: personalId ?? '', birthDay: birthDay ?? '', birthMonth: birthMonth ?? '', birthYear: birthYear ?? '', sex: sex ?? '' };
}

function profileValues(profile: ProfileView): FormValues {
  const [year = '', month = '', day = ''] = profile.birthDate ? profile.birthDate.split('-') : [];
  return {
    fullName: profile.fullName,
    personalId: profile.personalId ?? '',
    birthDay: day.replace(/^0/, ''),
    birthMonth: month.replace(/^0/, ''),
    birthYear: year,
    sex: profile.sex ?? '',
    provinceCode: profile.provinceCode ?? '',
    communeCode: profile.communeCode ?? '',
    addressLine: profile.addressLine ?? '',
    phone: profile.phone ?? '',
    email: profile.email ?? '',
  };
}

const profileFieldNames = [
  'fullName',
  'personalId',
  'birthDay',
  'birthMonth',
  'birthYear',
  'sex',
  'provinceCode',
  'communeCode',
  'addressLine',
  'phone',
  'email',
  'action',
] as const;

/**
 * Citizen accounts: sign in and out, registration with consent, verification of the phone or e-mail, password
 * recovery, the profile and organisations. Needs `sessionPlugin` and `csrfPlugin` registered before it.
 */
export async function identityRoutes(app: FastifyInstance, deps: IdentityRouteDeps): Promise<void> {
  const { accounts, profiles } = deps;
  const limited = { rateLimit: { max: deps.authRateLimit, timeWindow: '1 minute' } };
  const provider = deps.identityProvider ?? null;
  const secure = deps.baseUrl.startsWith('https:');
  await securityRoutes(app, {
    secondFactor: deps.secondFactor ?? null,
    securityKeys: deps.securityKeys ?? null,
    sessions: deps.sessions,
    authRateLimit: deps.authRateLimit,
    secure,
    officerHome: deps.officerHome ?? '/',
  });

  function redirectToSignIn(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    return reply.redirect(withQuery('/dang-nhap', { next: request.url }), 303);
  }

  function afterSignIn(kind: 'citizen' | 'officer', next: string | undefined): string {
    return next ?? (kind === 'citizen' ? '/tai-khoan' : (deps.officerHome ?? '/'));
  }

  // ---- Sign in / out ----

  function loginPage(request: FastifyRequest, reply: FastifyReply, form: FormState, next: string | undefined, notice: LoginNotice, status = 200) {
    const ctx = pageContext(request);
    const providerHref = provider ? withQuery(`/dang-nhap/${provider.id}`, { next }) : null;
    return sendPage(reply, <LoginPage ctx={ctx} form={form} next={next} notice={notice} providerHref={providerHref} />, status);
  }

  app.get<{ Querystring: Query }>('/dang-nhap', async (request, reply) => {
    const next = localNext(request.query.next);
    if (request.user) return reply.redirect(afterSignIn(request.user.kind, next), 303);
    const q = request.query;
    const notice: LoginNotice = q['da-xac-thuc']
      ? 'verified'
      : q['da-doi-mat-khau']
        ? 'passwordChanged'
        : q['da-dang-xuat']
          ? 'signedOut'
          : q['loi-vneid']
            ? 'providerFailed'
            : null;
    return loginPage(request, reply, { values: { account: q['tai-khoan'] ?? '' }, errors: [] }, next, notice);
  });

  app.post('/dang-nhap', { config: limited }, async (request, reply) => {
    const body = formFields(request.body as Body, ['account', 'password', 'next'] as const);
    const next = localNext(body.next);
    try {
      const outcome = await accounts.signIn({ account: body.account, password: body.password, locale: request.locale });
      if (outcome.status === 'verificationRequired') {
        return reply.redirect(withQuery('/xac-thuc', { 'tai-khoan': outcome.account, next }), 303);
      }
      if (outcome.status === 'secondFactorRequired') {
        return reply.redirect(startSecondFactor(reply, outcome.user, outcome.enrolled, secure, next), 303);
      }
      const user = await login(reply, outcome.user.id);
      request.log.info({ action: 'identity.signIn', userId: user.id, kind: user.kind }, 'signed in');
      return reply.redirect(afterSignIn(user.kind, next), 303);
    } catch (error) {
      const ctx = pageContext(request);
      const errors = formErrors(ctx, error);
      if (!errors) throw error;
      return loginPage(request, reply, { values: { account: body.account }, errors }, next, null, statusOf(error));
    }
  });

  app.post('/dang-xuat', async (request, reply) => {
    const userId = request.user?.id;
    // A session started through the national identity ends there too (RP-initiated logout with id_token_hint).
    const token = request.user ? request.cookies[SESSION_COOKIE] : undefined;
    const idToken = token && deps.sessionStore ? await deps.sessionStore.providerIdToken(hashSessionToken(token)) : null;
    await logout(reply);
    if (userId !== undefined) request.log.info({ action: 'identity.signOut', userId, provider: idToken ? provider?.id : undefined }, 'signed out');
    if (idToken && provider) {
      const url = await provider
        .endSessionUrl({ idToken, postLogoutRedirectUri: new URL(postLogoutPath, deps.baseUrl).toString() })
        .catch((error: unknown) => {
          request.log.warn({ action: 'identity.providerLogoutUnavailable', err: error }, 'the provider logout could not be reached');
          return null;
        });
      if (url) {
        // The form's page may send its submission only to this site (CSP form-action 'self', which Chromium applies
        // to the redirects of a submission too): a page of ours links on to the provider instead.
        reply.setCookie(providerLogoutCookie, Buffer.from(url.toString()).toString('base64url'), { path: '/dang-xuat/', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: 300 });
        return reply.redirect(`/dang-xuat/${provider.id}`, 303);
      }
    }
    return reply.redirect(postLogoutPath, 303);
  });

  if (provider) {
    app.get(`/dang-xuat/${provider.id}`, async (request, reply) => {
      const raw = request.cookies[providerLogoutCookie];
      const unsigned = raw ? request.unsignCookie(raw) : null;
      reply.clearCookie(providerLogoutCookie, { path: '/dang-xuat/', httpOnly: true, sameSite: 'lax', secure, signed: true });
      if (!unsigned?.valid || !unsigned.value) return reply.redirect(postLogoutPath, 303);
      const href = Buffer.from(unsigned.value, 'base64url').toString('utf8');
      if (!href.startsWith('https://') && !href.startsWith('http://')) return reply.redirect(postLogoutPath, 303);
      return sendPage(reply, <ProviderLogoutPage ctx={pageContext(request)} href={href} />);
    });
  }

  // ---- Registration and verification ----

  app.get<{ Querystring: Query }>('/dang-ky', async (request, reply) => {
    return sendPage(reply, <RegisterPage ctx={pageContext(request)} form={emptyForm} next={localNext(request.query.next)} />);
  });

  app.post('/dang-ky', { config: limited }, async (request, reply) => {
    const body = formFields(request.body as Body, ['contact', 'fullName', 'password', 'consent', 'next'] as const);
    const next = localNext(body.next);
    try {
      const { contact } = await accounts.register({
        contact: body.contact,
        fullName: body.fullName,
        password: body.password,
        consent: body.consent === 'yes',
        locale: request.locale,
        ip: request.ip ?? null,
      });
      return reply.redirect(withQuery('/xac-thuc', { 'tai-khoan': contact.value, next }), 303);
    } catch (error) {
      const ctx = pageContext(request);
      const errors = formErrors(ctx, error);
      if (!errors) throw error;
      const values = { contact: body.contact, fullName: body.fullName, consent: body.consent };
      return sendPage(reply, <RegisterPage ctx={ctx} form={{ values, errors }} next={next} />, statusOf(error));
    }
  });

  app.get<{ Querystring: Query }>('/xac-thuc', async (request, reply) => {
    const q = request.query;
    const form = { values: { account: contactFromQuery(q['tai-khoan']) }, errors: [] };
    return sendPage(reply, <VerifyPage ctx={pageContext(request)} form={form} next={localNext(q.next)} resent={Boolean(q['gui-lai'])} />);
  });

  app.post('/xac-thuc', { config: limited }, async (request, reply) => {
    const body = formFields(request.body as Body, ['account', 'code', 'next'] as const);
    const next = localNext(body.next);
    try {
      await accounts.verifyContact({ account: body.account, code: body.code });
      return reply.redirect(withQuery('/dang-nhap', { 'da-xac-thuc': '1', 'tai-khoan': body.account.trim(), next }), 303);
    } catch (error) {
      const ctx = pageContext(request);
      const errors = formErrors(ctx, error);
      if (!errors) throw error;
      return sendPage(reply, <VerifyPage ctx={ctx} form={{ values: body, errors }} next={next} resent={false} />, statusOf(error));
    }
  });

  app.post('/xac-thuc/gui-lai', { config: limited }, async (request, reply) => {
    const body = formFields(request.body as Body, ['account', 'next'] as const);
    const next = localNext(body.next);
    try {
      await accounts.resendVerification({ account: body.account, locale: request.locale });
      return reply.redirect(withQuery('/xac-thuc', { 'tai-khoan': body.account.trim(), 'gui-lai': '1', next }), 303);
    } catch (error) {
      const ctx = pageContext(request);
      const errors = formErrors(ctx, error);
      if (!errors) throw error;
      return sendPage(reply, <VerifyPage ctx={ctx} form={{ values: body, errors }} next={next} resent={false} />, statusOf(error));
    }
  });

  // ---- Password recovery ----

  app.get('/quen-mat-khau', async (request, reply) => {
    return sendPage(reply, <RecoveryRequestPage ctx={pageContext(request)} form={emptyForm} />);
  });

  app.post('/quen-mat-khau', { config: limited }, async (request, reply) => {
    const body = formFields(request.body as Body, ['account'] as const);
    try {
      const { contact } = await accounts.requestPasswordReset({ account: body.account, locale: request.locale });
      return reply.redirect(withQuery('/quen-mat-khau/dat-lai', { 'tai-khoan': contact.value }), 303);
    } catch (error) {
      const ctx = pageContext(request);
      const errors = formErrors(ctx, error);
      if (!errors) throw error;
      return sendPage(reply, <RecoveryRequestPage ctx={ctx} form={{ values: body, errors }} />, statusOf(error));
    }
  });

  app.get<{ Querystring: Query }>('/quen-mat-khau/dat-lai', async (request, reply) => {
    const form = { values: { account: contactFromQuery(request.query['tai-khoan']) }, errors: [] };
    return sendPage(reply, <RecoveryResetPage ctx={pageContext(request)} form={form} />);
  });

  app.post('/quen-mat-khau/dat-lai', { config: limited }, async (request, reply) => {
    const body = formFields(request.body as Body, ['account', 'code', 'password'] as const);
    try {
      await accounts.resetPassword({ account: body.account, code: body.code, password: body.password, locale: request.locale });
      request.log.info({ action: 'identity.passwordReset' }, 'password reset');
      // Every session of the account ended; this browser's too, if it was signed in.
      if (request.user) await logout(reply);
      return reply.redirect(withQuery('/dang-nhap', { 'da-doi-mat-khau': '1', 'tai-khoan': body.account.trim() }), 303);
    } catch (error) {
      const ctx = pageContext(request);
      const errors = formErrors(ctx, error);
      if (!errors) throw error;
      return sendPage(reply, <RecoveryResetPage ctx={ctx} form={{ values: { account: body.account, code: body.code }, errors }} />, statusOf(error));
    }
  });

  // ---- Profile and organisations ----

  async function profilePage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: FormState,
    notice: ProfileNotice,
    status = 200,
  ) {
    const ctx = pageContext(request);
    const user = request.user!;
    const options = await profiles.addressOptions(form.values.provinceCode || null);
    const organisations = await profiles.organisations(user.id);
    const stored = await profiles.get(user.id);
    // Verified facts are shown from the profile, whatever the form carried (they are not fields any more).
    const values = stored.identityVerified ? { ...form.values, ...personValues(profileValues(stored)) } : form.values;
    const linked = provider && deps.providerSignIn ? await deps.providerSignIn.isLinked(user.id, provider.id) : true;
    return sendPage(
      reply,
      <ProfilePage
        ctx={ctx}
        form={{ ...form, values }}
        provinces={options.provinces}
        communes={options.communes}
        organisations={organisations}
        notice={notice}
        verified={stored.identityVerified}
        linkHref={linked || !provider ? null : `/dang-nhap/${provider.id}?lien-ket=1`}
      />,
      status,
    );
  }

  app.get<{ Querystring: Query }>('/tai-khoan', async (request, reply) => {
    const user = request.user;
    if (!user) return redirectToSignIn(request, reply);
    if (user.kind !== 'citizen') {
      const secondFactor = deps.secondFactor ?? null;
      const codesLeft = secondFactor && (await secondFactor.status(user.id)) === 'confirmed' ? await secondFactor.recoveryCodesLeft(user.id) : null;
      const keyCount = codesLeft !== null && deps.securityKeys ? (await deps.securityKeys.list(user.id)).length : null;
      return sendPage(reply, <OfficerAccountPage ctx={pageContext(request)} recoveryCodesLeft={codesLeft} securityKeyCount={keyCount} />);
    }
    const profile = await profiles.get(user.id);
    const q = request.query;
    const notice: ProfileNotice = q['da-luu'] ? 'saved' : q['da-lien-ket'] ? 'linked' : q['da-tao'] ? 'created' : q['loi-vneid'] ? 'linkFailed' : null;
    return profilePage(request, reply, { values: profileValues(profile), errors: [] }, notice);
  });

  app.post('/tai-khoan', async (request, reply) => {
    const user = request.user;
    if (!user) return redirectToSignIn(request, reply);
    const body = formFields(request.body as Body, profileFieldNames);
    const { action, ...input } = body;
    // "Chọn" next to the province: show that province's communes, keep everything typed, save nothing.
    if (action === 'province') {
      // A commune of the previous province is simply not among the new options, so the select shows none chosen.
      return profilePage(request, reply, { values: input, errors: [] }, 'communesUpdated');
    }
    try {
      await profiles.update(user, input);
      request.log.info({ action: 'identity.profileSaved', userId: user.id }, 'profile saved');
      return reply.redirect('/tai-khoan?da-luu=1', 303);
    } catch (error) {
      const ctx = pageContext(request);
      const errors = formErrors(ctx, error);
      if (!errors) throw error;
      return profilePage(request, reply, { values: input, errors }, null, statusOf(error));
    }
  });

  app.get<{ Querystring: Query }>('/tai-khoan/to-chuc', async (request, reply) => {
    const user = request.user;
    if (!user) return redirectToSignIn(request, reply);
    const organisations = await profiles.organisations(user.id);
    return sendPage(reply, <OrganisationsPage ctx={pageContext(request)} organisations={organisations} form={emptyForm} added={Boolean(request.query['da-them'])} />);
  });

  app.post('/tai-khoan/to-chuc', async (request, reply) => {
    const user = request.user;
    if (!user) return redirectToSignIn(request, reply);
    const body = formFields(request.body as Body, ['taxCode', 'organisationName', 'organisationAddress'] as const);
    try {
      await profiles.addOrganisation(user, { taxCode: body.taxCode, name: body.organisationName, address: body.organisationAddress });
      return reply.redirect('/tai-khoan/to-chuc?da-them=1', 303);
    } catch (error) {
      const ctx = pageContext(request);
      const errors = formErrors(ctx, error);
      if (!errors) throw error;
      const organisations = await profiles.organisations(user.id);
      return sendPage(reply, <OrganisationsPage ctx={ctx} organisations={organisations} form={{ values: body, errors }} added={false} />, statusOf(error));
    }
  });

  // ---- National electronic identity ----

  if (provider && deps.providerSignIn) {
    await providerRoutes(app, {
      provider,
      providerSignIn: deps.providerSignIn,
      redirectUri: deps.providerRedirectUri ?? new URL(identityProviderCallbackPath, deps.baseUrl).toString(),
      authRateLimit: deps.authRateLimit,
      secure,
    });
  }
}
