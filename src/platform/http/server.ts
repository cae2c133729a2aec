import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import { CommonErrors, DomainError } from '../errors/errors.js';
import { isLocale } from '../i18n/i18n.js';
import { lastHeartbeat } from '../jobs/heartbeat.js';
import { LazyChildLogger, loggerOptions, type Logger } from '../logging/logger.js';
import { safeNext } from '../views/layout.js';
import { LOCALE_COOKIE, localeOf, type PortalIdentity, type RegisteredRoute } from './context.js';
import { csrfTokenOf } from './csrf.js';
import { sendError } from './errors.js';
import './auth.js';

const assetsDir = fileURLToPath(new URL('../views/assets/', import.meta.url));

export interface ServerOptions {
  config: Config;
  database: Database;
  portal: PortalIdentity;
}

/**
 * The platform part of the web process: logging with request ids, security headers, cookies, forms,
 * rate limiting, static assets, language switch, health endpoints and the one error mapping.
 * Modules register their routes on the returned instance; `listen()` is the caller's business (tests inject).
 */
export async function createServer({ config, database, portal }: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    // The request's child logger is made on first write (logging/logger.ts).
    childLoggerFactory: (logger, bindings, options) => new LazyChildLogger(logger as Logger, bindings, options as Record<string, unknown>) as unknown as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    // Accept a caller's request id when it looks like one, so logs join up across a proxy.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 1_048_576,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorate('portal', portal);
  const routeList: RegisteredRoute[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeList.push({ method, url: route.url });
  });
  app.decorateRequest('locale', 'vi');
  app.decorateRequest('user', null);
  // Read lazily (csrf.ts): a page that renders no form costs no random draw, signature or cookie.
  app.decorateRequest('csrfToken', {
    getter(this: FastifyRequest) {
      return csrfTokenOf(this);
    },
  });

  // Security headers: the ones helmet sets for these options, worked out once at start-up and copied onto every
  // reply (the plugin rebuilds its middleware on every request, a tenth of a cheap page's CPU time).
  const headers = await securityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    // The API docs page (swagger-ui) is the one place with inline styles; it sets its own CSP.
    hsts: config.baseUrl.startsWith('https:'),
  });
  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  await app.register(fastifyStatic, { root: assetsDir, prefix: '/assets/', maxAge: '1d', immutable: false });

  // Callback hooks (no promise per request).
  app.addHook('onRequest', (request, reply, done) => {
    request.locale = localeOf(request, config.defaultLocale);
    reply.headers(headers);
    reply.header('x-request-id', String(request.id));
    done();
  });

  // No text a person types contains U+0000, and PostgreSQL refuses it in text and jsonb: drop it from every query,
  // path parameter and parsed body before any route sees them (found by wapiti: a NUL in ?q= was a 500).
  app.addHook('preValidation', (request, _reply, done) => {
    withoutNul(request.query);
    withoutNul(request.params);
    withoutNul(request.body);
    done();
  });

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error as Error));
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new DomainError(CommonErrors.notFound)));

  // Language switch that works without JavaScript and returns to the same page.
  app.get<{ Params: { locale: string }; Querystring: { next?: string } }>('/lang/:locale', async (request, reply) => {
    const { locale } = request.params;
    if (!isLocale(locale)) throw new DomainError(CommonErrors.notFound);
    reply.setCookie(LOCALE_COOKIE, locale, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 24 * 3600 });
    return reply.redirect(safeNext(request.query.next), 303);
  });

  // Liveness: the process answers. Readiness: it can reach the database (load balancers route only when ready).
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    try {
      await database.ping();
      const beat = await lastHeartbeat(database.db);
      // Workers beat every minute; older than three minutes means no worker is running jobs.
      const workers = beat && Date.now() - beat.at.getTime() < 180_000 ? 'alive' : 'none';
      return { status: 'ready', database: database.kind, workers, lastWorkerBeat: beat?.at.toISOString() ?? null };
    } catch (error) {
      app.log.warn({ err: error }, 'readiness check failed');
      return reply.status(503).send({ status: 'unavailable', database: database.kind });
    }
  });

  return app;
}

/** Removes U+0000 from every string inside a parsed query, path or body, in place. */
export function withoutNul(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 20) return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (typeof item === 'string') {
      if (item.includes('\u0000')) record[key] = item.replaceAll('\u0000', '');
    } else if (item !== null && typeof item === 'object' && !Buffer.isBuffer(item)) withoutNul(item, depth + 1);
  }
}

/**
 * The headers @fastify/helmet adds for `options`, read from one request to a scratch server: the same headers as
 * registering the plugin, without its per-request cost. (No route of the portal uses per-route helmet options or
 * CSP nonces; the API docs page replaces the CSP itself.)
 */
async function securityHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, options);
  probe.get('/', async () => 'probe');
  const response = await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  const notSecurity = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (!notSecurity.has(name) && value !== undefined) headers[name] = String(value);
  }
  if (!headers['content-security-policy']) throw new Error('helmet set no content-security-policy');
  return headers;
}
