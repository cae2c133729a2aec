// Public lookup: the page a citizen reaches from the QR code on the receipt slip, `GET /tra-cuu/<code>?s=<secret>`,
// loaded like the other HTTP benchmarks and divided by the bare Fastify route measured in the same run, and by a bare
// route doing the page's fixed work (rate limit, headers, its bytes). On PostgreSQL with LOOKUP_MAX_STALENESS_MS > 0,
// the page and the API are measured again from a second app on the same database with the exact barrier (0).
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { sql } from 'kysely';
import type { TestServer } from '../e2e/support/server.js';
import { createWebApp } from '../src/main/app.js';
import { createLookupService, LookupService } from '../src/modules/lookup/index.js';
import { httpTable, measureHttp, type HttpResult, type HttpSettings } from './http.js';
import { ms, percentiles, table, type Percentiles } from './stats.js';
import { submittedDossiers } from './submission.js';

/** Lookup throughput the portal aims at, as a share of the bare route's. */
export const lookupTargetShareOfBare = 0.4;

export interface LookupBenchOptions {
  fixture: TestServer;
  http: HttpSettings;
  baseline: HttpResult;
  /** Dossiers to look up in turn (codes of several agencies, so no single row stays hot). */
  dossiers: number;
  /** Passes over all dossiers through the service, after `warmupRounds` unmeasured ones. */
  rounds: number;
  warmupRounds: number;
}

export interface LookupBenchOutcome {
  markdown: string;
  service: Percentiles;
  selectOne: Percentiles;
  http: HttpResult[];
}

async function samples(count: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const started = performance.now();
    await fn(i);
    if (i >= warmup) out.push(performance.now() - started);
  }
  return out;
}

/**
 * Bare Fastify routes (no plugins, JSON) in this process that do part of a lookup's work, to split its cost:
 * one `select 1` through the portal's database handle, and `LookupService.find` itself.
 */
async function measureBareWithDatabase(options: LookupBenchOptions, lookup: LookupService, dossiers: { code: string; secret: string }[]): Promise<HttpResult[]> {
  const app = Fastify({ logger: false });
  app.get('/select-1', async () => (await sql<{ one: number }>`select 1 as one`.execute(options.fixture.database.db)).rows[0]);
  app.get<{ Params: { code: string }; Querystring: { s: string } }>('/find/:code', async (request) => lookup.find(request.params.code, request.query.s));
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the bare server has no TCP address');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    return [
      await measureHttp({ name: 'bare Fastify + `select 1` (JSON)', baseUrl, paths: ['/select-1'] }, options.http),
      await measureHttp(
        { name: 'bare Fastify + `LookupService.find`, cached (JSON)', baseUrl, paths: dossiers.map((d) => `/find/${encodeURIComponent(d.code)}?s=${d.secret}`) },
        options.http,
      ),
    ];
  } finally {
    await app.close();
  }
}

/**
 * A bare Fastify route doing the fixed work of the result page and nothing else: the per-address rate limit
 * (@fastify/rate-limit, the same plugin and window), the portal's response headers (security headers, CSP, cache
 * control, copied from a real result page) and an HTML string of the page's size (the page itself), without database,
 * session, CSRF, locale, logging or rendering. The gap between it and the result page is what the portal adds.
 */
async function measureBareFixedWork(options: LookupBenchOptions, path: string): Promise<HttpResult> {
  const sample = await fetch(`${options.fixture.baseUrl}${path}`);
  const html = await sample.text();
  if (!sample.ok || !html.includes('<html')) throw new Error(`the result page answered ${sample.status}`);
  const notCopied = new Set(['content-length', 'date', 'connection', 'keep-alive', 'x-request-id', 'transfer-encoding']);
  const headers: Record<string, string> = {};
  sample.headers.forEach((value, name) => {
    if (!notCopied.has(name)) headers[name] = value;
  });
  const app = Fastify({ logger: false });
  await app.register(rateLimit, { global: false });
  app.get('/page', { config: { rateLimit: { max: 1_000_000_000, timeWindow: '1 minute' } } }, async (_request, reply) => reply.headers(headers).send(html));
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the bare server has no TCP address');
    return await measureHttp(
      { name: `bare Fastify + rate limit + the page's headers + ${(Buffer.byteLength(html) / 1024).toFixed(1)} KB HTML string (no database)`, baseUrl: `http://127.0.0.1:${address.port}`, paths: ['/page'] },
      options.http,
    );
  } finally {
    await app.close();
  }
}

/** The same portal on the same database with LOOKUP_MAX_STALENESS_MS=0 (exact read-your-writes across processes). */
async function measureExact(options: LookupBenchOptions, dossiers: { code: string; secret: string }[]): Promise<HttpResult[]> {
  const app = await createWebApp({ config: { ...options.fixture.config, lookupMaxStalenessMs: 0 }, database: options.fixture.database });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the exact server has no TCP address');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    return [
      await measureHttp({ name: 'lookup result, exact (`LOOKUP_MAX_STALENESS_MS=0`)', baseUrl, paths: dossiers.map((d) => `/tra-cuu/${encodeURIComponent(d.code)}?s=${d.secret}`) }, options.http),
      await measureHttp(
        { name: 'lookup API, exact (`LOOKUP_MAX_STALENESS_MS=0`)', baseUrl, paths: dossiers.map((d) => `/api/v1/dossiers/${encodeURIComponent(d.code)}/status?check=${d.secret}`) },
        options.http,
      ),
    ];
  } finally {
    await app.close();
  }
}

