import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../platform/config/config.js';
import type { Database } from '../platform/db/database.js';
import { createServer } from '../platform/http/server.js';
import { CatalogueRepository, CatalogueService, catalogueRoutes } from '../modules/catalogue/index.js';
import { createAgencyService } from '../modules/admin/index.js';
import { createIdentityServices, csrfPlugin, identityRoutes, MyDataRepository, MyDataService, myDataRoutes, OidcIdentityProvider, sessionPlugin } from '../modules/identity/index.js';
import {
  createInboundService,
  createNotificationService,
  inboundRoutes,
  inboundWebhookEnabled,
  notificationDevRoutes,
  notificationPreferenceRoutes,
  sandboxUrlOf,
} from '../modules/notifications/index.js';
import { createLookupService, lookupRoutes } from '../modules/lookup/index.js';
import { createFormsService, type FormValues } from '../modules/forms/index.js';
import { DossierRepository, createSubmissionService, dossierPersonalData, dossierRoutes, createDeskEntryService } from '../modules/dossiers/index.js';
import { createStorage } from '../platform/storage/index.js';
import { createSignaturesService, signaturesRoutes } from '../modules/signatures/index.js';
import { createVaultService, vaultFiling, vaultRoutes } from '../modules/vault/index.js';
import { CounterService, counterRoutes, createDeskService, createLedgerService, ledgerRoutes, createProcessService, createSlipsService, createTaskService, processRoutes, slipRoutes, taskRoutes, workflowRoutes } from '../modules/workflow/index.js';
import multipart from '@fastify/multipart';
import { createReportsService, reportsRoutes, satisfactionIndicators } from '../modules/reports/index.js';
import { createSatisfactionService, ratingInvitation, satisfactionRoutes, satisfactionSection } from '../modules/satisfaction/index.js';
import { SANDBOX_BANK_PATH, SANDBOX_GATEWAY_PATH, createPaymentService, type PaymentService, paymentRoutes, paymentSandboxRoutes, paymentSettings } from '../modules/payments/index.js';

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
  const identity = createIdentityServices(database, {
    notifications,
    secret: config.sessionSecret,
    officerSecondFactor: config.officerSecondFactor === 'required',
    totpIssuer: portalAgency?.name ?? 'Motcua',
    securityKeys: { rpId: config.webauthnRpId, origin: config.webauthnOrigin, rpName: portalAgency?.name ?? 'Motcua' },
  });
  await app.register(sessionPlugin, {
    store: identity.sessionStore,
    idleTimeoutSeconds: config.sessionIdleMinutes * 60,
    idleTimeoutSecondsByKind: { officer: config.officerSessionIdleMinutes * 60 },
    absoluteTimeoutSeconds: config.sessionMaxHours * 3600,
    secure,
  });
  await app.register(csrfPlugin, { secure });
  const uploadMaxBytes = config.uploadMaxMegabytes * 1_048_576;
  await app.register(multipart, { limits: { fileSize: uploadMaxBytes, files: 20, fields: 500, fieldSize: 100_000 } });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Motcua public API',
        version: '1',
        description: 'The catalogue of administrative procedures, as published by this portal. JSON; no authentication; rate-limited per address.',
      },
      tags: [
        { name: 'catalogue', description: 'Administrative procedures and sectors' },
        { name: 'lookup', description: 'Where a dossier is, by its code and the second factor printed on the receipt' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const catalogue = new CatalogueService(new CatalogueRepository(database.db));
  const agencies = createAgencyService(database);
  await app.register(catalogueRoutes, { catalogue, agencies, searchRateLimit: config.searchRateLimit });
  await app.register(identityRoutes, {
    accounts: identity.accounts,
    profiles: identity.profiles,
    baseUrl: config.baseUrl,
    authRateLimit: config.authRateLimit,
    officerHome: '/can-bo/viec-can-lam',
    secondFactor: identity.secondFactor,
    securityKeys: identity.securityKeys,
    sessions: identity.sessions,
    // Sign-in with the national electronic identity when an issuer is configured (`npm start` sets its sandbox's).
    identityProvider: config.vneidIssuer
      ? new OidcIdentityProvider({ issuer: config.vneidIssuer, clientId: config.vneidClientId, clientSecret: config.vneidClientSecret })
      : null,
    providerSignIn: identity.providerSignIn,
    ...(config.vneidRedirectUri ? { providerRedirectUri: config.vneidRedirectUri } : {}),
    sessionStore: identity.sessionStore,
  });
  const storage = await createStorage(config);
  const dossierRepository = new DossierRepository(database.db, database.cipher);
  const forms = createFormsService(database, {
    profiles: identity.profiles,
    previous: async (userId, code) => (await dossierRepository.latestValues(userId, code)) as FormValues | null,
  });
  // Signed results: the leader signs and the agency seals (keys in SIGNING_KEYS_DIR); issued results go to the vault.
  const signatures = createSignaturesService(database, {
    storage,
    forms,
    vault: vaultFiling(database),
    keysDir: config.signingKeysDir,
    keysPassword: config.signingKeysPassword,
    baseUrl: config.baseUrl,
    // Outside production a leader or seal without a key gets a demo key from the demo root CA on first use.
    demoKeysOnDemand: config.nodeEnv !== 'production',
  });
  // Ratings and complaints; the result-returned message carries a single-use rating link; the indicators follow.
  const satisfaction = createSatisfactionService(database, { notifications, secret: config.sessionSecret, baseUrl: config.baseUrl, indicators: satisfactionIndicators(database) });
  // The workflow engine: reception starts a dossier's internal process; officers work through their inbox.
  const tasks = createTaskService(database, {
    notifications,
    processes: createProcessService(database),
    sign: (input) => signatures.issue(input),
    ratingInvitation: ratingInvitation(satisfaction),
  });
  const submission = createSubmissionService(database, {
    forms,
    notifications,
    draftLifetimeDays: config.draftLifetimeDays,
    afterSupplementAnswered: (dossierId) => tasks.resumeAfterSupplement(dossierId),
    // A withdrawal closes the dossier's open tasks in its own transaction and tells the officers who held them.
    onWithdrawn: (trx, withdrawal) => tasks.closeForWithdrawal(trx, withdrawal),
  });
  await app.register(dossierRoutes, {
    submission,
    forms,
    profiles: identity.profiles,
    storage,
    baseUrl: config.baseUrl,
    uploadMaxBytes,
    submitRateLimit: config.authRateLimit * 3,
    sections: [satisfactionSection(satisfaction)],
  });
  await app.register(satisfactionRoutes, { satisfaction, linkRateLimit: config.lookupRateLimit });
  // "My data" (Decree 13/2023): each module that holds a citizen's data contributes its section of the export.
  const dossierData = dossierPersonalData(database.db);
  const myData = new MyDataService(database.db, new MyDataRepository(database.db, database.cipher), {
    sources: [(userId) => dossierData.section(userId)],
    dossiersOf: (userId) => dossierData.dossiersOf(userId),
    storage,
  });
  await app.register(myDataRoutes, { myData });
  await app.register(signaturesRoutes, { signatures, storage, uploadMaxBytes, checkRateLimit: config.lookupRateLimit });
  await app.register(vaultRoutes, { vault: createVaultService(database, { drafts: submission, forms }), storage });
  const payments = createPaymentService(database, { settings: paymentSettings(config), notifications });
  await app.register(paymentRoutes, { payments, sandboxBankPath: config.nodeEnv === 'production' ? null : SANDBOX_BANK_PATH });
  await app.register(paymentSandboxRoutes, { settings: payments.settings, nodeEnv: config.nodeEnv, gatewayPath: SANDBOX_GATEWAY_PATH, bankPath: SANDBOX_BANK_PATH });
  const afterRefused = (trx: Parameters<PaymentService['afterRefused']>[0], dossierId: number) => payments.afterRefused(trx, dossierId);
  const desk = createDeskService(database, { notifications, tasks, afterRefused });
  await app.register(workflowRoutes, { desk, storage, forms });
  await app.register(taskRoutes, { tasks, storage });
  await app.register(slipRoutes, { slips: createSlipsService(database), baseUrl: config.baseUrl });
  await app.register(ledgerRoutes, { ledger: createLedgerService(database) });
  // Walk-in and postal dossiers: entered at the desk into the same e-forms, then received by the same desk service.
  const deskEntry = createDeskEntryService(database, { forms, draftLifetimeDays: config.draftLifetimeDays });
  await app.register(counterRoutes, { entry: deskEntry, counter: new CounterService(deskEntry, desk), forms, storage, uploadMaxBytes });
  await app.register(processRoutes, { processes: createProcessService(database) });
  await app.register(reportsRoutes, { reports: createReportsService(database), db: database.db, openDataRateLimit: config.searchRateLimit });
  // The lookup keeps dossiers in memory and listens for their changes (its own connection on PostgreSQL).
  const lookup = await createLookupService(database, {
    maxStalenessMs: config.lookupMaxStalenessMs,
    onFeedError: (error) => app.log.warn({ err: error }, 'lookup change feed down'),
  });
  app.addHook('onClose', async () => lookup.close());
  await app.register(lookupRoutes, { lookup, rateLimit: config.lookupRateLimit });
  await app.register(notificationPreferenceRoutes, { notifications });
  // Texts to the portal's SMS number / Zalo account: "TRACUU <code> <4 digits>" answered from the same lookup.
  if (inboundWebhookEnabled(config)) {
    const inbound = createInboundService(database, { notifications, lookup, perSenderPerHour: config.inboundRateLimit });
    await app.register(inboundRoutes, { inbound, secret: config.inboundWebhookSecret });
  }
  if (config.nodeEnv !== 'production') await app.register(notificationDevRoutes, { notifications, nodeEnv: config.nodeEnv, sandboxUrl: sandboxUrlOf(config) });
  return app;
}
