import { sql } from 'kysely';
import type { TestServer } from '../e2e/support/server.js';
import { CatalogueRepository, CatalogueService, type SearchResult } from '../src/modules/catalogue/index.js';
import { httpTable, measureHttp, type HttpResult, type HttpSettings } from './http.js';
import { ms, percentiles, table, type Percentiles } from './stats.js';

/** What citizens type: with and without diacritics, a code, a typo ("ki" for "ký"). */
export const searchQueries = [
  'dang ky khai sinh',
  'khai sinh',
  'giấy phép xây dựng',
  'cap lai can cuoc',
  '1.001193',
  'ho kinh doanh',
  'chung thuc ban sao',
  'dang ki ket hon',
];

/** Search latency the portal aims at, per query, measured at the service (database included). */
export const searchTargetP95Ms = 10;

export interface CatalogueSearchOptions {
  fixture: TestServer;
  http: HttpSettings;
  baseline: HttpResult;
  /** Passes over all queries, after `warmupRounds` unmeasured ones. */
  rounds: number;
  warmupRounds: number;
}

export interface CatalogueSearchOutcome {
  markdown: string;
  search: Percentiles;
  selectOne: Percentiles;
  http: HttpResult[];
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/**
 * `CatalogueService.search` called directly over the full national catalogue, next to a trivial `select 1`
 * through the same database handle (the floor any query pays), then the search page and the API over HTTP
 * next to the bare route.
 */
export async function benchCatalogueSearch(options: CatalogueSearchOptions): Promise<CatalogueSearchOutcome> {
  const { fixture, rounds, warmupRounds } = options;
  const service = new CatalogueService(new CatalogueRepository(fixture.database.db));
  const byQuery = new Map<string, number[]>(searchQueries.map((q) => [q, []]));
  const lastResult = new Map<string, SearchResult>();
  const all: number[] = [];

  // Round-robin over the queries so no query runs only with a warm cache behind the previous identical one.
  for (let round = 0; round < warmupRounds + rounds; round++) {
    for (const q of searchQueries) {
      const { value, ms: elapsed } = await timed(() => service.search({ q }));
      if (round < warmupRounds) continue;
      byQuery.get(q)?.push(elapsed);
      all.push(elapsed);
      lastResult.set(q, value);
    }
  }

  const selectOneSamples: number[] = [];
  for (let i = 0; i < warmupRounds * searchQueries.length + all.length; i++) {
    const { ms: elapsed } = await timed(() => sql`select 1`.execute(fixture.database.db));
    if (i >= warmupRounds * searchQueries.length) selectOneSamples.push(elapsed);
  }

  const search = percentiles(all);
  const selectOne = percentiles(selectOneSamples);
  const rows = searchQueries.map((q) => {
    const p = percentiles(byQuery.get(q) ?? []);
    const result = lastResult.get(q);
    const top = result?.items[0];
    return [`\`${q}\``, String(result?.total ?? '–'), top ? `${top.code} ${shorten(top.name, 70)}` : '–', ms(p.p50), ms(p.p95), ms(p.p99)];
  });
  rows.push(['**all queries**', '', '', `**${ms(search.p50)}**`, `**${ms(search.p95)}**`, `**${ms(search.p99)}**`]);
  rows.push(['`select 1` (same handle)', '', '', ms(selectOne.p50), ms(selectOne.p95), ms(selectOne.p99)]);
  const verdict = search.p95 < searchTargetP95Ms ? 'met' : '**missed**';

  const page = await measureHttp(
    { name: 'search page `GET /thu-tuc?q=…`', baseUrl: fixture.baseUrl, paths: searchQueries.map((q) => `/thu-tuc?q=${encodeURIComponent(q)}`) },
    options.http,
  );
  const api = await measureHttp(
    { name: 'API `GET /api/v1/procedures?q=…`', baseUrl: fixture.baseUrl, paths: searchQueries.map((q) => `/api/v1/procedures?q=${encodeURIComponent(q)}`) },
    options.http,
  );

  const markdown = [
    '### Catalogue search',
    '',
    `\`CatalogueService.search({ q })\` (first page of 20) over the ${fixture.demo.catalogue.read.toLocaleString('en-US')} procedures of the national catalogue, ` +
      `${rounds} measured passes over ${searchQueries.length} queries after ${warmupRounds} warm-up passes (${search.count} calls).`,
    '',
    table(['query', 'results', 'first result', 'p50', 'p95', 'p99'], rows),
    '',
    `Target p95 < ${searchTargetP95Ms} ms: ${verdict} (p95 ${ms(search.p95)}; ${(search.p50 / selectOne.p50).toFixed(1)}× the median of \`select 1\`).`,
    '',
    '### Search over HTTP',
    '',
    `Each connection requests the ${searchQueries.length} queries above in turn.`,
    '',
    httpTable([options.baseline, page, api], options.baseline),
  ].join('\n');
  return { markdown, search, selectOne, http: [page, api] };
}