/**
 * `LookupService.find` called directly next to `select 1` on the same handle (what the database costs), then over
 * HTTP: the lookup result page, the empty lookup form (same page machinery, no query), bare routes doing the
 * lookup's database work, and the bare route itself.
 */
export async function benchLookup(options: LookupBenchOptions): Promise<LookupBenchOutcome> {
  const { fixture, rounds, warmupRounds } = options;
  const dossiers = await submittedDossiers(fixture, options.dossiers);
  // As the portal runs it (in-memory copies kept exact by the change feed), and without a cache (every call reads).
  const staleness = fixture.config.lookupMaxStalenessMs;
  const lookup = await createLookupService(fixture.database, { maxStalenessMs: staleness });
  const uncached = await LookupService.create(fixture.database.db);
  const calls = rounds * dossiers.length;
  const warmCalls = warmupRounds * dossiers.length;
  const nth = (i: number) => dossiers[i % dossiers.length]!;
  const service = percentiles(await samples(calls, warmCalls, (i) => lookup.find(nth(i).code, nth(i).secret)));
  const database = percentiles(await samples(calls, warmCalls, (i) => uncached.find(nth(i).code, nth(i).secret)));
  const selectOne = percentiles(await samples(calls, warmCalls, () => sql`select 1`.execute(fixture.database.db)));

  const result = await measureHttp(
    {
      name: 'lookup result `GET /tra-cuu/<code>?s=…`',
      baseUrl: fixture.baseUrl,
      paths: dossiers.map((d) => `/tra-cuu/${encodeURIComponent(d.code)}?s=${d.secret}`),
    },
    options.http,
  );
  const api = await measureHttp(
    {
      name: 'lookup API `GET /api/v1/dossiers/<code>/status?check=…` (JSON)',
      baseUrl: fixture.baseUrl,
      paths: dossiers.map((d) => `/api/v1/dossiers/${encodeURIComponent(d.code)}/status?check=${d.secret}`),
    },
    options.http,
  );
  const form = await measureHttp({ name: 'lookup form `GET /tra-cuu` (no query)', baseUrl: fixture.baseUrl, paths: ['/tra-cuu'] }, options.http);
  const bare = await measureBareWithDatabase(options, lookup, dossiers);
  const fixedWork = await measureBareFixedWork(options, result.paths[0]!);
  const exact = fixture.database.kind === 'postgres' && staleness > 0 ? await measureExact(options, dossiers) : [];
  await lookup.close();
  const share = result.rps / options.baseline.rps;
  const verdict = share >= lookupTargetShareOfBare ? 'met' : '**missed**';
  const pct = (r: HttpResult, of: HttpResult) => `${Math.round((r.rps / of.rps) * 100)}%`;
  const mode =
    fixture.database.kind === 'postgres'
      ? staleness > 0
        ? `with \`LOOKUP_MAX_STALENESS_MS=${staleness}\` (a change another process committed may show up to ${staleness} ms late)`
        : 'exact (`LOOKUP_MAX_STALENESS_MS=0`)'
      : 'embedded database (one process: always exact)';
  const markdown = [
    '### Public lookup',
    '',
    `${dossiers.length} submitted dossiers looked up in turn by code and slip secret; the service directly (${calls} calls after ${warmCalls} warm-up ones), then over HTTP.`,
    '',
    table(
      ['call', 'p50', 'p95', 'p99'],
      [
        [`\`LookupService.find(code, secret)\` as the portal runs it (cache + change feed, staleness ${staleness} ms)`, ms(service.p50), ms(service.p95), ms(service.p99)],
        ['the same without a cache (one query per call)', ms(database.p50), ms(database.p95), ms(database.p99)],
        ['`select 1` (same handle)', ms(selectOne.p50), ms(selectOne.p95), ms(selectOne.p99)],
      ],
    ),
    '',
    httpTable([options.baseline, ...bare, fixedWork, form, result, api, ...exact], options.baseline),
    '',
    `Target ≥ ${Math.round(lookupTargetShareOfBare * 100)}% of the bare route's req/s (lookup result page, ${mode}): ${verdict} (${Math.round(share * 100)}%; ` +
      `the JSON API reaches ${pct(api, options.baseline)}, the form page without a query ${pct(form, options.baseline)}` +
      `${exact.length === 2 ? `; exact, the result page ${pct(exact[0]!, options.baseline)} and the JSON API ${pct(exact[1]!, options.baseline)}` : ''}). ` +
      `Against the bare route doing the same fixed work (rate limit, headers, the page's bytes): result page ${pct(result, fixedWork)}` +
      `${exact.length === 2 ? `, exact ${pct(exact[0]!, fixedWork)}` : ''}.`,
  ].join('\n');
  return { markdown, service, selectOne, http: [result, api, form, ...bare, fixedWork, ...exact] };
}
