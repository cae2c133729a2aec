import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../platform/config/config.js';
import type { Database } from '../platform/db/database.js';
import { createServer } from '../platform/http/server.js';
import { CatalogueRepository, CatalogueService, catalogueRoutes } from '../modules/catalogue/index.js';
import { createAgencyService } from '../modules/admin/index.js';
import { createIdentityServices, csrfPlugin, identityRoutes, sessionPlugin } from '../modules/identity/index.js';
import { createNotificationService, notificationDevRoutes } from '../modules/notifications/index.js';
import { LookupService, lookupRoutes } from '../modules/lookup/index.js';

export interface WebAppOptions {
  config: Config;
  database: Database;
}

/**
 * The composition root of the web process: builds each module's repositories and services once and
 * registers their routes. Tests call this and use `app.inject()`; web.ts adds `listen()`.
 */
export async function createWebApp({ config, database }: WebAppOptions): Promise<FastifyInstance> {
  const portalAgency = await database.db
    .selectFrom('agency')
    .select(['code', 'name'])
    .where('code', '=', config.portalAgencyCode)
    .executeTakeFirst();
  const app = await createServer({
    config,
    database,
    portal: { agencyCode: config.portalAgencyCode, agencyName: portalAgency?.name ?? 'Motcua' },
  });

  // Sessions and CSRF first: every route below sees request.user and request.csrfToken.
  const secure = config.baseUrl.startsWith('https:');
  const notifications = createNotificationService(database);
  const identity = createIdentityServices(database, { notifications, secret: config.sessionSecret });
  await app.register(sessionPlugin, {
    store: identity.sessionStore,
    idleTimeoutSeconds: config.sessionIdleMinutes * 60,
    absoluteTimeoutSeconds: config.sessionMaxHours * 3600,
    secure,
  });
  await app.register(csrfPlugin, { secure });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Motcua public API',
        version: '1',
        description: 'The catalogue of administrative procedures, as published by this portal. JSON; no authentication; rate-limited per address.',
      },
      tags: [{ name: 'catalogue', description: 'Administrative procedures and sectors' }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const catalogue = new CatalogueService(new CatalogueRepository(database.db));
  const agencies = createAgencyService(database);
  await app.register(catalogueRoutes, { catalogue, agencies, searchRateLimit: config.searchRateLimit });
  await app.register(identityRoutes, { accounts: identity.accounts, profiles: identity.profiles, baseUrl: config.baseUrl, authRateLimit: config.authRateLimit });
  await app.register(lookupRoutes, { lookup: new LookupService(database.db), rateLimit: config.lookupRateLimit });
  if (config.nodeEnv !== 'production') await app.register(notificationDevRoutes, { notifications, nodeEnv: config.nodeEnv });
  return app;
}
