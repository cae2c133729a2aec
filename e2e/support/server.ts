import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createWebApp } from '../../src/main/app.js';
import { loadDemoData, type DemoData } from '../../src/main/seed.js';
import { loadConfig, type Config } from '../../src/platform/config/config.js';
import type { Database } from '../../src/platform/db/database.js';
import { openTestDatabase } from '../../src/platform/db/testing.js';

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  baseUrl: string;
  config: Config;
  database: Database;
  app: FastifyInstance;
  demo: DemoData;
  /** Seconds spent migrating and loading the demo data (the catalogue dominates). */
  loadSeconds: number;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Configuration values by key, over the test defaults (silent logs, a temporary data folder). */
  config?: Parameters<typeof loadConfig>[1];
}

/**
 * The whole portal in this process for one test file: a fresh migrated database (PGlite in memory, or a new
 * PostgreSQL database when DATABASE_URL is set), the official units and catalogue plus the demo province,
 * and the web app listening on a free port of 127.0.0.1. Loading takes seconds: start it once per file.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-e2e-'));
  const config = loadConfig(process.env, {
    nodeEnv: 'test',
    logLevel: 'silent',
    host: '127.0.0.1',
    port: '0',
    dataDir,
    ...options.config,
  });
  const database = await openTestDatabase();
  let app: FastifyInstance | undefined;
  try {
    const demo = await loadDemoData(database, config, { quiet: true });
    const loadSeconds = (performance.now() - started) / 1000;
    app = await createWebApp({ config, database });
    // Port 0 (the default): any free port. A test that must know the address beforehand (e.g. to register a
    // redirect URI at an identity provider) passes `port` and `baseUrl` in `config`.
    await app.listen({ host: '127.0.0.1', port: config.port });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the test server has no TCP address');
    const running = app;
    return {
      baseUrl: `http://127.0.0.1:${address.port}`,
      config,
      database,
      app: running,
      demo,
      loadSeconds,
      async close() {
        // A client that left a response unread (or a browser still holding keep-alive sockets) would make
        // close() wait for Fastify's 72 s keep-alive timeout, or forever: cut remaining connections after 2 s.
        const cut = setTimeout(() => running.server.closeAllConnections(), 2_000);
        cut.unref();
        await running.close();
        clearTimeout(cut);
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
