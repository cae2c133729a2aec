import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { isLocale, translator, type Locale, type Translate } from '../i18n/i18n.js';
import type { SessionUser } from './auth.js';

/** What every page needs to render: the language, the translator, where we are, and the portal's identity. */
export interface ViewContext {
  locale: Locale;
  t: Translate;
  /** Path and query of the current page, so the language switch can come back to it. */
  url: string;
  path: string;
  portal: PortalIdentity;
  requestId: string;
  /** The signed-in user (null for visitors): the header shows their name and the sign-out button. */
  user: SessionUser | null;
  /** Token for the hidden `_csrf` field of every form that changes something. */
  csrfToken: string;
}

export interface PortalIdentity {
  agencyCode: string;
  agencyName: string;
}

export const LOCALE_COOKIE = 'lang';

export function localeOf(request: FastifyRequest, defaultLocale: Locale): Locale {
  const cookie = request.cookies?.[LOCALE_COOKIE];
  if (isLocale(cookie)) return cookie;
  return defaultLocale;
}

/** `url` replaces the address the page links back to (a page rendered once for many addresses puts a marker). */
export function viewContext(request: FastifyRequest, overrides: { url?: string } = {}): ViewContext {
  const locale = request.locale;
  return {
    locale,
    t: translator(locale),
    url: overrides.url ?? request.url,
    path: request.url.split('?')[0] ?? '/',
    portal: request.server.portal,
    requestId: String(request.id),
    user: request.user,
    // Made only if the page renders a form (csrf.ts): copying the context with a spread makes it.
    get csrfToken() {
      return request.csrfToken;
    },
  };
}

export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${renderToString(page)}`);
}

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
  }
  interface FastifyInstance {
    portal: PortalIdentity;
    /** Every route registered on this server (method and URL pattern; HEAD omitted): the access-matrix test walks it. */
    routeList: RegisteredRoute[];
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
}
