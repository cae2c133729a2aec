import { z } from 'zod';
import { importCatalogue } from '../modules/catalogue/index.js';
import { DossierRepository, purgeExpiredDrafts } from '../modules/dossiers/index.js';
import type { FileStorage } from '../platform/storage/index.js';
import type { Database } from '../platform/db/database.js';
import { HEARTBEAT_CRON, HEARTBEAT_JOB, recordHeartbeat, type WorkerIdentity } from '../platform/jobs/heartbeat.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import type { Logger } from '../platform/logging/logger.js';
import { createNotificationService, purgeOldMessages } from '../modules/notifications/index.js';
import { purgeExpiredIdentityData } from '../modules/identity/index.js';
import { createProcessService, createTaskService, registerDeadlineJobs } from '../modules/workflow/index.js';
import { createReportsService } from '../modules/reports/index.js';

/**
 * The composition root of background work: every job name, its payload schema and its handler. The worker process
 * calls `registerJobs`; web and CLI processes only send, through the helpers below so that the options a job needs
 * (lease, retries, dedupe key) are chosen in one place.
 */
export interface JobDeps {
  database: Database;
  logger: Logger;
  worker: WorkerIdentity;
  storage: FileStorage;
  /** Days settled messages are kept (MESSAGE_RETENTION_DAYS). */
  messageRetentionDays: number;
}

export const PURGE_DRAFTS_JOB = 'dossiers.purge-expired-drafts';
// Nightly, outside office hours (Vietnam time is UTC+7: 19:30 UTC is 02:30 the next morning).
const PURGE_DRAFTS_CRON = '30 19 * * *';

export const CATALOGUE_IMPORT_JOB = 'catalogue.import';

export const RETENTION_JOB = 'retention.purge';
// Nightly, after the draft purge (19:45 UTC is 02:45 in Vietnam).
const RETENTION_CRON = '45 19 * * *';

export const REFRESH_INDICATORS_JOB = 'reports.refresh-indicators';
const REFRESH_INDICATORS_CRON = '*/10 * * * *';

// Payloads come back from the database, possibly written by an older release: checked before use.
const catalogueImportPayload = z.object({
  /** Path of the gzip JSON-lines catalogue, as seen by the worker process. */
  file: z.string().min(1),
});
export type CatalogueImportPayload = z.infer<typeof catalogueImportPayload>;

export async function registerJobs(queue: JobQueue, deps: JobDeps): Promise<void> {
  const { database, logger, worker, storage } = deps;

  await queue.work<CatalogueImportPayload>(CATALOGUE_IMPORT_JOB, async (payload, job) => {
    const { file } = catalogueImportPayload.parse(payload);
    const outcome = await importCatalogue(database.db, { file });
    logger.info(
      {
        action: 'catalogue.imported',
        jobId: job.id,
        file,
        read: outcome.read,
        created: outcome.created,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        millis: outcome.millis,
      },
      'catalogue imported',
    );
  });

  // Drafts expire by policy (DRAFT_LIFETIME_DAYS): their uploaded files are deleted first, then the drafts.
  await queue.work(PURGE_DRAFTS_JOB, async () => {
    const outcome = await purgeExpiredDrafts(new DossierRepository(database.db, database.cipher), storage, new Date());
    logger.info({ action: 'dossiers.drafts_purged', ...outcome }, 'expired drafts purged');
  });
  await queue.schedule(PURGE_DRAFTS_JOB, PURGE_DRAFTS_CRON, {}, { retryLimit: 2, expireInSeconds: 3600 });

  await queue.work(HEARTBEAT_JOB, async () => {
    await recordHeartbeat(database.db, worker);
  });
  // A beat that missed its minute is worthless a minute later: no retries, a short lease.
  await queue.schedule(HEARTBEAT_JOB, HEARTBEAT_CRON, {}, { retryLimit: 0, expireInSeconds: 50 });

  // Retention (Decree 13/2023): settled messages older than MESSAGE_RETENTION_DAYS, expired sessions and codes.
  await queue.work(RETENTION_JOB, async () => {
    const now = new Date();
    const messages = await purgeOldMessages(database.db, new Date(now.getTime() - deps.messageRetentionDays * 86_400_000));
    const identity = await purgeExpiredIdentityData(database.db, now);
    logger.info({ action: 'retention.purged', ...messages, ...identity }, 'retention purge');
  });
  await queue.schedule(RETENTION_JOB, RETENTION_CRON, {}, { retryLimit: 2, expireInSeconds: 3600 });

  // The indicators' monthly counts: this month and the one before, recomputed whole (idempotent, one lock per month).
  await queue.work(REFRESH_INDICATORS_JOB, async () => {
    const outcome = await createReportsService(database).refreshRecent();
    logger.info({ action: 'reports.indicators_refreshed', ...outcome }, 'indicators refreshed');
  });
  await queue.schedule(REFRESH_INDICATORS_JOB, REFRESH_INDICATORS_CRON, {}, { retryLimit: 1, expireInSeconds: 600 });

  // Deadline reminders and escalations of the workflow's open tasks (each sent once per task and kind).
  const tasks = createTaskService(database, { notifications: createNotificationService(database), processes: createProcessService(database) });
  await registerDeadlineJobs(queue, { tasks, logger });
}

/**
 * Queues an import of the national catalogue. No dedupe key: the import skips unchanged records, so a repeated
 * request costs time, not correctness, and a key would also swallow a deliberate re-import of an updated file.
 */
export function sendCatalogueImport(queue: JobQueue, file: string): Promise<string | null> {
  // Importing the whole catalogue takes minutes: a long lease, few and slow retries.
  return queue.send<CatalogueImportPayload>(CATALOGUE_IMPORT_JOB, { file }, {
    expireInSeconds: 60 * 60,
    retryLimit: 2,
    retryDelaySeconds: 60,
  });
}

/** Asks for a beat now rather than at the next minute, e.g. when a worker starts. */
export function sendHeartbeat(queue: JobQueue): Promise<string | null> {
  return queue.send(HEARTBEAT_JOB, {}, { retryLimit: 0, expireInSeconds: 50 });
}
