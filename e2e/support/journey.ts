import { createServer } from 'node:net';
import { requirePoppler } from '../../src/platform/pdf/testing.js';
import { launchBrowser, type TestBrowser } from './browser.js';
import { startTestServer, type TestServerOptions, type TestServer } from './server.js';

/**
 * The portal and Chromium for one journey file, started together (loading the catalogue is the slow part). `poppler`
 * first checks the PDF tools that a journey reading PDFs (slips, receipts, signed results) needs.
 */
export async function startServerAndBrowser(options: TestServerOptions & { poppler?: boolean } = {}): Promise<[TestServer, TestBrowser]> {
  if (options.poppler) requirePoppler();
  return Promise.all([startTestServer({ config: options.config }), launchBrowser()]);
}

/** Closes what a file started, in the order given; any may be missing when `before` failed part-way. */
export async function closeInOrder(...running: ({ close(): Promise<void> } | undefined)[]): Promise<void> {
  for (const item of running) await item?.close();
}

/** A free TCP port of 127.0.0.1, for a journey that must know the portal's address before the portal starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
