import { randomBytes } from 'node:crypto';
import { loadConfig } from '../platform/config/config.js';
import {
  demoOfficerTotpSecret,
  identityProviderCallbackPath,
  postLogoutPath,
  startVneidSandbox,
  vneidSandboxCitizens,
  type RunningSandbox,
} from '../modules/identity/index.js';
import { openDatabase } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';
import { currentWorkerIdentity } from '../platform/jobs/heartbeat.js';
import { openJobQueue } from '../platform/jobs/queue.js';
import { createStorage } from '../platform/storage/index.js';
import { createLogger } from '../platform/logging/logger.js';
import { createWebApp } from './app.js';
import { registerJobs, sendHeartbeat } from './jobs.js';
import { loadDemoData } from './seed.js';
import { encryptPersonalData } from './encrypt-personal-data.js';
import { startNotificationDelivery } from '../modules/notifications/index.js';

/**
 * `npm start`: the whole system in one process on the embedded database (or DATABASE_URL when set):
 * migrate, load the official data and the demo province, start the web server, print the demo accounts.
 */
const started = Date.now();
const baseConfig = loadConfig();
// VNeID: with no issuer configured, run the local sandbox (a real OpenID provider with demo citizens) and use it.
let vneidSandbox: RunningSandbox | null = null;
let config = baseConfig;
if (!baseConfig.vneidIssuer && baseConfig.nodeEnv !== 'production') {
  const clientSecret = baseConfig.vneidClientSecret || randomBytes(24).toString('base64url');
  // A taken port (another demo running) costs only the VNeID button, not the demo.
  vneidSandbox = await startVneidSandbox({
    host: baseConfig.host === '0.0.0.0' ? '0.0.0.0' : baseConfig.host,
    publicHost: new URL(baseConfig.baseUrl).hostname,
    port: baseConfig.vneidSandboxPort,
    clients: [
      {
        clientId: baseConfig.vneidClientId,
        clientSecret,
        redirectUris: [baseConfig.vneidRedirectUri || new URL(identityProviderCallbackPath, baseConfig.baseUrl).toString()],
        postLogoutRedirectUris: [new URL(postLogoutPath, baseConfig.baseUrl).toString()],
      },
    ],
  }).catch((error: unknown) => {
    console.warn(`VNeID sandbox not started (${(error as Error).message}); set VNEID_SANDBOX_PORT to a free port to sign in with VNeID`);
    return null;
  });
  if (vneidSandbox) config = loadConfig(process.env, { vneidIssuer: vneidSandbox.issuer, vneidClientSecret: clientSecret });
}
console.log(`Motcua demo — database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`}`);
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, masterKeys: config.dataEncryptionKeys });
const migrated = await migrate(database);
if (migrated.applied.length > 0) console.log(`migrations applied: ${migrated.applied.join(', ')}`);
// A demo data directory from before encryption at rest still holds numbers in plaintext: seal them (a few hundred
// rows at most, so at start-up here; production runs `motcua data:encrypt` instead — docs/architecture.md).
const sealed = (await encryptPersonalData(database)).filter((o) => o.changed > 0);
if (sealed.length > 0) console.log(`personal data sealed: ${sealed.map((o) => `${o.table} ${o.changed}`).join(', ')}`);
const data = await loadDemoData(database, config);
// The worker runs in this process: the embedded database can be opened by one process only.
const logger = createLogger(config.logLevel);
const queue = openJobQueue(database, logger);
await queue.start();
await registerJobs(queue, { database, logger, worker: currentWorkerIdentity(), storage: await createStorage(config), messageRetentionDays: config.messageRetentionDays });
await sendHeartbeat(queue);
// Delivers the outbox; outside production the local SMTP server and SMS/Zalo sandbox stand in for the providers.
const delivery = await startNotificationDelivery({ database, config, logger, runSandbox: true });
const app = await createWebApp({ config, database });
await app.listen({ host: config.host, port: config.port });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.port;
const url = config.baseUrl.replace(/:\d+$/, `:${port}`);

console.log('\nDemo accounts (demo only — never use these passwords elsewhere):');
const width = Math.max(...data.accounts.map((a) => a.username.length));
for (const a of data.accounts) console.log(`  ${a.username.padEnd(width)}  ${a.password}  ${a.role}${a.agencyName ? ` — ${a.agencyName}` : ''}`);
if (delivery.sandbox) console.log(`\nMessages go to the local test servers (SMTP 127.0.0.1:${delivery.sandbox.smtpPort}, SMS/Zalo ${delivery.sandbox.url}); read them at ${url}/dev/hop-thu`);
if (config.officerSecondFactor === 'required') {
  console.log(`\nOfficers' second factor (demo TOTP secret, add it to an authenticator app): ${demoOfficerTotpSecret}`);
}
if (vneidSandbox) {
  const { citizens, password } = await vneidSandboxCitizens();
  console.log(`\nVNeID sandbox at ${vneidSandbox.issuer} ("Đăng nhập bằng VNeID"); demo citizens, password ${password}:`);
  for (const c of citizens) console.log(`  ${c.personalId}  ${c.fullName}, ${c.birthDate}, level ${c.level}`);
}
console.log(`\nMotcua is ready at ${url} (started in ${((Date.now() - started) / 1000).toFixed(1)} s). Press Ctrl+C to stop.`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await vneidSandbox?.close();
    await Promise.all([queue.stop({ graceful: true, timeoutMs: 10_000 }), delivery.close()]);
    await database.close();
    process.exit(0);
  });
}
