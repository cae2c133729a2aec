import { loadConfig } from '../platform/config/config.js';
import { openDatabase } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';
import { createWebApp } from './app.js';

/**
 * The web process. Stateless: run as many as needed against one PostgreSQL (DATABASE_URL).
 * With the embedded database only one process may open the data directory; use `npm start` for the demo.
 */
const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, masterKeys: config.dataEncryptionKeys });
await migrate(database);
const app = await createWebApp({ config, database });
await app.listen({ host: config.host, port: config.port });

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    process.exit(0);
  });
}
