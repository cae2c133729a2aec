import Fastify from 'fastify';
import { httpTable, measureHttp, type HttpResult, type HttpSettings } from './http.js';

/**
 * The reference every HTTP benchmark divides by: a bare Fastify route answering a small JSON object, served
 * from this same process and loaded the same way. It measures the machine, Node and the load tool, so the
 * ratio "our page / bare route" is what to compare across machines and runs.
 */
export async function measureBaseline(settings: HttpSettings): Promise<{ result: HttpResult; markdown: string }> {
  const app = Fastify({ logger: false });
  app.get('/ping', async () => ({ status: 'ok', service: 'baseline' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the baseline server has no TCP address');
    const result = await measureHttp({ name: 'bare Fastify `GET /ping` (JSON)', baseUrl: `http://127.0.0.1:${address.port}`, paths: ['/ping'] }, settings);
    return { result, markdown: httpTable([result], result) };
  } finally {
    await app.close();
  }
}
