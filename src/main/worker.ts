import { loadConfig } from '../platform/config/config.js';
import { openDatabase } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';
import { currentWorkerIdentity } from '../platform/jobs/heartbeat.js';
import { openJobQueue } from '../platform/jobs/queue.js';
import { createStorage } from '../platform/storage/index.js';
import { createLogger } from '../platform/logging/logger.js';
import { registerJobs, sendHeartbeat } from './jobs.js';
import { startNotificationDelivery } from '../modules/notifications/index.js';

/**
 * The worker process: runs background jobs from the PostgreSQL-backed queue. Run as many as needed against one
 * PostgreSQL (DATABASE_URL); each job is claimed by one worker at a time. With the embedded database only one
 * process may open the data directory, so a worker cannot run beside a web process there (`npm start` runs both
 * in one process for the demo).
 */
const config = loadConfig();
const logger = createLogger(config.logLevel);
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, masterKeys: config.dataEncryptionKeys });
await migrate(database);

const queue = openJobQueue(database, logger);
await queue.start();
const worker = currentWorkerIdentity();
await registerJobs(queue, { database, logger, worker, storage: await createStorage(config), messageRetentionDays: config.messageRetentionDays });
// Readiness should see this worker now, not at the next whole minute.
await sendHeartbeat(queue);
// The outbox is delivered by its own dispatcher (claims with a lease, per-channel lanes, retries with backoff).
const delivery = await startNotificationDelivery({ database, config, logger, runSandbox: false });
logger.info({ action: 'worker.started', workerId: worker.workerId, database: database.kind }, 'worker started');

// Orchestrators usually allow 30 s between SIGTERM and SIGKILL: finish running jobs within 25 s, release the rest.
const STOP_TIMEOUT_MS = 25_000;
let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    if (closing) return;
    closing = true;
    logger.info({ action: 'worker.stopping', signal }, 'shutting down');
    let code = 0;
    try {
      await Promise.all([queue.stop({ graceful: true, timeoutMs: STOP_TIMEOUT_MS }), delivery.close()]);
      await database.close();
    } catch (error) {
      logger.error({ action: 'worker.stop_failed', err: error }, 'unclean shutdown');
      code = 1;
    }
    process.exit(code);
  });
}
